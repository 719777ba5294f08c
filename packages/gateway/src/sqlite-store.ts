// The Store on SQLite (better-sqlite3): one file in WAL mode, for one gateway node. Each write is
// committed before the gateway acknowledges what it stored, so a crash or restart of the gateway
// loses nothing. With `synchronous: 'normal'` (the default) WAL is not fsynced on every commit: an
// operating-system crash or power cut may lose the last commits. `'full'` fsyncs each one, at a cost
// in throughput (docs/gateway.md has the numbers). better-sqlite3 is synchronous: each method does
// its work when called and returns a settled promise, so the order of calls is the order of writes.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import createDebug from 'debug';
import type { ApiStore } from './api-store.js';
import { SqliteApi } from './sqlite-api.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { SqliteCluster } from './sqlite-cluster.js';
import { SqliteBatch } from './sqlite-batch.js';
import { sqliteTransaction, type SqliteTransaction } from './sqlite-transaction.js';
import { withDecision } from './store-error.js';
import { newNodeName } from './store-node.js';
import { toBinding, toOutbound, toPending, toSent, toUser, type BindingRow, type InboundRow, type OutboundRow, type SentRow, type UserRow } from './store-rows.js';
import type { Binding, BindingDecision, BindLease, ClusterView, HeldBind, Lease, MessageIdentity, NodeBeat, OutboundMessage, PendingMessage, QueuedOutbound, ReapedNodes, SentMessage, SipUser, Store, TakenMessage } from './store.js';

const log = createDebug('switchboard:gateway:store');

/** How a {@link SqliteStore} is opened. */
export interface SqliteStoreOptions {
  /** `normal` (default): durable across gateway crashes; `full`: across power loss too (an fsync per commit). */
  readonly synchronous?: 'normal' | 'full';
  /** The name claims are made under (default `host/pid/random`). */
  readonly node?: string;
  /**
   * Frees every claim left in the file at open (default false). A SQLite file serves one gateway,
   * so what a crashed run claimed is free as soon as the next run starts; a tool opening the file
   * beside a running gateway (`pnpm users`) leaves it false.
   */
  readonly reclaim?: boolean;
}

