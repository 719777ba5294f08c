// The ApiStore on PostgreSQL: the HTTP API's keys and messages, the webhook queue and the routing
// table, through the PostgresStore's pool and its `run` (the reachability gate, the retry on a
// connection the server ended, StoreError). Whatever changes a message's parts locks the message's
// row first (FOR UPDATE), so two nodes recording receipts of two parts of one message at once
// cannot both miss that the message became final; the webhook queue is claimed under FOR UPDATE
// SKIP LOCKED, as the outbound queue is.
import type postgres from 'postgres';
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
import * as cluster from './postgres-cluster.js';
import { withDecision } from './store-error.js';
import type { Lease, OutboundMessage } from './store.js';

type Sql = postgres.Sql;
/** The pool or a transaction: what the helpers below query through. */
type Queryable = Sql | postgres.TransactionSql;

/** How the store runs an operation: through its gate, a failure turned into a StoreError. */
export type PostgresRun = <T>(operation: string, work: (sql: Sql) => Promise<T>) => Promise<T>;

type ReceiptHook = Parameters<ApiStore['recordReceipt']>[1];

/** A time as the BIGINT columns hold it: whole milliseconds (a clock may give fractions). */
const ms = (time: number): number => Math.floor(time);

/** The {@link ApiStore} of a PostgresStore: its operations run through the store's `run`. */
export class PostgresApi implements ApiStore {
  constructor(
    private readonly node: string,
    private readonly run: PostgresRun,
  ) {}

  putKey(k: ApiKey): Promise<void> {
    return this.run('api.putKey', async (sql) => {
      await sql`INSERT INTO api_keys (id, name, secret_hash, admin, rate_per_second, burst, callback_url, webhook_secret, created_at)
        VALUES (${k.id}, ${k.name}, ${k.secretHash}, ${k.admin}, ${k.ratePerSecond}, ${k.burst}, ${k.callbackUrl}, ${k.webhookSecret}, ${ms(k.createdAt)})
        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, secret_hash = EXCLUDED.secret_hash, admin = EXCLUDED.admin, rate_per_second = EXCLUDED.rate_per_second,
          burst = EXCLUDED.burst, callback_url = EXCLUDED.callback_url, webhook_secret = EXCLUDED.webhook_secret, created_at = EXCLUDED.created_at`;
    });
  }

  key(id: string): Promise<ApiKey | undefined> {
    return this.run('api.key', async (sql) => {
      const [row] = await sql<ApiKeyRow[]>`SELECT * FROM api_keys WHERE id = ${id}`;
      return row === undefined ? undefined : toApiKey(row);
    });
  }

  keys(): Promise<ApiKey[]> {
    return this.run('api.keys', async (sql) => (await sql<ApiKeyRow[]>`SELECT * FROM api_keys ORDER BY id COLLATE "C"`).map(toApiKey));
  }

  removeKey(id: string): Promise<boolean> {
    return this.run('api.removeKey', async (sql) => (await sql`DELETE FROM api_keys WHERE id = ${id}`).count > 0);
  }

