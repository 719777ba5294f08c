// The ApiStore on SQLite: the HTTP API's keys and messages, the webhook queue and the routing
// table in the SqliteStore's file, through its better-sqlite3 handle. Each write that reads before
// it writes (a message and its outbound row, a receipt and its webhook) is one IMMEDIATE
// transaction, so a second process on the file (`pnpm users`) never comes between the two.
import type Database from 'better-sqlite3';
import { messageStateOf, partStateOfReceipt, toApiKey, toApiMessage, toApiPart, toRoutingEntry, toWebhook, type ApiKeyRow, type ApiMessageRow, type ApiPartRow, type RoutingEntryRow, type WebhookRow } from './api-rows.js';
import {
  FINAL_STATES,
  canonicalMessageId,
  webhookHost,
  type ApiKey,
  type ApiMessage,
  type ApiMessageState,
  type ApiReceipt,
  type ApiStore,
  type CreatedMessage,
  type NewApiMessage,
  type NewWebhook,
  type PartSubmit,
  type RecordedReceipt,
  type RoutingEntry,
  type Webhook,
  type MessageCursor,
  type PurgedApi,
} from './api-store.js';
import type { SqliteTransaction } from './sqlite-transaction.js';
import { withDecision } from './store-error.js';
import type { HeldBind, Lease, OutboundMessage } from './store.js';

/** How the store runs an operation: now, a failure turned into a rejected StoreError. */
export type SqliteRun = <T>(operation: string, work: () => T) => Promise<T>;

type ReceiptHook = Parameters<ApiStore['recordReceipt']>[1];

