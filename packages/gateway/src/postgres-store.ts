// The Store on PostgreSQL (postgres.js), for several gateway nodes on one database. Queries go
// through a bounded pool; each statement commits before its promise resolves (synchronous_commit as
// the server has it: on by default, so acknowledged means on the server's disk). Work in the queues
// is claimed with leases, and the statements that must not interleave across nodes (a REGISTER's
// read-decide-write, a MESSAGE's identity and its row) are one transaction or one statement.
import { randomBytes } from 'node:crypto';
import createDebug from 'debug';
import postgres from 'postgres';
import type { ApiStore } from './api-store.js';
import { PostgresApi } from './postgres-api.js';
import { LOCK_CLASS, migratePostgres } from './postgres-migrations.js';
import * as cluster from './postgres-cluster.js';
import { ReachabilityGate, SERVER_ENDED } from './postgres-gate.js';
import { StoreError, withDecision } from './store-error.js';
import { newNodeName } from './store-node.js';
import { GroupedStatement } from './grouped-statement.js';
import { bindingsGroup, queueInboundGroup, settleGroup, takeSentGroup, type BindingsRead, type SentTake, type Settled } from './postgres-grouped.js';
import { toBinding, toOutbound, toPending, toUser, type BindingRow, type InboundRow, type OutboundRow, type UserRow } from './store-rows.js';
import type { Binding, BindingDecision, BindLease, ClusterView, HeldBind, Lease, MessageIdentity, NodeBeat, OutboundMessage, PendingMessage, QueuedOutbound, ReapedNodes, SentMessage, SipUser, Store, TakenMessage } from './store.js';

const log = createDebug('switchboard:gateway:store');

/** How a {@link PostgresStore} connects. */
export interface PostgresStoreOptions {
  /** The name claims are made under (default `host/pid/random`). */
  readonly node?: string;
  /** Most connections the pool opens (default 10); queries beyond them queue (and pipeline). */
  readonly poolSize?: number;
  /** Seconds to wait for a connection before a query fails (default 5). */
  readonly connectTimeout?: number;
  /** Milliseconds one statement may run before the server cancels it (default 10000). */
  readonly statementTimeout?: number;
}

type Sql = postgres.Sql;


/** Most operations in one grouped statement. */
const GROUP_MOST = 500;

/** A group's failure that may be one item's: the server refused the data (SQLSTATE class 22), e.g. a NUL in a text. */
function refusedData(error: unknown): boolean {
  const cause = error instanceof StoreError ? error.cause : error;
  return cause instanceof postgres.PostgresError && cause.code.startsWith('22');
}

/** A time as the BIGINT columns hold it: whole milliseconds (a clock may give fractions). */
const ms = (time: number): number => Math.floor(time);

/**
 * The {@link Store} on PostgreSQL, through a pool of postgres.js connections. `open` connects and
 * applies the migrations the database lacks; several gateways may share the database, each a node
 * with its own claims.
 *
 * @example
 * ```ts
 * const store = await PostgresStore.open('postgres://switchboard@db.example/switchboard', { poolSize: 10 });
 * await store.putUser({ username: 'alice', realm: 'example.com', ha1Md5, ha1Sha256 });
 * await store.close();
 * ```
 */
export class PostgresStore implements Store {
  private closed = false;
  /** Shut while the database is out of reach: operations fail at once instead of queueing. */
  private readonly gate = new ReachabilityGate(() => this.sql`SELECT 1`);
  /** The HTTP API's keys and messages, the webhook queue and the routing table, in the same database. */
  readonly api: ApiStore;
  // The statements every MESSAGE runs after its submit, grouped while the database is busy (group
  // commit: grouped-statement.ts). A group fails as a whole, each caller with the same StoreError,
  // unless the server refused its data (a text it cannot hold): then each item runs alone.
  private readonly settles = new GroupedStatement<Settled, void>((items) => this.run('deleteOutbound', (sql) => settleGroup(sql, items)), GROUP_MOST, refusedData);
  private readonly sentTakes = new GroupedStatement<SentTake, SentMessage | undefined>((takes) => this.run('takeSent', (sql) => takeSentGroup(sql, takes)), GROUP_MOST, refusedData);
  private readonly inboundQueue = new GroupedStatement<Omit<PendingMessage, 'id'>, number>((messages) => this.run('queueInbound', (sql) => queueInboundGroup(sql, messages)), GROUP_MOST, refusedData);
  private readonly bindingReads = new GroupedStatement<BindingsRead, Binding[]>((reads) => this.run('bindings', (sql) => bindingsGroup(sql, reads)), GROUP_MOST, refusedData);