  createMessage(message: NewApiMessage, m: Omit<OutboundMessage, 'id'>, lease: Lease): Promise<CreatedMessage> {
    const text = Buffer.from(message.text, 'utf8');
    const outboundText = Buffer.from(m.text, 'utf8');
    return this.run('api.createMessage', (sql) =>
      sql.begin(async (tx): Promise<CreatedMessage> => {
        // A copy racing with the same Idempotency-Key waits here on the key's index entry until the
        // first commits, then inserts nothing and reads the first.
        const inserted = await tx`INSERT INTO api_messages (id, key_id, client_ref, recipient, source, text, callback_url, state, parts, created_at, updated_at, idempotency_key, request_hash)
          VALUES (${message.id}, ${message.keyId}, ${message.clientRef}, ${message.to}, ${message.from}, ${text}, ${message.callbackUrl}, 'accepted', ${message.parts},
                  ${ms(message.createdAt)}, ${ms(message.createdAt)}, ${message.idempotencyKey}, ${message.requestHash})
          ON CONFLICT (key_id, idempotency_key) DO NOTHING RETURNING id`;
        if (inserted.length === 0) {
          const [row] = await tx<ApiMessageRow[]>`SELECT * FROM api_messages WHERE key_id = ${message.keyId} AND idempotency_key = ${message.idempotencyKey}`;
          return { kind: 'existing', message: toApiMessage(row!, await partsOf(tx, row!.id)) };
        }
        await tx`INSERT INTO api_parts (message_id, part, state) SELECT ${message.id}, g, 'accepted' FROM generate_series(1, ${message.parts}::int) AS g`;
        const [row] = await tx<{ id: string; held: string | null }[]>`INSERT INTO outbound (sender_aor, source, source_ton, source_npi, destination, destination_ton, text, sip_message_id, created_at, claimed_by, lease_until, api_message_id)
          VALUES (${m.senderAor}, ${m.source}, ${m.sourceTon}, ${m.sourceNpi}, ${m.destination}, ${m.destinationTon}, ${outboundText}, ${m.sipMessageId}, ${ms(m.createdAt)}, ${this.node}, ${ms(lease.until)}, ${message.id})
          RETURNING id, ${cluster.heldJson(tx, this.node)} AS held`;
        return { kind: 'created', outboundId: Number(row!.id), held: cluster.parseHeld(row!.held) };
      }),
    );
  }

  message(id: string): Promise<ApiMessage | undefined> {
    return this.run('api.message', (sql) => read(sql, id));
  }

  messagesOf(keyId: string, limit: number, before?: MessageCursor): Promise<ApiMessage[]> {
    return this.run('api.messagesOf', (sql) =>
      sql.begin(async (tx) => {
        // newest first; messages made in the same millisecond by id, so pages do not shuffle
        const rows = await tx<ApiMessageRow[]>`SELECT * FROM api_messages WHERE key_id = ${keyId}
          AND (created_at, id COLLATE "C") < (${before === undefined ? Number.MAX_SAFE_INTEGER : ms(before.createdAt)}, ${before?.id ?? ''} COLLATE "C")
          ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT ${limit}`;
        if (rows.length === 0) return [];
        const parts = await tx<ApiPartRow[]>`SELECT * FROM api_parts WHERE message_id IN ${tx(rows.map((r) => r.id))}`;
        return rows.map((row) => toApiMessage(row, parts.filter((p) => p.message_id === row.id)));
      }),
    );
  }

  recordSubmits(messageId: string, submits: readonly PartSubmit[], at: number): Promise<ApiMessage | undefined> {
    return this.run('api.recordSubmits', (sql) => sql.begin((tx) => recordSubmitsIn(tx, messageId, submits, at)));
  }

  recordSipMessage(message: NewApiMessage, submits: readonly PartSubmit[], at: number): Promise<void> {
    const text = Buffer.from(message.text, 'utf8');
    return this.run('api.recordSipMessage', (sql) =>
      sql.begin(async (tx) => {
        await tx`INSERT INTO api_messages (id, key_id, client_ref, recipient, source, text, callback_url, state, parts, created_at, updated_at, idempotency_key, request_hash)
          VALUES (${message.id}, ${message.keyId}, ${message.clientRef}, ${message.to}, ${message.from}, ${text}, ${message.callbackUrl}, 'accepted', ${message.parts},
                  ${ms(message.createdAt)}, ${ms(message.createdAt)}, NULL, NULL)`;
        await tx`INSERT INTO api_parts (message_id, part, state) SELECT ${message.id}, g, 'accepted' FROM generate_series(1, ${message.parts}::int) AS g`;
        await recordSubmitsIn(tx, message.id, submits, at);
      }),
    );
  }

