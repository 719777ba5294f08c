// The Store contract on SQLite: each test on a new file in a new folder; nodes are stores opened
// on the same file (as `pnpm users` opens it beside a running gateway).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { SqliteStore } from '@switchboard/gateway';
import { SQLITE_MIGRATIONS, migrateSqlite } from '../src/sqlite-migrations.js';
import { apiStoreContract } from './api-store-contract.js';
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
apiStoreContract('sqlite', factory);

test('sqlite: a file at migration 3 gets the later migrations at open; its outbound rows read as SIP MESSAGEs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-migration-'));
  const file = join(dir, 'gateway.sqlite');
  try {
    const old = new Database(file);
    t.deepEqual(migrateSqlite(old, SQLITE_MIGRATIONS.filter((m) => m.version <= 3)), [1, 2, 3]);
    old
      .prepare('INSERT INTO outbound (sender_aor, source, source_ton, source_npi, destination, destination_ton, text, sip_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run('sip:alice@switchboard.local', '447700900555', 1, 1, '447700900123', 1, 'from before', 'call-old', 500);
    old.close();

    const store = new SqliteStore(file, { node: 'after' });
    try {
      const [row] = await store.claimOutbound(10, { now: 0, until: 1000 });
      t.like(row, { sipMessageId: 'call-old', text: 'from before' });
      t.is(row?.apiMessageId ?? null, null);
      t.is(await store.api.routingVersion(), 0);
      t.deepEqual(await store.api.keys(), []);
    } finally {
      await store.close();
    }
    const check = new Database(file, { readonly: true });
    t.deepEqual(check.prepare<[], { version: number }>('SELECT version FROM switchboard_migrations ORDER BY version').all().map((r) => r.version), [1, 2, 3, 4, 5, 6]);
    check.close();
    const again = new Database(file);
    t.deepEqual(migrateSqlite(again), [], 'a second open changes nothing');
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
