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
    t.deepEqual((await sql<{ version: number }[]>`SELECT version FROM switchboard_migrations ORDER BY version`).map((r) => r.version), [1, 2, 3, 4, 5]);
    t.deepEqual(await migratePostgres(sql), [], 'a second open changes nothing');
  } finally {
    await sql.end({ timeout: 1 });
  }
});

test.serial('postgres: a grouped operation the server refuses for its own data (a NUL in an AOR) fails alone; the others of its group succeed; close waits for what is queued', async (t) => {
  const { open } = await factory();
  const store = await open('grouped');
  try {
    const aor = 'sip:alice@switchboard.local';
    await store.changeBindings(aor, 0, () => ({ put: [{ aor, contact: 'sip:a@192.0.2.1', expiresAt: 100, callId: 'c', cseq: 1 }] }));
    const reads = await Promise.allSettled([store.bindings(aor, 50), store.bindings('sip:a\u0000b@switchboard.local', 50), store.bindings(aor, 60)]);
    t.is(reads[0]!.status, 'fulfilled');
    t.is(reads[1]!.status, 'rejected');
    t.is(reads[2]!.status, 'fulfilled');
    t.deepEqual(reads[0]!.status === 'fulfilled' ? reads[0].value.map((b) => b.contact) : [], ['sip:a@192.0.2.1']);
    // queued now, closed at once: the queued statements still run before the pool ends
    const queued = Promise.all(Array.from({ length: 10 }, (_, i) => store.queueInbound({ aor, from: '1', text: `m${i}`, contentType: 'text/plain', receivedAt: i })));
    await store.close();
    t.is((await queued).length, 10);
    const again = await open('after');
    t.is((await again.pendingFor(aor)).length, 10);
    await again.close();
  } finally {
    await store.close();
  }
});