  failMessage(messageId: string, at: number): Promise<ApiMessage | undefined> {
    return this.run('api.failMessage', (sql) =>
      sql.begin(async (tx) => {
        const row = await lockMessage(tx, messageId);
        if (row === undefined) return undefined;
        await tx`UPDATE api_parts SET state = 'failed' WHERE message_id = ${messageId} AND state = 'accepted'`;
        return settle(tx, row, ms(at));
      }),
    );
  }

  recordReceipt(receipt: ApiReceipt, webhook: ReceiptHook): Promise<RecordedReceipt | undefined> {
    // what the caller's `webhook` throws is its own error (a bug), not the store's
    return withDecision(webhook, (hook) =>
      this.run('api.recordReceipt', async (sql) => {
        // The part is found outside a transaction: most receipts on a gateway that also takes SIP
        // are for SIP MESSAGEs, and a miss then costs one round trip instead of three.
        const found = await receiptPart(sql, receipt);
        return found === undefined ? undefined : sql.begin((tx) => recordReceiptIn(tx, found, receipt, hook));
      }),
    );
  }

  queueWebhook(webhook: NewWebhook): Promise<number> {
    return this.run('api.queueWebhook', (sql) => insertWebhook(sql, webhook));
  }

  claimWebhooks(limit: number, lease: Lease, skipHosts: readonly string[] = []): Promise<Webhook[]> {
    // SKIP LOCKED: webhooks another node is claiming right now are passed over, not waited for.
    return this.run('api.claimWebhooks', async (sql) =>
      (
        await sql<WebhookRow[]>`UPDATE webhooks SET claimed_by = ${this.node}, lease_until = ${ms(lease.until)}
          WHERE id IN (SELECT id FROM webhooks WHERE state = 'pending' AND next_at <= ${ms(lease.now)} AND lease_until <= ${ms(lease.now)}
                         AND (host IS NULL OR host NOT IN (SELECT jsonb_array_elements_text(${sql.json([...skipHosts])})))
                       ORDER BY next_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
          RETURNING *`
      )
        .map(toWebhook)
        .sort((a, b) => a.nextAt - b.nextAt || a.id - b.id),
    );
  }

  webhookDelivered(id: number, at: number): Promise<void> {
    return this.run('api.webhookDelivered', async (sql) => {
      await sql`UPDATE webhooks SET state = 'delivered', delivered_at = ${ms(at)}, attempts = attempts + 1, claimed_by = NULL, lease_until = 0 WHERE id = ${id}`;
    });
  }

  deferWebhook(id: number, nextAt: number): Promise<void> {
    return this.run('api.deferWebhook', async (sql) => {
      await sql`UPDATE webhooks SET next_at = ${ms(nextAt)}, claimed_by = NULL, lease_until = 0 WHERE id = ${id} AND state = 'pending' AND claimed_by = ${this.node}`;
    });
  }

  webhookFailed(id: number, error: string, nextAt: number): Promise<void> {
    // a webhook another node delivered (this one was thought dead) stays delivered
    return this.run('api.webhookFailed', async (sql) => {
      await sql`UPDATE webhooks SET attempts = attempts + 1, last_error = ${error}, next_at = ${ms(nextAt)}, claimed_by = NULL, lease_until = 0 WHERE id = ${id} AND state = 'pending'`;
    });
  }

  webhookGaveUp(id: number, error: string): Promise<void> {
    return this.run('api.webhookGaveUp', async (sql) => {
      await sql`UPDATE webhooks SET state = 'gave_up', attempts = attempts + 1, last_error = ${error}, claimed_by = NULL, lease_until = 0 WHERE id = ${id} AND state = 'pending'`;
    });
  }

  webhooksOf(messageId: string): Promise<Webhook[]> {
    return this.run('api.webhooksOf', async (sql) => (await sql<WebhookRow[]>`SELECT * FROM webhooks WHERE message_id = ${messageId} ORDER BY id`).map(toWebhook));
  }

