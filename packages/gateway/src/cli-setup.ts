// What `pnpm users` and `pnpm keys` share: the configuration from the command line (the same
// --config / SWITCHBOARD_* settings as `pnpm start`, relative paths read from where the command
// was run), the store it names opened with every write fsynced, and one-line failures with the
// exit statuses of sysexits.h.
import { ConfigError, commandLineConfig, type GatewayConfig } from './config.js';
import { openStore } from './open-store.js';
import { StartExit, startFailure } from './start-failure.js';
import type { Store } from './store.js';

/** Writes `message` on stderr and exits with `code`. */
export function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** The configuration and the arguments left; a bad configuration exits 78 with its one line. */
export function cliConfig(): { readonly config: GatewayConfig; readonly args: string[] } {
  try {
    return commandLineConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, StartExit.CONFIG);
    throw error;
  }
}

/** Opens the configuration's store (fsync per commit: a command's change must last); exits with the start failure's line and status when it cannot. */
export async function cliStore(config: GatewayConfig): Promise<Store> {
  try {
    return await openStore(config.store, { synchronous: 'full' });
  } catch (error) {
    const failure = startFailure(error, config);
    fail(failure.message, failure.exitStatus);
  }
}
