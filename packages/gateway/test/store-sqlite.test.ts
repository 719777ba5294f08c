// The Store contract on SQLite: each test on a new file in a new folder; nodes are stores opened
// on the same file (as `pnpm users` opens it beside a running gateway).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@switchboard/gateway';
import { storeContract } from './store-contract.js';

storeContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-contract-'));
  const file = join(dir, 'gateway.sqlite');
  return {
    open: async (node) => new SqliteStore(file, { node }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
