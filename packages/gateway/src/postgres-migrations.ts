// The PostgreSQL store's schema, as numbered migrations applied at start and recorded in
// `switchboard_migrations`. Nodes starting at once take an advisory lock first, so one applies
// what is missing and the others find it done. Never edit a migration that has shipped: add one.
//
// Times are BIGINT milliseconds on the gateway's clock; message bodies are BYTEA (UTF-8), since a
// PostgreSQL TEXT cannot hold U+0000 and an SMS or a MESSAGE body may. The queues carry a claim
// (`claimed_by`, `lease_until`): a node takes rows with UPDATE … WHERE lease_until <= now, under
// FOR UPDATE SKIP LOCKED, so two nodes never take the same row, and a crashed node's rows come
// back when its lease ends.
import type postgres from 'postgres';

interface Migration {
  readonly version: number;
  readonly name: string;
  /** One statement each (the extended protocol takes one at a time). */
  readonly statements: readonly string[];
}

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bindings, inbound and outbound queues with leases, sent, taken, users, settings',
    statements: [
      `CREATE TABLE bindings (
        aor TEXT NOT NULL, contact TEXT NOT NULL, expires_at BIGINT NOT NULL, call_id TEXT NOT NULL, cseq BIGINT NOT NULL,
        PRIMARY KEY (aor, contact))`,
      'CREATE INDEX bindings_expiry ON bindings (expires_at)',
      `CREATE TABLE inbound (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, aor TEXT NOT NULL, sender TEXT NOT NULL, text BYTEA NOT NULL,
        content_type TEXT NOT NULL, received_at BIGINT NOT NULL, claimed_by TEXT, lease_until BIGINT NOT NULL DEFAULT 0)`,
      'CREATE INDEX inbound_aor ON inbound (aor, id)',
      `CREATE TABLE outbound (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, sender_aor TEXT, source TEXT NOT NULL, source_ton SMALLINT NOT NULL,
        source_npi SMALLINT NOT NULL, destination TEXT NOT NULL, destination_ton SMALLINT NOT NULL, text BYTEA NOT NULL,
        sip_message_id TEXT NOT NULL, created_at BIGINT NOT NULL, claimed_by TEXT, lease_until BIGINT NOT NULL DEFAULT 0)`,
      'CREATE INDEX outbound_claimed_by ON outbound (claimed_by) WHERE claimed_by IS NOT NULL',
      'CREATE TABLE sent (message_id TEXT PRIMARY KEY, sender_aor TEXT NOT NULL, recipient TEXT NOT NULL, sip_message_id TEXT NOT NULL, sent_at BIGINT NOT NULL)',
      'CREATE TABLE taken (key TEXT PRIMARY KEY, status INTEGER NOT NULL, expires_at BIGINT NOT NULL)',
      'CREATE INDEX taken_expiry ON taken (expires_at)',
      'CREATE TABLE users (username TEXT PRIMARY KEY, realm TEXT NOT NULL, ha1_md5 TEXT NOT NULL, ha1_sha256 TEXT NOT NULL)',
      'CREATE TABLE settings (name TEXT PRIMARY KEY, value BYTEA NOT NULL)',
    ],
  },
  {
    version: 2,
    name: 'bind leases with fencing tokens, node heartbeats, the database clock',
    statements: [
      // One clock for every node's leases: the server's (clock_timestamp(), not now(): the
      // transaction's start), in whole milliseconds.
      `CREATE FUNCTION switchboard_now_ms() RETURNS BIGINT LANGUAGE sql VOLATILE
        AS 'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint'`,
      // A row per configured bind, never deleted: its token only grows.
      'CREATE TABLE bind_leases (bind TEXT PRIMARY KEY, owner TEXT, token BIGINT NOT NULL, lease_until BIGINT NOT NULL)',
      `CREATE TABLE cluster_nodes (
        node TEXT PRIMARY KEY, name TEXT NOT NULL, started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL,
        lease_until BIGINT NOT NULL, detail TEXT NOT NULL)`,
      'CREATE INDEX inbound_claimed_by ON inbound (claimed_by) WHERE claimed_by IS NOT NULL',
    ],
  },
  {
    version: 3,
    name: 'the HTTP API: keys, messages and their parts, the webhook queue, the routing table',
    statements: [
      'ALTER TABLE outbound ADD COLUMN api_message_id TEXT',
      `CREATE TABLE api_keys (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, admin BOOLEAN NOT NULL, rate_per_second DOUBLE PRECISION NOT NULL,
        burst DOUBLE PRECISION NOT NULL, callback_url TEXT, webhook_secret TEXT NOT NULL, created_at BIGINT NOT NULL)`,
      `CREATE TABLE api_messages (
        id TEXT PRIMARY KEY, key_id TEXT NOT NULL, client_ref TEXT, recipient TEXT NOT NULL, source TEXT NOT NULL, text BYTEA NOT NULL,
        callback_url TEXT, state TEXT NOT NULL, parts INTEGER NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
        idempotency_key TEXT, request_hash TEXT,
        UNIQUE (key_id, idempotency_key))`,
      'CREATE INDEX api_messages_key ON api_messages (key_id, created_at)',
      // submit_status is a command_status: an unsigned 32-bit number, past INTEGER's range
      `CREATE TABLE api_parts (
        message_id TEXT NOT NULL, part INTEGER NOT NULL, state TEXT NOT NULL, connector TEXT, submit_status BIGINT, smsc_message_id TEXT,
        id_key TEXT, submitted_at BIGINT, receipt_state TEXT, receipt_error TEXT, receipt_at BIGINT,
        PRIMARY KEY (message_id, part))`,
      'CREATE INDEX api_parts_id_key ON api_parts (connector, id_key)',
      // the body is JSON text, whose escapes keep U+0000 out of it: TEXT holds it
      `CREATE TABLE webhooks (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, url TEXT NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL, key_id TEXT,
        message_id TEXT, secret TEXT NOT NULL, created_at BIGINT NOT NULL, give_up_at BIGINT NOT NULL, state TEXT NOT NULL,
        attempts INTEGER NOT NULL, next_at BIGINT NOT NULL, last_error TEXT, delivered_at BIGINT, claimed_by TEXT,
        lease_until BIGINT NOT NULL DEFAULT 0)`,
      'CREATE INDEX webhooks_due ON webhooks (state, next_at)',
      'CREATE INDEX webhooks_message ON webhooks (message_id)',
      'CREATE INDEX webhooks_claimed_by ON webhooks (claimed_by) WHERE claimed_by IS NOT NULL',
      'CREATE TABLE routing_entries (kind TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (kind, name))',
      // one row: every change of the entries updates it, so changes are serialised and the number only grows
      'CREATE TABLE routing_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)',
      'INSERT INTO routing_version (id, version) VALUES (1, 0)',
    ],
  },
  {
    version: 4,
    name: 'the webhook queue knows each row\'s host, so a claim can pass over hosts at their limit',
    statements: ['ALTER TABLE webhooks ADD COLUMN host TEXT'],
  },
  {
    version: 5,
    name: 'a receipt record knows the connector its message went through, and is purged when old',
    statements: ['ALTER TABLE sent ADD COLUMN connector TEXT', 'CREATE INDEX sent_sent_at ON sent (sent_at)'],
  },
];

/** The advisory lock class (first key) the gateway's locks use; the second key says what is locked. */
export const LOCK_CLASS = 0x5b0a;
/** Second key of the lock held while migrating. */
const MIGRATION_LOCK = 0;

/**
 * Applies the migrations the database has not had, in order, in one transaction (PostgreSQL's DDL
 * is transactional: a failed migration leaves nothing half done). Resolves with the versions
 * applied now.
 */
export async function migratePostgres(sql: postgres.Sql, migrations: readonly Migration[] = POSTGRES_MIGRATIONS): Promise<number[]> {
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS switchboard_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`;
    const done = new Set((await tx<{ version: number }[]>`SELECT version FROM switchboard_migrations`).map((r) => r.version));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.unsafe(statement);
      await tx`INSERT INTO switchboard_migrations (version, name) VALUES (${migration.version}, ${migration.name})`;
      applied.push(migration.version);
    }
    return applied;
  });
}