function prepare(db: Database.Database) {
  return {
    // the most recently refreshed binding first: it is the one delivery uses
    bindings: db.prepare<[string, number], BindingRow>('SELECT * FROM bindings WHERE aor = ? AND expires_at > ? ORDER BY expires_at DESC, contact'),
    putBinding: db.prepare('INSERT INTO bindings (aor, contact, expires_at, call_id, cseq) VALUES (?, ?, ?, ?, ?) ON CONFLICT (aor, contact) DO UPDATE SET expires_at = excluded.expires_at, call_id = excluded.call_id, cseq = excluded.cseq'),
    removeBinding: db.prepare('DELETE FROM bindings WHERE aor = ? AND contact = ?'),
    removeBindings: db.prepare('DELETE FROM bindings WHERE aor = ?'),
    purge: db.prepare('DELETE FROM bindings WHERE expires_at <= ?'),
    count: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM bindings WHERE expires_at > ?'),
    queueInbound: db.prepare('INSERT INTO inbound (aor, sender, text, content_type, received_at) VALUES (?, ?, ?, ?, ?)'),
    pending: db.prepare<[string], InboundRow>('SELECT * FROM inbound WHERE aor = ? ORDER BY id'),
    // the oldest of the AOR's messages, only when no lease holds it: one delivery per user at a time
    claimInbound: db.prepare<[string, number, string, number], InboundRow>(
      'UPDATE inbound SET claimed_by = ?, lease_until = ? WHERE id = (SELECT id FROM inbound WHERE aor = ? ORDER BY id LIMIT 1) AND lease_until <= ? RETURNING *',
    ),
    releaseInbound: db.prepare('UPDATE inbound SET claimed_by = NULL, lease_until = 0 WHERE id = ? AND claimed_by = ?'),
    deleteInbound: db.prepare('DELETE FROM inbound WHERE id = ?'),
    countPending: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM inbound'),
    queueOutbound: db.prepare(
      'INSERT INTO outbound (sender_aor, source, source_ton, source_npi, destination, destination_ton, text, sip_message_id, created_at, claimed_by, lease_until, api_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    claimOutbound: db.prepare<[string, number, number, number], OutboundRow>(
      'UPDATE outbound SET claimed_by = ?, lease_until = ? WHERE id IN (SELECT id FROM outbound WHERE lease_until <= ? ORDER BY id LIMIT ?) RETURNING *',
    ),
    releaseOutbound: db.prepare('UPDATE outbound SET claimed_by = NULL, lease_until = 0 WHERE id = ? AND claimed_by = ?'),
    deleteOutbound: db.prepare('DELETE FROM outbound WHERE id = ?'),
    countOutbound: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbound'),
    releaseNode: db.prepare('UPDATE outbound SET claimed_by = NULL, lease_until = 0 WHERE claimed_by = ?'),
    releaseNodeInbound: db.prepare('UPDATE inbound SET claimed_by = NULL, lease_until = 0 WHERE claimed_by = ?'),
    releaseNodeWebhooks: db.prepare('UPDATE webhooks SET claimed_by = NULL, lease_until = 0 WHERE claimed_by = ?'),
    recordSent: db.prepare('INSERT OR REPLACE INTO sent (message_id, sender_aor, recipient, sip_message_id, sent_at, connector) VALUES (?, ?, ?, ?, ?, ?)'),
    takeSent: db.prepare<[string, string], SentRow>('DELETE FROM sent WHERE message_id = ? AND (connector IS NULL OR connector = ?) RETURNING *'),
    purgeSent: db.prepare('DELETE FROM sent WHERE sent_at < ?'),
    take: db.prepare('INSERT OR REPLACE INTO taken (key, status, expires_at) VALUES (?, 0, ?)'),
    taken: db.prepare<[string, number], { status: number; expires_at: number }>('SELECT status, expires_at FROM taken WHERE key = ? AND expires_at > ?'),
    answered: db.prepare('UPDATE taken SET status = ? WHERE key = ?'),
    purgeTaken: db.prepare('DELETE FROM taken WHERE expires_at <= ?'),
    user: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
    putUser: db.prepare('INSERT OR REPLACE INTO users (username, realm, ha1_md5, ha1_sha256) VALUES (?, ?, ?, ?)'),
    removeUser: db.prepare('DELETE FROM users WHERE username = ?'),
    usernames: db.prepare<[], { username: string }>('SELECT username FROM users ORDER BY username'),
    setting: db.prepare<[string], { value: Buffer }>('SELECT value FROM settings WHERE name = ?'),
    putSetting: db.prepare('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)'),
  };
}

/**
 * The {@link Store} on SQLite (better-sqlite3), one file in WAL mode, for one gateway node. Each
 * write is committed before its promise resolves, so a crash or restart of the gateway loses
 * nothing; with `synchronous: 'normal'` (the default) an operating-system crash or power cut may
 * lose the last commits, and `'full'` fsyncs each one at a cost in throughput. The schema is
 * migrated at open (`switchboard_migrations`).
 *
 * @example
 * ```ts
 * const store = new SqliteStore('/var/lib/switchboard/gateway.db');
 * await store.putUser({ username: 'alice', realm: 'example.com', ha1Md5, ha1Sha256 });
 * ```
 */
export class SqliteStore implements Store {
  /** The name this store claims work under. */
  readonly node: string;
  /** The HTTP API's keys and messages, the webhook queue and the routing table, in the same file. */
  readonly api: ApiStore;
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepare>;
  private readonly cluster: SqliteCluster;
  private readonly tx: SqliteTransaction;
  private readonly batch: SqliteBatch;
  private closed = false;