  private constructor(
    private readonly sql: Sql,
    /** The name this store claims work under. */
    readonly node: string,
    private readonly poolSize: number,
  ) {
    this.api = new PostgresApi(node, (operation, work) => this.run(operation, work));
  }

  /**
   * Connects to `url` (`postgres://user:password@host:port/database`) and migrates the schema;
   * rejects with the driver's error when it cannot (the pool is closed again).
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const poolSize = options.poolSize ?? 10;
    const sql = postgres(url, {
      max: poolSize,
      connect_timeout: options.connectTimeout ?? 5,
      // idle connections are closed after 30 s, and every connection renewed within the hour
      idle_timeout: 30,
      max_lifetime: 60 * 30,
      // no array parameters are used: the type lookup on connect is not needed
      fetch_types: false,
      // reconnect attempts at most a second apart (postgres.js waits up to 20 s after many
      // failures): a database that comes back is used again at once
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
      onnotice: (notice) => log('notice: %s', notice.message),
      connection: { application_name: 'switchboard-gateway', statement_timeout: options.statementTimeout ?? 10_000 },
    });
    try {
      const applied = await migratePostgres(sql);
      if (applied.length > 0) log('migrations %o applied', applied);
    } catch (error) {
      await sql.end({ timeout: 1 }).catch(() => undefined);
      throw error;
    }
    return new PostgresStore(sql, options.node ?? newNodeName(), poolSize);
  }

  /**
   * Runs `work`, turning a failure into a StoreError. A connection the server ended while it sat in
   * the pool (a restart, a failover) fails its next query with a shutdown error and nothing done:
   * that query is run again, on another connection (at most once per connection of the pool).
   * While the database is out of reach, operations fail at once, untried (postgres-gate.ts).
   */
  private async run<T>(operation: string, work: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError(operation, new Error('the store is closed'));
    try {
      this.gate.check();
    } catch (error) {
      throw new StoreError(operation, error);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await work(this.sql);
      } catch (error) {
        if (attempt < this.poolSize && error instanceof postgres.PostgresError && SERVER_ENDED.has(error.code)) {
          log('%s: %s; again on another connection', operation, error.message);
          continue;
        }
        this.gate.failed(error);
        throw new StoreError(operation, error);
      }
    }
  }

  bindings(aor: string, now: number): Promise<Binding[]> {
    return this.bindingReads.run({ aor, now });
  }

  changeBindings(aor: string, now: number, decision: BindingDecision): Promise<Binding[]> {
    return withDecision(decision, (decide) => this.changeBindingsWith(aor, now, decide));
  }

  private changeBindingsWith(aor: string, now: number, decide: BindingDecision): Promise<Binding[]> {
    return this.run('changeBindings', (sql) =>
      sql.begin(async (tx) => {
        // One REGISTER of an AOR at a time, across nodes: a lock on the AOR itself, since the rows
        // a request adds do not exist yet for FOR UPDATE to lock.
        await tx`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${aor}))`;
        const read = async (): Promise<Binding[]> => (await tx<BindingRow[]>`SELECT * FROM bindings WHERE aor = ${aor} AND expires_at > ${ms(now)} ORDER BY expires_at DESC, contact COLLATE "C"`).map(toBinding);
        const change = decide(await read());
        if (change === undefined) return read();
        if (change.removeAll === true) await tx`DELETE FROM bindings WHERE aor = ${aor}`;
        const remove = [...(change.remove ?? [])];
        if (remove.length > 0) await tx`DELETE FROM bindings WHERE aor = ${aor} AND contact IN ${tx(remove)}`;
        const put = (change.put ?? []).map((b) => ({ aor, contact: b.contact, expires_at: ms(b.expiresAt), call_id: b.callId, cseq: b.cseq }));
        if (put.length > 0) {
          await tx`INSERT INTO bindings ${tx(put, 'aor', 'contact', 'expires_at', 'call_id', 'cseq')}
            ON CONFLICT (aor, contact) DO UPDATE SET expires_at = EXCLUDED.expires_at, call_id = EXCLUDED.call_id, cseq = EXCLUDED.cseq`;
        }
        return read();
      }),
    );
  }

  purgeExpired(now: number): Promise<number> {
    return this.run('purgeExpired', async (sql) => (await sql`DELETE FROM bindings WHERE expires_at <= ${ms(now)}`).count);
  }

  countBindings(now: number): Promise<number> {
    return this.run('countBindings', async (sql) => Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM bindings WHERE expires_at > ${ms(now)}`)[0]?.n ?? 0));
  }

  queueInbound(m: Omit<PendingMessage, 'id'>): Promise<number> {
    return this.inboundQueue.run(m);
  }

  pendingFor(aor: string): Promise<PendingMessage[]> {
    return this.run('pendingFor', async (sql) => (await sql<InboundRow[]>`SELECT * FROM inbound WHERE aor = ${aor} ORDER BY id`).map(toPending));
  }

  claimInbound(aor: string, lease: Lease): Promise<PendingMessage | undefined> {
    // The oldest of the AOR's messages, unless a lease holds it. Two nodes racing for it: the second
    // waits on its row lock, then finds the lease taken and updates nothing.
    return this.run('claimInbound', async (sql) => {
      const [row] = await sql<InboundRow[]>`UPDATE inbound SET claimed_by = ${this.node}, lease_until = ${ms(lease.until)}
        WHERE id = (SELECT id FROM inbound WHERE aor = ${aor} ORDER BY id LIMIT 1) AND lease_until <= ${ms(lease.now)}
        RETURNING *`;
      return row === undefined ? undefined : toPending(row);
    });
  }

  releaseInbound(id: number): Promise<void> {
    // only this node's claim: a row another node took over (this one was thought dead) stays its
    return this.run('releaseInbound', async (sql) => void (await sql`UPDATE inbound SET claimed_by = NULL, lease_until = 0 WHERE id = ${id} AND claimed_by = ${this.node}`));
  }

  deleteInbound(id: number): Promise<void> {
    return this.run('deleteInbound', async (sql) => void (await sql`DELETE FROM inbound WHERE id = ${id}`));
  }

  countPending(): Promise<number> {
    return this.run('countPending', async (sql) => Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM inbound`)[0]?.n ?? 0));
  }

  queueOutbound(m: Omit<OutboundMessage, 'id'>, options: { readonly identity?: MessageIdentity; readonly lease: Lease }): Promise<QueuedOutbound> {
    const { identity, lease } = options;
    const text = Buffer.from(m.text, 'utf8');
    return this.run('queueOutbound', async (sql) => {
      // The row comes back with the bind leases this node holds as the server stores it: the fence
      // its submit goes through, at no extra round trip.
      const held = cluster.heldJson(sql, this.node);
      if (identity === undefined) {
        const [row] = await sql<{ id: string; held: string | null }[]>`INSERT INTO outbound (sender_aor, source, source_ton, source_npi, destination, destination_ton, text, sip_message_id, created_at, claimed_by, lease_until, api_message_id)
          VALUES (${m.senderAor}, ${m.source}, ${m.sourceTon}, ${m.sourceNpi}, ${m.destination}, ${m.destinationTon}, ${text}, ${m.sipMessageId}, ${ms(m.createdAt)}, ${this.node}, ${ms(lease.until)}, ${m.apiMessageId ?? null}) RETURNING id, ${held} AS held`;
        return { kind: 'queued', id: Number(row!.id), held: cluster.parseHeld(row!.held) };
      }
      // One statement, so one round trip and atomic: the identity is taken (or an expired record of
      // it replaced) and the row stored, or neither. A node racing with the same identity waits on
      // the key's index entry, then finds it live and stores nothing.
      const [row] = await sql<{ id: string; held: string | null }[]>`
        WITH identity AS (
          INSERT INTO taken (key, status, expires_at) VALUES (${identity.key}, 0, ${ms(identity.expiresAt)})
          ON CONFLICT (key) DO UPDATE SET status = 0, expires_at = EXCLUDED.expires_at WHERE taken.expires_at <= ${ms(lease.now)}
          RETURNING key
        )
        INSERT INTO outbound (sender_aor, source, source_ton, source_npi, destination, destination_ton, text, sip_message_id, created_at, claimed_by, lease_until, api_message_id)
        SELECT ${m.senderAor}::text, ${m.source}::text, ${m.sourceTon}::smallint, ${m.sourceNpi}::smallint, ${m.destination}::text, ${m.destinationTon}::smallint,
               ${text}::bytea, ${m.sipMessageId}::text, ${ms(m.createdAt)}::bigint, ${this.node}::text, ${ms(lease.until)}::bigint, ${m.apiMessageId ?? null}::text
        WHERE EXISTS (SELECT 1 FROM identity)
        RETURNING id, ${held} AS held`;
      if (row !== undefined) return { kind: 'queued', id: Number(row.id), held: cluster.parseHeld(row.held) };
      const [seen] = await sql<{ status: number; expires_at: string }[]>`SELECT status, expires_at FROM taken WHERE key = ${identity.key}`;
      // purged between the two statements (it expired meanwhile): seen all the same, answer 202
      return { kind: 'seen', taken: seen === undefined ? { status: 0, expiresAt: identity.expiresAt } : { status: seen.status, expiresAt: Number(seen.expires_at) } };
    });
  }

  claimOutbound(limit: number, lease: Lease): Promise<OutboundMessage[]> {
    // SKIP LOCKED: rows another node is claiming right now are passed over, not waited for.
    return this.run('claimOutbound', async (sql) =>
      (
        await sql<OutboundRow[]>`UPDATE outbound SET claimed_by = ${this.node}, lease_until = ${ms(lease.until)}
          WHERE id IN (SELECT id FROM outbound WHERE lease_until <= ${ms(lease.now)} ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
          RETURNING *`
      )
        .map(toOutbound)
        .sort((a, b) => a.id - b.id),
    );
  }

  releaseOutbound(id: number): Promise<void> {
    // only this node's claim: a row another node took over (this one was thought dead) stays its
    return this.run('releaseOutbound', async (sql) => void (await sql`UPDATE outbound SET claimed_by = NULL, lease_until = 0 WHERE id = ${id} AND claimed_by = ${this.node}`));
  }

  deleteOutbound(id: number, sent?: SentMessage): Promise<void> {
    return this.settles.run({ id, sent });
  }

  countOutbound(): Promise<number> {
    return this.run('countOutbound', async (sql) => Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM outbound`)[0]?.n ?? 0));
  }

  takenMessage(key: string, now: number): Promise<TakenMessage | undefined> {
    return this.run('takenMessage', async (sql) => {
      const [row] = await sql<{ status: number; expires_at: string }[]>`SELECT status, expires_at FROM taken WHERE key = ${key} AND expires_at > ${ms(now)}`;
      return row === undefined ? undefined : { status: row.status, expiresAt: Number(row.expires_at) };
    });
  }

  answeredMessage(key: string, status: number): Promise<void> {
    return this.run('answeredMessage', async (sql) => void (await sql`UPDATE taken SET status = ${status} WHERE key = ${key}`));
  }

  purgeTaken(now: number): Promise<number> {
    return this.run('purgeTaken', async (sql) => (await sql`DELETE FROM taken WHERE expires_at <= ${ms(now)}`).count);
  }

  recordSent(m: SentMessage): Promise<void> {
    return this.run('recordSent', async (sql) => {
      await sql`INSERT INTO sent (message_id, sender_aor, recipient, sip_message_id, sent_at, connector) VALUES (${m.messageId}, ${m.senderAor}, ${m.recipient}, ${m.sipMessageId}, ${ms(m.sentAt)}, ${m.connector})
        ON CONFLICT (message_id) DO UPDATE SET sender_aor = EXCLUDED.sender_aor, recipient = EXCLUDED.recipient, sip_message_id = EXCLUDED.sip_message_id, sent_at = EXCLUDED.sent_at, connector = EXCLUDED.connector`;
    });
  }

  takeSent(messageId: string, connector: string): Promise<SentMessage | undefined> {
    return this.sentTakes.run({ messageId, connector });
  }

  purgeSent(before: number): Promise<number> {
    return this.run('purgeSent', async (sql) => (await sql`DELETE FROM sent WHERE sent_at < ${ms(before)}`).count);
  }

  user(username: string): Promise<SipUser | undefined> {
    return this.run('user', async (sql) => {
      const [row] = await sql<UserRow[]>`SELECT * FROM users WHERE username = ${username}`;
      return row === undefined ? undefined : toUser(row);
    });
  }

  putUser(u: SipUser): Promise<void> {
    return this.run('putUser', async (sql) => {
      await sql`INSERT INTO users (username, realm, ha1_md5, ha1_sha256) VALUES (${u.username}, ${u.realm}, ${u.ha1Md5}, ${u.ha1Sha256})
        ON CONFLICT (username) DO UPDATE SET realm = EXCLUDED.realm, ha1_md5 = EXCLUDED.ha1_md5, ha1_sha256 = EXCLUDED.ha1_sha256`;
    });
  }

  removeUser(username: string): Promise<boolean> {
    return this.run('removeUser', async (sql) => (await sql`DELETE FROM users WHERE username = ${username}`).count > 0);
  }

  usernames(): Promise<string[]> {
    // byte order, as SQLite sorts: the database's collation may interleave cases and skip punctuation
    return this.run('usernames', async (sql) => (await sql<{ username: string }[]>`SELECT username FROM users ORDER BY username COLLATE "C"`).map((r) => r.username));
  }

  serverSecret(): Promise<Buffer> {
    return this.run('serverSecret', async (sql) => {
      await sql`INSERT INTO settings (name, value) VALUES ('server-secret', ${randomBytes(32)}) ON CONFLICT (name) DO NOTHING`;
      const [row] = await sql<{ value: Buffer }[]>`SELECT value FROM settings WHERE name = 'server-secret'`;
      return row!.value;
    });
  }

  leaseBind(bind: string, ttl: number): Promise<BindLease | undefined> {
    return this.run('leaseBind', (sql) => cluster.leaseBind(sql, this.node, bind, Math.floor(ttl)));
  }

  releaseBind(bind: string, token: number): Promise<void> {
    return this.run('releaseBind', (sql) => cluster.releaseBind(sql, this.node, bind, token));
  }

  heldBinds(): Promise<HeldBind[]> {
    return this.run('heldBinds', (sql) => cluster.heldBinds(sql, this.node));
  }

  heartbeat(beat: NodeBeat): Promise<void> {
    return this.run('heartbeat', (sql) => cluster.heartbeat(sql, this.node, { ...beat, ttl: Math.floor(beat.ttl) }));
  }

  reapNodes(forgetAfter: number): Promise<ReapedNodes> {
    return this.run('reapNodes', (sql) => cluster.reapNodes(sql, this.node, Math.floor(forgetAfter)));
  }

  clusterView(): Promise<ClusterView> {
    return this.run('clusterView', (sql) => cluster.clusterView(sql));
  }

  leaveCluster(): Promise<void> {
    return this.run('leaveCluster', (sql) => cluster.leaveCluster(sql, this.node));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // what waits in a group was asked for before the close: it runs (bounded by statement_timeout)
    await Promise.all([this.settles, this.sentTakes, this.inboundQueue, this.bindingReads].map((group) => group.idle()));
    if (this.closed) return;
    this.closed = true;
    this.gate.close();
    try {
      await this.sql`WITH outbox AS (UPDATE outbound SET claimed_by = NULL, lease_until = 0 WHERE claimed_by = ${this.node} RETURNING 1),
          hooks AS (UPDATE webhooks SET claimed_by = NULL, lease_until = 0 WHERE claimed_by = ${this.node} RETURNING 1)
        UPDATE inbound SET claimed_by = NULL, lease_until = 0 WHERE claimed_by = ${this.node}`;
    } catch (error) {
      log('claims of %s not given back at close (they end with their leases): %O', this.node, error);
    }
    // Nothing should be in flight by now (the store closes last). A connection that died in an
    // outage may never report its end to postgres.js (3.4): after a second it is destroyed.
    await this.sql.end({ timeout: 1 });
  }
}
