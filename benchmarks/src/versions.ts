// Versions of the peers measured, read from their installed package.json.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function versionOf(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

export const xstateVersion = versionOf('xstate');
