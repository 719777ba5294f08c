// The Store contract on PostgreSQL: one throwaway server (Debian's postgresql, started by
// test-support) for the file, a new database per test; nodes are stores (pools) on that database.
// Without the server's programs this fails, naming the package: it never skips.
import test from 'ava';
import postgres from 'postgres';
import { PostgresStore } from '@switchboard/gateway';
import { POSTGRES_MIGRATIONS, migratePostgres } from '../src/postgres-migrations.js';
import { startPostgres, type Postgres } from '@switchboard/test-support';
import { apiStoreContract } from './api-store-contract.js';
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
apiStoreContract('postgres', factory);

test.serial('postgres: a database at migration 2 gets the later migrations at open; its outbound rows read as SIP MESSAGEs', async (t) => {
  if (server === undefined) throw new Error('the PostgreSQL server did not start (see the before hook)');
  const url = await server.createDatabase(`migration_${++databases}`);
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    t.deepEqual(await migratePostgres(sql, POSTGRES_MIGRATIONS.filter((m) => m.version <= 2)), [1, 2]);
    await sql`INSERT INTO outbound (sender_aor, source, source_ton, source_npi, destination, destination_ton, text, sip_message_id, created_at)
      VALUES ('sip:alice@switchboard.local', '447700900555', 1, 1, '447700900123', 1, ${Buffer.from('from before')}, 'call-old', 500)`;
    const store = await PostgresStore.open(url, { node: 'after', poolSize: 2 });
    try {
      const [row] = await store.claimOutbound(10, { now: 0, until: 1000 });
      t.like(row, { sipMessageId: 'call-old', text: 'from before' });
      t.is(row?.apiMessageId ?? null, null);
      t.is(await store.api.routingVersion(), 0);
    } finally {
      await store.close();
    }
    t.deepEqual((await sql<{ version: number }[]>`SELECT version FROM switchboard_migrations ORDER BY version`).map((r) => r.version), [1, 2, 3, 4]);
    t.deepEqual(await migratePostgres(sql), [], 'a second open changes nothing');
  } finally {
    await sql.end({ timeout: 1 });
  }
});
