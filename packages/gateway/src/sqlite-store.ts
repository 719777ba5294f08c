// The Store on SQLite (better-sqlite3): one file in WAL mode. Each write is committed before the
// gateway acknowledges what it stored, so a crash or restart of the gateway loses nothing. With
// `synchronous: 'normal'` (the default) WAL is not fsynced on every commit: an operating-system
// crash or power cut may lose the last commits. `'full'` fsyncs each one, at a cost in throughput
// (docs/gateway.md has the numbers).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Binding, OutboundMessage, PendingMessage, SentMessage, SipUser, Store, TakenMessage } from './store.js';

const SCHEMA = `
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
`;

interface BindingRow {
  aor: string;
  contact: string;
  expires_at: number;
  call_id: string;
  cseq: number;
}
interface InboundRow {
  id: number;
  aor: string;
  sender: string;
  text: string;
  content_type: string;
  received_at: number;
}
interface OutboundRow {
  id: number;
  sender_aor: string | null;
  source: string;
  source_ton: number;
  source_npi: number;
  destination: string;
  destination_ton: number;
  text: string;
  sip_message_id: string;
  created_at: number;
}
interface UserRow {
  username: string;
  realm: string;
  ha1_md5: string;
  ha1_sha256: string;
}
interface SentRow {
  message_id: string;
  sender_aor: string;
  recipient: string;
  sip_message_id: string;
  sent_at: number;
}

