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
