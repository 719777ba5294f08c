// The SQLite store's schema, as numbered migrations applied at open and recorded in
// `switchboard_migrations`, so a file made by an older gateway is brought up to date once and a
// second open changes nothing. Version 1 is the schema from before migrations (every statement
// IF NOT EXISTS, so such a file takes it as it is); never edit a migration that has shipped: add one.
import type Database from 'better-sqlite3';

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bindings, inbound, outbound, sent, taken, users, settings',
    sql: `
CREATE TABLE IF NOT EXISTS bindings (
  aor TEXT NOT NULL, contact TEXT NOT NULL, expires_at INTEGER NOT NULL, call_id TEXT NOT NULL, cseq INTEGER NOT NULL,
  PRIMARY KEY (aor, contact)
);
CREATE TABLE IF NOT EXISTS inbound (
  id INTEGER PRIMARY KEY AUTOINCREMENT, aor TEXT NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL,
  content_type TEXT NOT NULL DEFAULT 'text/plain;charset=UTF-8', received_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbound (
  id INTEGER PRIMARY KEY AUTOINCREMENT, sender_aor TEXT, source TEXT NOT NULL, source_ton INTEGER NOT NULL, source_npi INTEGER NOT NULL,
  destination TEXT NOT NULL, destination_ton INTEGER NOT NULL, text TEXT NOT NULL, sip_message_id TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sent (
  message_id TEXT PRIMARY KEY, sender_aor TEXT NOT NULL, recipient TEXT NOT NULL, sip_message_id TEXT NOT NULL, sent_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inbound_aor ON inbound (aor, id);
CREATE TABLE IF NOT EXISTS taken (key TEXT PRIMARY KEY, status INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (username TEXT PRIMARY KEY, realm TEXT NOT NULL, ha1_md5 TEXT NOT NULL, ha1_sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value BLOB NOT NULL);
`,
  },
  {
    version: 2,
    name: 'claims with leases on the inbound and outbound queues',
    sql: `
ALTER TABLE inbound ADD COLUMN claimed_by TEXT;
ALTER TABLE inbound ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbound ADD COLUMN claimed_by TEXT;
ALTER TABLE outbound ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 3,
    name: 'bind leases with fencing tokens, node heartbeats',
    sql: `
CREATE TABLE bind_leases (bind TEXT PRIMARY KEY, owner TEXT, token INTEGER NOT NULL, lease_until INTEGER NOT NULL);
CREATE TABLE cluster_nodes (
  node TEXT PRIMARY KEY, name TEXT NOT NULL, started_at INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL, detail TEXT NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'the HTTP API: keys, messages and their parts, the webhook queue, the routing table',
    sql: `
ALTER TABLE outbound ADD COLUMN api_message_id TEXT;
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, admin INTEGER NOT NULL, rate_per_second REAL NOT NULL,
  burst REAL NOT NULL, callback_url TEXT, webhook_secret TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE api_messages (
  id TEXT PRIMARY KEY, key_id TEXT NOT NULL, client_ref TEXT, recipient TEXT NOT NULL, source TEXT NOT NULL, text TEXT NOT NULL,
  callback_url TEXT, state TEXT NOT NULL, parts INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  idempotency_key TEXT, request_hash TEXT,
  UNIQUE (key_id, idempotency_key)
);
CREATE INDEX api_messages_key ON api_messages (key_id, created_at);
CREATE TABLE api_parts (
  message_id TEXT NOT NULL, part INTEGER NOT NULL, state TEXT NOT NULL, connector TEXT, submit_status INTEGER, smsc_message_id TEXT,
  id_key TEXT, submitted_at INTEGER, receipt_state TEXT, receipt_error TEXT, receipt_at INTEGER,
  PRIMARY KEY (message_id, part)
);
CREATE INDEX api_parts_id_key ON api_parts (connector, id_key);
CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL, key_id TEXT, message_id TEXT,
  secret TEXT NOT NULL, created_at INTEGER NOT NULL, give_up_at INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
  next_at INTEGER NOT NULL, last_error TEXT, delivered_at INTEGER, claimed_by TEXT, lease_until INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhooks_due ON webhooks (state, next_at);
CREATE INDEX webhooks_message ON webhooks (message_id);
CREATE TABLE routing_entries (kind TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (kind, name));
CREATE TABLE routing_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT INTO routing_version (id, version) VALUES (1, 0);
`,
  },
  {
    version: 5,
    name: 'the webhook queue knows each row\'s host, so a claim can pass over hosts at their limit',
    sql: `
ALTER TABLE webhooks ADD COLUMN host TEXT;
`,
  },
  {
    version: 6,
    name: 'a receipt record knows the connector its message went through, and is purged when old',
    sql: `
ALTER TABLE sent ADD COLUMN connector TEXT;
CREATE INDEX IF NOT EXISTS sent_sent_at ON sent (sent_at);
`,
  },
];

/**
 * Applies the migrations `db` has not had, in order, in one IMMEDIATE transaction (a second
 * process opening the file at the same time waits, then finds them applied). Returns the versions
 * applied now.
 */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[] = SQLITE_MIGRATIONS): number[] {
  const apply = db.transaction((): number[] => {
    db.exec('CREATE TABLE IF NOT EXISTS switchboard_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const done = new Set(db.prepare<[], { version: number }>('SELECT version FROM switchboard_migrations').all().map((r) => r.version));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO switchboard_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, Date.now());
      applied.push(migration.version);
    }
    return applied;
  });
  return apply.immediate();
}
