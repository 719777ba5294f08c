// The Store contract on SQLite: each test on a new file in a new folder; nodes are stores opened
// on the same file (as `pnpm users` opens it beside a running gateway).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@switchboard/gateway';
import { storeClusterContract } from './store-cluster-contract.js';
import { storeContract, type StoreFactory } from './store-contract.js';

const factory: StoreFactory = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-contract-'));
  const file = join(dir, 'gateway.sqlite');
  return {
    open: async (node) => new SqliteStore(file, { node }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
};

storeContract('sqlite', factory);
storeClusterContract('sqlite', factory);