/**
 * The {@link Store} on SQLite (better-sqlite3), one file in WAL mode. Each write is committed
 * before the call returns, so a crash or restart of the gateway loses nothing; with `synchronous:
 * 'normal'` (the default) an operating-system crash or power cut may lose the last commits, and
 * `'full'` fsyncs each one at a cost in throughput.
 *
 * @example
 * ```ts
 * const store = new SqliteStore('/var/lib/switchboard/gateway.db');
 * store.putUser({ username: 'alice', realm: 'example.com', ha1Md5, ha1Sha256 });
 * ```
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly queueTaken: (m: Omit<OutboundMessage, 'id'>, key: string, expiresAt: number) => number;

  /** Opens (or creates) the database at `path`; `':memory:'` for a throwaway one. */
  constructor(path: string, options: { synchronous?: 'normal' | 'full' } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec(SCHEMA);
    this.statements = {
      // the most recently refreshed binding first: it is the one delivery uses
      bindings: this.db.prepare<[string, number], BindingRow>('SELECT * FROM bindings WHERE aor = ? AND expires_at > ? ORDER BY expires_at DESC, contact'),
      put: this.db.prepare('INSERT INTO bindings (aor, contact, expires_at, call_id, cseq) VALUES (?, ?, ?, ?, ?) ON CONFLICT (aor, contact) DO UPDATE SET expires_at = excluded.expires_at, call_id = excluded.call_id, cseq = excluded.cseq'),
      remove: this.db.prepare('DELETE FROM bindings WHERE aor = ? AND contact = ?'),
      removeAll: this.db.prepare('DELETE FROM bindings WHERE aor = ?'),
      purge: this.db.prepare('DELETE FROM bindings WHERE expires_at <= ?'),
      count: this.db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM bindings WHERE expires_at > ?'),
      queue: this.db.prepare('INSERT INTO inbound (aor, sender, text, content_type, received_at) VALUES (?, ?, ?, ?, ?)'),
      queueOutbound: this.db.prepare('INSERT INTO outbound (sender_aor, source, source_ton, source_npi, destination, destination_ton, text, sip_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      outbound: this.db.prepare<[number], OutboundRow>('SELECT * FROM outbound ORDER BY id LIMIT ?'),
      deleteOutbound: this.db.prepare('DELETE FROM outbound WHERE id = ?'),
      countOutbound: this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbound'),
      recordSent: this.db.prepare('INSERT OR REPLACE INTO sent (message_id, sender_aor, recipient, sip_message_id, sent_at) VALUES (?, ?, ?, ?, ?)'),
      findSent: this.db.prepare<[string], SentRow>('SELECT * FROM sent WHERE message_id = ?'),
      deleteSent: this.db.prepare('DELETE FROM sent WHERE message_id = ?'),
      pending: this.db.prepare<[string], InboundRow>('SELECT * FROM inbound WHERE aor = ? ORDER BY id'),
      deleteInbound: this.db.prepare('DELETE FROM inbound WHERE id = ?'),
      countPending: this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM inbound'),
      take: this.db.prepare('INSERT OR REPLACE INTO taken (key, status, expires_at) VALUES (?, 0, ?)'),
      taken: this.db.prepare<[string, number], { status: number; expires_at: number }>('SELECT status, expires_at FROM taken WHERE key = ? AND expires_at > ?'),
      answered: this.db.prepare('UPDATE taken SET status = ? WHERE key = ?'),
      purgeTaken: this.db.prepare('DELETE FROM taken WHERE expires_at <= ?'),
      user: this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
      putUser: this.db.prepare('INSERT OR REPLACE INTO users (username, realm, ha1_md5, ha1_sha256) VALUES (?, ?, ?, ?)'),
      removeUser: this.db.prepare('DELETE FROM users WHERE username = ?'),
      usernames: this.db.prepare<[], { username: string }>('SELECT username FROM users ORDER BY username'),
      setting: this.db.prepare<[string], { value: Buffer }>('SELECT value FROM settings WHERE name = ?'),
      putSetting: this.db.prepare('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)'),
    };
    this.queueTaken = this.db.transaction((m: Omit<OutboundMessage, 'id'>, key: string, expiresAt: number): number => {
      this.statements.take.run(key, expiresAt);
      return this.insertOutbound(m);
    });
  }

  bindings(aor: string, now: number): Binding[] {
    return this.statements.bindings.all(aor, now).map((r) => ({ aor: r.aor, contact: r.contact, expiresAt: r.expires_at, callId: r.call_id, cseq: r.cseq }));
  }

  putBinding(b: Binding): void {
    this.statements.put.run(b.aor, b.contact, b.expiresAt, b.callId, b.cseq);
  }

  removeBinding(aor: string, contact: string): void {
    this.statements.remove.run(aor, contact);
  }

  removeBindings(aor: string): void {
    this.statements.removeAll.run(aor);
  }

  purgeExpired(now: number): number {
    return this.statements.purge.run(now).changes;
  }

  countBindings(now: number): number {
    return this.statements.count.get(now)?.n ?? 0;
  }

  queueInbound(m: Omit<PendingMessage, 'id'>): number {
    return Number(this.statements.queue.run(m.aor, m.from, m.text, m.contentType, m.receivedAt).lastInsertRowid);
  }

  pendingFor(aor: string): PendingMessage[] {
    return this.statements.pending.all(aor).map((r) => ({ id: r.id, aor: r.aor, from: r.sender, text: r.text, contentType: r.content_type, receivedAt: r.received_at }));
  }

  deleteInbound(id: number): void {
    this.statements.deleteInbound.run(id);
  }

  countPending(): number {
    return this.statements.countPending.get()?.n ?? 0;
  }

  queueOutbound(m: Omit<OutboundMessage, 'id'>, taken?: { readonly key: string; readonly expiresAt: number }): number {
    return taken === undefined ? this.insertOutbound(m) : this.queueTaken(m, taken.key, taken.expiresAt);
  }

  takenMessage(key: string, now: number): TakenMessage | undefined {
    const row = this.statements.taken.get(key, now);
    return row === undefined ? undefined : { status: row.status, expiresAt: row.expires_at };
  }

  answeredMessage(key: string, status: number): void {
    this.statements.answered.run(status, key);
  }

  purgeTaken(now: number): number {
    return this.statements.purgeTaken.run(now).changes;
  }

  user(username: string): SipUser | undefined {
    const row = this.statements.user.get(username);
    return row === undefined ? undefined : { username: row.username, realm: row.realm, ha1Md5: row.ha1_md5, ha1Sha256: row.ha1_sha256 };
  }

  putUser(u: SipUser): void {
    this.statements.putUser.run(u.username, u.realm, u.ha1Md5, u.ha1Sha256);
  }

  removeUser(username: string): boolean {
    return this.statements.removeUser.run(username).changes > 0;
  }

  usernames(): string[] {
    return this.statements.usernames.all().map((r) => r.username);
  }

  serverSecret(): Buffer {
    this.statements.putSetting.run('server-secret', randomBytes(32));
    return this.statements.setting.get('server-secret')!.value;
  }

  private insertOutbound(m: Omit<OutboundMessage, 'id'>): number {
    return Number(this.statements.queueOutbound.run(m.senderAor, m.source, m.sourceTon, m.sourceNpi, m.destination, m.destinationTon, m.text, m.sipMessageId, m.createdAt).lastInsertRowid);
  }

  outbound(limit: number): OutboundMessage[] {
    return this.statements.outbound.all(limit).map((r) => ({
      id: r.id,
      senderAor: r.sender_aor,
      source: r.source,
      sourceTon: r.source_ton,
      sourceNpi: r.source_npi,
      destination: r.destination,
      destinationTon: r.destination_ton,
      text: r.text,
      sipMessageId: r.sip_message_id,
      createdAt: r.created_at,
    }));
  }

  deleteOutbound(id: number): void {
    this.statements.deleteOutbound.run(id);
  }

  countOutbound(): number {
    return this.statements.countOutbound.get()?.n ?? 0;
  }

  recordSent(m: SentMessage): void {
    this.statements.recordSent.run(m.messageId, m.senderAor, m.recipient, m.sipMessageId, m.sentAt);
  }

  takeSent(messageId: string): SentMessage | undefined {
    const row = this.statements.findSent.get(messageId);
    if (row === undefined) return undefined;
    this.statements.deleteSent.run(messageId);
    return { messageId: row.message_id, senderAor: row.sender_aor, recipient: row.recipient, sipMessageId: row.sip_message_id, sentAt: row.sent_at };
  }

  close(): void {
    this.db.close();
  }
}
