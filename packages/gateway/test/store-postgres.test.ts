// The Store contract on PostgreSQL: one throwaway server (Debian's postgresql, started by
// test-support) for the file, a new database per test; nodes are stores (pools) on that database.
// Without the server's programs this fails, naming the package: it never skips.
import test from 'ava';
import { PostgresStore } from '@switchboard/gateway';
import { startPostgres, type Postgres } from '@switchboard/test-support';
import { storeClusterContract } from './store-cluster-contract.js';
import { storeContract, type StoreFactory } from './store-contract.js';

let server: Postgres | undefined;
let databases = 0;

test.before(async () => {
  server = await startPostgres();
});

test.after.always(async () => {
  await server?.stop();
});

const factory: StoreFactory = async () => {
  if (server === undefined) throw new Error('the PostgreSQL server did not start (see the before hook)');
  const url = await server.createDatabase(`contract_${++databases}`);
  return {
    open: (node) => PostgresStore.open(url, { node, poolSize: 4 }),
    // each database is left for the server's folder to take away at the end
    dispose: async () => undefined,
  };
};

storeContract('postgres', factory);
storeClusterContract('postgres', factory);