  purgeApi(before: number): Promise<PurgedApi> {
    return this.run('api.purgeApi', (sql) =>
      sql.begin(async (tx) => {
        // in SQL alone: one parameter whatever the count (postgres.js takes at most 65,534)
        const [gone] = await tx<{ n: string }[]>`WITH gone AS (
            DELETE FROM api_messages WHERE state IN ('delivered', 'failed', 'expired', 'deleted', 'undeliverable', 'rejected', 'unknown') AND updated_at < ${ms(before)} RETURNING id),
          parts AS (DELETE FROM api_parts WHERE message_id IN (SELECT id FROM gone))
          SELECT count(*) AS n FROM gone`;
        const webhooks = await tx`DELETE FROM webhooks WHERE state <> 'pending' AND created_at < ${ms(before)}`;
        return { messages: Number(gone?.n ?? 0), webhooks: webhooks.count };
      }),
    );
  }

  countWebhooks(): Promise<number> {
    return this.run('api.countWebhooks', async (sql) => Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM webhooks WHERE state = 'pending'`)[0]?.n ?? 0));
  }

  routingEntries(): Promise<RoutingEntry[]> {
    return this.run('api.routingEntries', async (sql) => (await sql<RoutingEntryRow[]>`SELECT * FROM routing_entries ORDER BY kind COLLATE "C", name COLLATE "C"`).map(toRoutingEntry));
  }

  putRoutingEntry(entry: RoutingEntry): Promise<void> {
    return this.run('api.putRoutingEntry', (sql) =>
      sql.begin(async (tx) => {
        await tx`INSERT INTO routing_entries (kind, name, spec) VALUES (${entry.kind}, ${entry.name}, ${entry.spec}) ON CONFLICT (kind, name) DO UPDATE SET spec = EXCLUDED.spec`;
        await tx`UPDATE routing_version SET version = version + 1 WHERE id = 1`;
      }),
    );
  }

  removeRoutingEntry(kind: RoutingEntry['kind'], name: string): Promise<boolean> {
    return this.run('api.removeRoutingEntry', (sql) =>
      sql.begin(async (tx) => {
        if ((await tx`DELETE FROM routing_entries WHERE kind = ${kind} AND name = ${name}`).count === 0) return false;
        await tx`UPDATE routing_version SET version = version + 1 WHERE id = 1`;
        return true;
      }),
    );
  }

  routingVersion(): Promise<number> {
    return this.run('api.routingVersion', async (sql) => Number((await sql<{ version: string }[]>`SELECT version FROM routing_version WHERE id = 1`)[0]?.version ?? 0));
  }
}

async function partsOf(sql: Queryable, messageId: string): Promise<ApiPartRow[]> {
  return sql<ApiPartRow[]>`SELECT * FROM api_parts WHERE message_id = ${messageId} ORDER BY part`;
}

async function read(sql: Queryable, id: string): Promise<ApiMessage | undefined> {
  const [row] = await sql<ApiMessageRow[]>`SELECT * FROM api_messages WHERE id = ${id}`;
  return row === undefined ? undefined : toApiMessage(row, await partsOf(sql, id));
}

/** The message's row, locked for the transaction: its parts change under this lock only. */
async function lockMessage(tx: Queryable, id: string): Promise<ApiMessageRow | undefined> {
  const [row] = await tx<ApiMessageRow[]>`SELECT * FROM api_messages WHERE id = ${id} FOR UPDATE`;
  return row;
}

/** Sets a locked message's state from its parts' and its time to `at` (a part of it changed); the message as it is then. */
/** Records the SMSC's answers for parts of a message, in `tx`; undefined when there is no such message. */
async function recordSubmitsIn(tx: Queryable, messageId: string, submits: readonly PartSubmit[], at: number): Promise<ApiMessage | undefined> {
  const row = await lockMessage(tx, messageId);
  if (row === undefined) return undefined;
  // only a part still waiting for its answer: a late or repeated answer changes nothing final
  await Promise.all(
    submits.map((s) => {
      if (s.status !== 0) {
        return tx`UPDATE api_parts SET state = 'failed', connector = ${s.connector}, submit_status = ${s.status}, submitted_at = ${ms(at)}
          WHERE message_id = ${messageId} AND part = ${s.part} AND state = 'accepted'`;
      }
      const id = s.smscMessageId;
      return tx`UPDATE api_parts SET state = 'submitted', connector = ${s.connector}, submit_status = 0, smsc_message_id = ${id},
          id_key = ${id === null ? null : canonicalMessageId(id)}, submitted_at = ${ms(at)}
        WHERE message_id = ${messageId} AND part = ${s.part} AND state = 'accepted'`;
    }),
  );
  return settle(tx, row, ms(at));
}

async function settle(tx: Queryable, row: ApiMessageRow, at: number): Promise<ApiMessage> {
  const parts = await partsOf(tx, row.id);
  const state = messageStateOf(parts.map((p) => p.state as ApiMessageState));
  await tx`UPDATE api_messages SET state = ${state}, updated_at = ${at} WHERE id = ${row.id}`;
  return toApiMessage({ ...row, state, updated_at: at }, parts);
}

async function insertWebhook(sql: Queryable, w: NewWebhook): Promise<number> {
  const [row] = await sql<{ id: string }[]>`INSERT INTO webhooks (url, event, body, key_id, message_id, secret, created_at, give_up_at, state, attempts, next_at, host)
    VALUES (${w.url}, ${w.event}, ${w.body}, ${w.keyId}, ${w.messageId}, ${w.secret}, ${ms(w.createdAt)}, ${ms(w.giveUpAt)}, 'pending', 0, ${ms(w.createdAt)}, ${webhookHost(w.url)}) RETURNING id`;
  return Number(row!.id);
}

/** The part a receipt is for: the latest submitted one with its message_id on its connector. */
async function receiptPart(sql: Queryable, receipt: ApiReceipt): Promise<{ message_id: string; part: number } | undefined> {
  // the latest submitted part first: an SMSC may use an id again, long after
  const [found] = await sql<{ message_id: string; part: number }[]>`SELECT message_id, part FROM api_parts WHERE connector = ${receipt.connector} AND id_key = ${canonicalMessageId(receipt.smscMessageId)}
    ORDER BY submitted_at DESC, part DESC LIMIT 1`;
  return found;
}

async function recordReceiptIn(tx: Queryable, found: { readonly message_id: string; readonly part: number }, receipt: ApiReceipt, webhook: ReceiptHook): Promise<RecordedReceipt | undefined> {
  const row = await lockMessage(tx, found.message_id);
  // purged since it was found (past the retention): nothing to record
  if (row === undefined) return undefined;
  const [partRow] = await tx<ApiPartRow[]>`SELECT * FROM api_parts WHERE message_id = ${found.message_id} AND part = ${found.part}`;
  const before = toApiPart(partRow!);
  if (FINAL_STATES.has(before.state)) {
    // a repeated receipt (or one another node recorded meanwhile): the first final one stands
    return { message: toApiMessage(row, await partsOf(tx, row.id)), part: before, final: false, webhookId: null };
  }
  const wasFinal = FINAL_STATES.has(row.state as ApiMessageState);
  await tx`UPDATE api_parts SET state = ${partStateOfReceipt(receipt.state)}, receipt_state = ${receipt.state}, receipt_error = ${receipt.error}, receipt_at = ${ms(receipt.at)}
    WHERE message_id = ${found.message_id} AND part = ${found.part}`;
  const message = await settle(tx, row, ms(receipt.at));
  const part = message.parts.find((p) => p.part === before.part)!;
  const final = !wasFinal && FINAL_STATES.has(message.state);
  const hook = webhook({ message, part, final });
  const webhookId = hook === undefined ? null : await insertWebhook(tx, hook);
  return { message, part, final, webhookId };
}