  /** Opens (or creates, and migrates) the database at `path`; `':memory:'` for a throwaway one. Throws when it cannot. */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.node = options.node ?? newNodeName();
    this.db = new Database(path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      // another process (pnpm users) may hold the write lock for a moment
      this.db.pragma('busy_timeout = 5000');
      migrateSqlite(this.db);
      this.statements = prepare(this.db);
      this.tx = sqliteTransaction(this.db);
      this.batch = new SqliteBatch(this.tx, () => !this.closed);
      this.cluster = new SqliteCluster(this.db, this.node, this.tx);
      this.api = new SqliteApi(this.db, this.tx, this.node, (operation, work) => this.run(operation, work), () => this.cluster.heldBinds());
      if (options.reclaim === true) {
        this.db.exec('UPDATE outbound SET claimed_by = NULL, lease_until = 0; UPDATE inbound SET claimed_by = NULL, lease_until = 0; UPDATE webhooks SET claimed_by = NULL, lease_until = 0');
        this.cluster.reclaim();
      }
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /** Runs `work` with the others of this turn of the event loop (sqlite-batch.ts); a failure rejects as a StoreError. */
  private run<T>(operation: string, work: () => T): Promise<T> {
    return this.batch.run(operation, work);
  }

  bindings(aor: string, now: number): Promise<Binding[]> {
    return this.run('bindings', () => this.statements.bindings.all(aor, now).map(toBinding));
  }

  changeBindings(aor: string, now: number, decision: BindingDecision): Promise<Binding[]> {
    return withDecision(decision, (decide) => this.changeBindingsWith(aor, now, decide));
  }

  private changeBindingsWith(aor: string, now: number, decide: BindingDecision): Promise<Binding[]> {
    return this.run('changeBindings', () =>
      this.tx.immediate((): Binding[] => {
        const s = this.statements;
        const change = decide(s.bindings.all(aor, now).map(toBinding));
        if (change !== undefined) {
          if (change.removeAll === true) s.removeBindings.run(aor);
          for (const contact of change.remove ?? []) s.removeBinding.run(aor, contact);
          for (const b of change.put ?? []) s.putBinding.run(aor, b.contact, b.expiresAt, b.callId, b.cseq);
        }
        return s.bindings.all(aor, now).map(toBinding);
      }),
    );
  }

  purgeExpired(now: number): Promise<number> {
    return this.run('purgeExpired', () => this.statements.purge.run(now).changes);
  }

  countBindings(now: number): Promise<number> {
    return this.run('countBindings', () => this.statements.count.get(now)?.n ?? 0);
  }

  queueInbound(m: Omit<PendingMessage, 'id'>): Promise<number> {
    return this.run('queueInbound', () => Number(this.statements.queueInbound.run(m.aor, m.from, m.text, m.contentType, m.receivedAt).lastInsertRowid));
  }

  pendingFor(aor: string): Promise<PendingMessage[]> {
    return this.run('pendingFor', () => this.statements.pending.all(aor).map(toPending));
  }

  claimInbound(aor: string, lease: Lease): Promise<PendingMessage | undefined> {
    return this.run('claimInbound', () => {
      const row = this.statements.claimInbound.get(this.node, lease.until, aor, lease.now);
      return row === undefined ? undefined : toPending(row);
    });
  }

  releaseInbound(id: number): Promise<void> {
    return this.run('releaseInbound', () => void this.statements.releaseInbound.run(id, this.node));
  }

  deleteInbound(id: number): Promise<void> {
    return this.run('deleteInbound', () => void this.statements.deleteInbound.run(id));
  }

  countPending(): Promise<number> {
    return this.run('countPending', () => this.statements.countPending.get()?.n ?? 0);
  }

  queueOutbound(m: Omit<OutboundMessage, 'id'>, options: { readonly identity?: MessageIdentity; readonly lease: Lease }): Promise<QueuedOutbound> {
    return this.run('queueOutbound', () =>
      this.tx.immediate((): QueuedOutbound => {
        const { identity, lease } = options;
        if (identity !== undefined) {
          const seen = this.statements.taken.get(identity.key, lease.now);
          if (seen !== undefined) return { kind: 'seen', taken: { status: seen.status, expiresAt: seen.expires_at } };
          this.statements.take.run(identity.key, identity.expiresAt);
        }
        const id = this.statements.queueOutbound.run(m.senderAor, m.source, m.sourceTon, m.sourceNpi, m.destination, m.destinationTon, m.text, m.sipMessageId, m.createdAt, this.node, lease.until, m.apiMessageId ?? null).lastInsertRowid;
        return { kind: 'queued', id: Number(id), held: this.cluster.heldBinds() };
      }),
    );
  }

  claimOutbound(limit: number, lease: Lease): Promise<OutboundMessage[]> {
    return this.run('claimOutbound', () =>
      this.statements.claimOutbound
        .all(this.node, lease.until, lease.now, limit)
        .map(toOutbound)
        .sort((a, b) => a.id - b.id),
    );
  }

  releaseOutbound(id: number): Promise<void> {
    return this.run('releaseOutbound', () => void this.statements.releaseOutbound.run(id, this.node));
  }

  deleteOutbound(id: number, sent?: SentMessage): Promise<void> {
    if (sent === undefined) return this.run('deleteOutbound', () => void this.statements.deleteOutbound.run(id));
    return this.run('deleteOutbound', () =>
      this.tx.deferred(() => {
        this.statements.deleteOutbound.run(id);
        this.statements.recordSent.run(sent.messageId, sent.senderAor, sent.recipient, sent.sipMessageId, sent.sentAt, sent.connector);
      }),
    );
  }

  countOutbound(): Promise<number> {
    return this.run('countOutbound', () => this.statements.countOutbound.get()?.n ?? 0);
  }

  takenMessage(key: string, now: number): Promise<TakenMessage | undefined> {
    return this.run('takenMessage', () => {
      const row = this.statements.taken.get(key, now);
      return row === undefined ? undefined : { status: row.status, expiresAt: row.expires_at };
    });
  }

  answeredMessage(key: string, status: number): Promise<void> {
    return this.run('answeredMessage', () => void this.statements.answered.run(status, key));
  }

  purgeTaken(now: number): Promise<number> {
    return this.run('purgeTaken', () => this.statements.purgeTaken.run(now).changes);
  }

  recordSent(m: SentMessage): Promise<void> {
    return this.run('recordSent', () => void this.statements.recordSent.run(m.messageId, m.senderAor, m.recipient, m.sipMessageId, m.sentAt, m.connector));
  }

  takeSent(messageId: string, connector: string): Promise<SentMessage | undefined> {
    return this.run('takeSent', () => {
      const row = this.statements.takeSent.get(messageId, connector);
      return row === undefined ? undefined : toSent(row);
    });
  }

  purgeSent(before: number): Promise<number> {
    return this.run('purgeSent', () => this.statements.purgeSent.run(before).changes);
  }

  user(username: string): Promise<SipUser | undefined> {
    return this.run('user', () => {
      const row = this.statements.user.get(username);
      return row === undefined ? undefined : toUser(row);
    });
  }

  putUser(u: SipUser): Promise<void> {
    return this.run('putUser', () => void this.statements.putUser.run(u.username, u.realm, u.ha1Md5, u.ha1Sha256));
  }

  removeUser(username: string): Promise<boolean> {
    return this.run('removeUser', () => this.statements.removeUser.run(username).changes > 0);
  }

  usernames(): Promise<string[]> {
    return this.run('usernames', () => this.statements.usernames.all().map((r) => r.username));
  }

  serverSecret(): Promise<Buffer> {
    return this.run('serverSecret', () => {
      this.statements.putSetting.run('server-secret', randomBytes(32));
      return this.statements.setting.get('server-secret')!.value;
    });
  }

  leaseBind(bind: string, ttl: number): Promise<BindLease | undefined> {
    return this.run('leaseBind', () => this.cluster.leaseBind(bind, ttl));
  }

  releaseBind(bind: string, token: number): Promise<void> {
    return this.run('releaseBind', () => this.cluster.releaseBind(bind, token));
  }

  heldBinds(): Promise<HeldBind[]> {
    return this.run('heldBinds', () => this.cluster.heldBinds());
  }

  heartbeat(beat: NodeBeat): Promise<void> {
    return this.run('heartbeat', () => this.cluster.heartbeat(beat));
  }

  reapNodes(forgetAfter: number): Promise<ReapedNodes> {
    return this.run('reapNodes', () => this.cluster.reapNodes(forgetAfter));
  }

  clusterView(): Promise<ClusterView> {
    return this.run('clusterView', () => this.cluster.clusterView());
  }

  leaveCluster(): Promise<void> {
    return this.run('leaveCluster', () => this.cluster.leaveCluster());
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // what was called before close is carried out first
    this.batch.flush();
    try {
      this.statements.releaseNode.run(this.node);
      this.statements.releaseNodeInbound.run(this.node);
      this.statements.releaseNodeWebhooks.run(this.node);
    } catch (error) {
      log('claims of %s not given back at close (they end with their leases): %O', this.node, error);
    } finally {
      this.closed = true;
      this.db.close();
    }
    return Promise.resolve();
  }
}