function prepare(db: Database.Database) {
  return {
    putKey: db.prepare(
      `INSERT INTO api_keys (id, name, secret_hash, admin, rate_per_second, burst, callback_url, webhook_secret, created_at) VALUES (@id, @name, @secretHash, @admin, @ratePerSecond, @burst, @callbackUrl, @webhookSecret, @createdAt)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, secret_hash = excluded.secret_hash, admin = excluded.admin, rate_per_second = excluded.rate_per_second,
         burst = excluded.burst, callback_url = excluded.callback_url, webhook_secret = excluded.webhook_secret, created_at = excluded.created_at`,
    ),
    key: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?'),
    keys: db.prepare<[], ApiKeyRow>('SELECT * FROM api_keys ORDER BY id'),
    removeKey: db.prepare<[string]>('DELETE FROM api_keys WHERE id = ?'),
    byIdempotency: db.prepare<[string, string], ApiMessageRow>('SELECT * FROM api_messages WHERE key_id = ? AND idempotency_key = ?'),
    insertMessage: db.prepare(
      `INSERT INTO api_messages (id, key_id, client_ref, recipient, source, text, callback_url, state, parts, created_at, updated_at, idempotency_key, request_hash)
       VALUES (@id, @keyId, @clientRef, @to, @from, @text, @callbackUrl, 'accepted', @parts, @createdAt, @createdAt, @idempotencyKey, @requestHash)`,
    ),
    insertPart: db.prepare<[string, number]>("INSERT INTO api_parts (message_id, part, state) VALUES (?, ?, 'accepted')"),
    insertOutbound: db.prepare(
      'INSERT INTO outbound (sender_aor, source, source_ton, source_npi, destination, destination_ton, text, sip_message_id, created_at, claimed_by, lease_until, api_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    message: db.prepare<[string], ApiMessageRow>('SELECT * FROM api_messages WHERE id = ?'),
    parts: db.prepare<[string], ApiPartRow>('SELECT * FROM api_parts WHERE message_id = ? ORDER BY part'),
    // newest first; messages made in the same millisecond by id, so pages do not shuffle
    messagesOf: db.prepare<[string, number, string, number], ApiMessageRow>('SELECT * FROM api_messages WHERE key_id = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?'),
    // only a part still waiting for its answer: a late or repeated answer changes nothing final
    submitted: db.prepare<[{ connector: string; status: number; smscId: string | null; idKey: string | null; at: number; messageId: string; part: number }]>(
      `UPDATE api_parts SET state = 'submitted', connector = @connector, submit_status = @status, smsc_message_id = @smscId, id_key = @idKey, submitted_at = @at
       WHERE message_id = @messageId AND part = @part AND state = 'accepted'`,
    ),
    refused: db.prepare<[{ connector: string; status: number; at: number; messageId: string; part: number }]>(
      `UPDATE api_parts SET state = 'failed', connector = @connector, submit_status = @status, submitted_at = @at
       WHERE message_id = @messageId AND part = @part AND state = 'accepted'`,
    ),
    failParts: db.prepare<[string]>(`UPDATE api_parts SET state = 'failed' WHERE message_id = ? AND state = 'accepted'`),
    setState: db.prepare<[string, number, string]>('UPDATE api_messages SET state = ?, updated_at = ? WHERE id = ?'),
    // the latest submitted part first: an SMSC may use an id again, long after
    matchExact: db.prepare<[string, string], ApiPartRow>('SELECT * FROM api_parts WHERE connector = ? AND id_key = ? ORDER BY submitted_at DESC, part DESC LIMIT 1'),
    receipt: db.prepare<[string, string, string | null, number, string, number]>('UPDATE api_parts SET state = ?, receipt_state = ?, receipt_error = ?, receipt_at = ? WHERE message_id = ? AND part = ?'),
    queueWebhook: db.prepare(
      `INSERT INTO webhooks (url, event, body, key_id, message_id, secret, created_at, give_up_at, state, attempts, next_at, host)
       VALUES (@url, @event, @body, @keyId, @messageId, @secret, @createdAt, @giveUpAt, 'pending', 0, @createdAt, @host)`,
    ),
    claimWebhooks: db.prepare<[string, number, number, number, string, number], WebhookRow>(
      `UPDATE webhooks SET claimed_by = ?, lease_until = ?
       WHERE id IN (SELECT id FROM webhooks WHERE state = 'pending' AND next_at <= ? AND lease_until <= ?
                      AND (host IS NULL OR host NOT IN (SELECT value FROM json_each(?)))
                    ORDER BY next_at, id LIMIT ?) RETURNING *`,
    ),
    delivered: db.prepare<[number, number]>("UPDATE webhooks SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, claimed_by = NULL, lease_until = 0 WHERE id = ?"),
    // a webhook another node delivered (this one was thought dead) stays delivered
    defer: db.prepare<[number, number, string]>("UPDATE webhooks SET next_at = ?, claimed_by = NULL, lease_until = 0 WHERE id = ? AND state = 'pending' AND claimed_by = ?"),
    failed: db.prepare<[string, number, number]>("UPDATE webhooks SET attempts = attempts + 1, last_error = ?, next_at = ?, claimed_by = NULL, lease_until = 0 WHERE id = ? AND state = 'pending'"),
    gaveUp: db.prepare<[string, number]>("UPDATE webhooks SET state = 'gave_up', attempts = attempts + 1, last_error = ?, claimed_by = NULL, lease_until = 0 WHERE id = ? AND state = 'pending'"),
    webhooksOf: db.prepare<[string], WebhookRow>('SELECT * FROM webhooks WHERE message_id = ? ORDER BY id'),
    countWebhooks: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM webhooks WHERE state = 'pending'"),
    purgeParts: db.prepare<[number]>(`DELETE FROM api_parts WHERE message_id IN (SELECT id FROM api_messages WHERE state IN ('delivered', 'failed', 'expired', 'deleted', 'undeliverable', 'rejected', 'unknown') AND updated_at < ?)`),
    purgeMessages: db.prepare<[number]>(`DELETE FROM api_messages WHERE state IN ('delivered', 'failed', 'expired', 'deleted', 'undeliverable', 'rejected', 'unknown') AND updated_at < ?`),
    purgeWebhooks: db.prepare<[number]>("DELETE FROM webhooks WHERE state <> 'pending' AND created_at < ?"),
    routingEntries: db.prepare<[], RoutingEntryRow>('SELECT * FROM routing_entries ORDER BY kind, name'),
    putEntry: db.prepare<[string, string, string]>('INSERT INTO routing_entries (kind, name, spec) VALUES (?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET spec = excluded.spec'),
    removeEntry: db.prepare<[string, string]>('DELETE FROM routing_entries WHERE kind = ? AND name = ?'),
    bumpVersion: db.prepare('UPDATE routing_version SET version = version + 1 WHERE id = 1'),
    version: db.prepare<[], { version: number }>('SELECT version FROM routing_version WHERE id = 1'),
  };
}

/** The {@link ApiStore} of a SqliteStore: built by it on its open file, its operations run through its `run`. */
export class SqliteApi implements ApiStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    /** The store's transactions on `db` (sqlite-transaction.ts). */
    private readonly tx: SqliteTransaction,
    private readonly node: string,
    private readonly run: SqliteRun,
    /** The bind leases this node holds now (the cluster's): the fence a created message's submit goes through. */
    private readonly heldBinds: () => HeldBind[],
  ) {
    this.statements = prepare(db);
  }

  putKey(key: ApiKey): Promise<void> {
    return this.run('api.putKey', () => void this.statements.putKey.run({ ...key, admin: key.admin ? 1 : 0 }));
  }

  key(id: string): Promise<ApiKey | undefined> {
    return this.run('api.key', () => {
      const row = this.statements.key.get(id);
      return row === undefined ? undefined : toApiKey(row);
    });
  }

  keys(): Promise<ApiKey[]> {
    return this.run('api.keys', () => this.statements.keys.all().map(toApiKey));
  }

  removeKey(id: string): Promise<boolean> {
    return this.run('api.removeKey', () => this.statements.removeKey.run(id).changes > 0);
  }

  createMessage(message: NewApiMessage, m: Omit<OutboundMessage, 'id'>, lease: Lease): Promise<CreatedMessage> {
    return this.run('api.createMessage', () =>
      this.tx.immediate((): CreatedMessage => {
        const s = this.statements;
        if (message.idempotencyKey !== null) {
          const row = s.byIdempotency.get(message.keyId, message.idempotencyKey);
          if (row !== undefined) return { kind: 'existing', message: toApiMessage(row, s.parts.all(row.id)) };
        }
        s.insertMessage.run({ ...message });
        for (let part = 1; part <= message.parts; part++) s.insertPart.run(message.id, part);
        const id = s.insertOutbound.run(m.senderAor, m.source, m.sourceTon, m.sourceNpi, m.destination, m.destinationTon, m.text, m.sipMessageId, m.createdAt, this.node, lease.until, message.id).lastInsertRowid;
        return { kind: 'created', outboundId: Number(id), held: this.heldBinds() };
      }),
    );
  }

  message(id: string): Promise<ApiMessage | undefined> {
    return this.run('api.message', () => this.read(id));
  }

  messagesOf(keyId: string, limit: number, before?: MessageCursor): Promise<ApiMessage[]> {
    return this.run('api.messagesOf', () =>
      this.tx.deferred(() => this.statements.messagesOf.all(keyId, before?.createdAt ?? Number.MAX_SAFE_INTEGER, before?.id ?? '', limit).map((row) => toApiMessage(row, this.statements.parts.all(row.id)))),
    );
  }

  recordSubmits(messageId: string, submits: readonly PartSubmit[], at: number): Promise<ApiMessage | undefined> {
    return this.run('api.recordSubmits', () => this.tx.immediate((): ApiMessage | undefined => this.recordSubmitsNow(messageId, submits, at)));
  }

  recordSipMessage(message: NewApiMessage, submits: readonly PartSubmit[], at: number): Promise<void> {
    return this.run('api.recordSipMessage', () =>
      this.tx.immediate((): void => {
          this.statements.insertMessage.run({ ...message });
          for (let part = 1; part <= message.parts; part++) this.statements.insertPart.run(message.id, part);
          this.recordSubmitsNow(message.id, submits, at);
        }),
    );
  }

  private recordSubmitsNow(messageId: string, submits: readonly PartSubmit[], at: number): ApiMessage | undefined {
    const s = this.statements;
    if (s.message.get(messageId) === undefined) return undefined;
    for (const submit of submits) {
      const where = { messageId, part: submit.part, connector: submit.connector, status: submit.status, at };
      if (submit.status === 0) {
        const smscId = submit.smscMessageId;
        s.submitted.run({ ...where, smscId, idKey: smscId === null ? null : canonicalMessageId(smscId) });
      } else {
        s.refused.run(where);
      }
    }
    return this.settle(messageId, at);
  }

  failMessage(messageId: string, at: number): Promise<ApiMessage | undefined> {
    return this.run('api.failMessage', () =>
      this.tx.immediate((): ApiMessage | undefined => {
        if (this.statements.message.get(messageId) === undefined) return undefined;
        this.statements.failParts.run(messageId);
        return this.settle(messageId, at);
      }),
    );
  }

  recordReceipt(receipt: ApiReceipt, webhook: ReceiptHook): Promise<RecordedReceipt | undefined> {
    // what the caller's `webhook` throws is its own error (a bug), not the store's
    return withDecision(webhook, (hook) => this.run('api.recordReceipt', () => this.tx.immediate(() => this.recordReceiptNow(receipt, hook))));
  }

  private recordReceiptNow(receipt: ApiReceipt, webhook: ReceiptHook): RecordedReceipt | undefined {
    const s = this.statements;
    const canonical = canonicalMessageId(receipt.smscMessageId);
    const row = s.matchExact.get(receipt.connector, canonical);
    if (row === undefined) return undefined;
    const before = toApiPart(row);
    if (FINAL_STATES.has(before.state)) {
      // a repeated receipt: the first final one stands
      const message = this.read(row.message_id)!;
      return { message, part: before, final: false, webhookId: null };
    }
    const wasFinal = FINAL_STATES.has(s.message.get(row.message_id)!.state as ApiMessageState);
    s.receipt.run(partStateOfReceipt(receipt.state), receipt.state, receipt.error, receipt.at, row.message_id, before.part);
    const message = this.settle(row.message_id, receipt.at);
    const part = message.parts.find((p) => p.part === before.part)!;
    const final = !wasFinal && FINAL_STATES.has(message.state);
    const hook = webhook({ message, part, final });
    const webhookId = hook === undefined ? null : this.insertWebhook(hook);
    return { message, part, final, webhookId };
  }

  queueWebhook(webhook: NewWebhook): Promise<number> {
    return this.run('api.queueWebhook', () => this.insertWebhook(webhook));
  }

  claimWebhooks(limit: number, lease: Lease, skipHosts: readonly string[] = []): Promise<Webhook[]> {
    return this.run('api.claimWebhooks', () =>
      this.statements.claimWebhooks
        .all(this.node, lease.until, lease.now, lease.now, JSON.stringify(skipHosts), limit)
        .map(toWebhook)
        .sort((a, b) => a.nextAt - b.nextAt || a.id - b.id),
    );
  }

  webhookDelivered(id: number, at: number): Promise<void> {
    return this.run('api.webhookDelivered', () => void this.statements.delivered.run(at, id));
  }

  deferWebhook(id: number, nextAt: number): Promise<void> {
    return this.run('api.deferWebhook', () => void this.statements.defer.run(nextAt, id, this.node));
  }

  webhookFailed(id: number, error: string, nextAt: number): Promise<void> {
    return this.run('api.webhookFailed', () => void this.statements.failed.run(error, nextAt, id));
  }

  webhookGaveUp(id: number, error: string): Promise<void> {
    return this.run('api.webhookGaveUp', () => void this.statements.gaveUp.run(error, id));
  }

  webhooksOf(messageId: string): Promise<Webhook[]> {
    return this.run('api.webhooksOf', () => this.statements.webhooksOf.all(messageId).map(toWebhook));
  }

  purgeApi(before: number): Promise<PurgedApi> {
    return this.run('api.purgeApi', () =>
      this.tx.immediate(() => {
        this.statements.purgeParts.run(before);
        const messages = this.statements.purgeMessages.run(before).changes;
        const webhooks = this.statements.purgeWebhooks.run(before).changes;
        return { messages, webhooks };
      }),
    );
  }

  countWebhooks(): Promise<number> {
    return this.run('api.countWebhooks', () => this.statements.countWebhooks.get()?.n ?? 0);
  }

  routingEntries(): Promise<RoutingEntry[]> {
    return this.run('api.routingEntries', () => this.statements.routingEntries.all().map(toRoutingEntry));
  }

  putRoutingEntry(entry: RoutingEntry): Promise<void> {
    return this.run('api.putRoutingEntry', () =>
      this.tx.immediate(() => {
        this.statements.putEntry.run(entry.kind, entry.name, entry.spec);
        this.statements.bumpVersion.run();
      }),
    );
  }

  removeRoutingEntry(kind: RoutingEntry['kind'], name: string): Promise<boolean> {
    return this.run('api.removeRoutingEntry', () =>
      this.tx.immediate((): boolean => {
        if (this.statements.removeEntry.run(kind, name).changes === 0) return false;
        this.statements.bumpVersion.run();
        return true;
      }),
    );
  }

  routingVersion(): Promise<number> {
    return this.run('api.routingVersion', () => Number(this.statements.version.get()?.version ?? 0));
  }

  private read(id: string): ApiMessage | undefined {
    const row = this.statements.message.get(id);
    return row === undefined ? undefined : toApiMessage(row, this.statements.parts.all(id));
  }

  /** Sets the message's state from its parts' and its time to `at` (a part of it changed); the message as it is then. */
  private settle(messageId: string, at: number): ApiMessage {
    const s = this.statements;
    const row = s.message.get(messageId)!;
    const parts = s.parts.all(messageId);
    const state = messageStateOf(parts.map((p) => p.state as ApiMessageState));
    s.setState.run(state, at, messageId);
    return toApiMessage({ ...row, state, updated_at: at }, parts);
  }

  private insertWebhook(w: NewWebhook): number {
    return Number(this.statements.queueWebhook.run({ ...w, host: webhookHost(w.url) }).lastInsertRowid);
  }
}
