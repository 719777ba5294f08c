// The HTTP API's rows as the databases return them (api_keys, api_messages, api_parts, webhooks,
// routing_entries), their mapping to api-store.ts's types, and the state rules both stores apply:
// what a receipt makes of a part, and what a message's parts make of the message.
import { FINAL_STATES, type ApiKey, type ApiMessage, type ApiMessageState, type ApiPart, type RoutingEntry, type Webhook, type WebhookState } from './api-store.js';

/** An integer column: a number from SQLite, a string (BIGINT) from PostgreSQL. */
type Int = number | string | bigint;
/** A message text: TEXT in SQLite, BYTEA (UTF-8) in PostgreSQL, whose TEXT cannot hold U+0000. */
type Body = string | Buffer;

const bodyText = (body: Body): string => (typeof body === 'string' ? body : body.toString('utf8'));
const intOrNull = (value: Int | null): number | null => (value === null ? null : Number(value));

/** An `api_keys` row. */
export interface ApiKeyRow {
  id: string;
  name: string;
  secret_hash: string;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  admin: number | boolean;
  rate_per_second: number;
  burst: number;
  callback_url: string | null;
  webhook_secret: string;
  created_at: Int;
}

/** An `api_messages` row. */
export interface ApiMessageRow {
  id: string;
  key_id: string;
  client_ref: string | null;
  recipient: string;
  source: string;
  text: Body;
  callback_url: string | null;
  state: string;
  parts: Int;
  created_at: Int;
  updated_at: Int;
  idempotency_key: string | null;
  request_hash: string | null;
}

/** An `api_parts` row: `id_key` is the SMSC id's canonical spelling (api-store.ts). */
export interface ApiPartRow {
  message_id: string;
  part: Int;
  state: string;
  connector: string | null;
  submit_status: Int | null;
  smsc_message_id: string | null;
  id_key: string | null;
  submitted_at: Int | null;
  receipt_state: string | null;
  receipt_error: string | null;
  receipt_at: Int | null;
}

/** A `webhooks` row (its claim columns are not read). */
export interface WebhookRow {
  id: Int;
  url: string;
  event: string;
  body: string;
  key_id: string | null;
  message_id: string | null;
  secret: string;
  created_at: Int;
  give_up_at: Int;
  state: string;
  attempts: Int;
  next_at: Int;
  last_error: string | null;
  delivered_at: Int | null;
}

/** A `routing_entries` row. */
export interface RoutingEntryRow {
  kind: string;
  name: string;
  spec: string;
}

/** A key from its row. */
export const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  name: r.name,
  secretHash: r.secret_hash,
  admin: r.admin === true || r.admin === 1,
  ratePerSecond: Number(r.rate_per_second),
  burst: Number(r.burst),
  callbackUrl: r.callback_url,
  webhookSecret: r.webhook_secret,
  createdAt: Number(r.created_at),
});

/** A part from its row. */
export const toApiPart = (r: ApiPartRow): ApiPart => ({
  part: Number(r.part),
  state: r.state as ApiMessageState,
  connector: r.connector,
  submitStatus: intOrNull(r.submit_status),
  smscMessageId: r.smsc_message_id,
  submittedAt: intOrNull(r.submitted_at),
  receiptState: r.receipt_state,
  receiptError: r.receipt_error,
  receiptAt: intOrNull(r.receipt_at),
});

/** A message from its row and its parts' rows (in any order: they are sorted by number). */
export const toApiMessage = (r: ApiMessageRow, parts: readonly ApiPartRow[]): ApiMessage => ({
  id: r.id,
  keyId: r.key_id,
  clientRef: r.client_ref,
  to: r.recipient,
  from: r.source,
  text: bodyText(r.text),
  callbackUrl: r.callback_url,
  state: r.state as ApiMessageState,
  parts: parts.map(toApiPart).sort((a, b) => a.part - b.part),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  idempotencyKey: r.idempotency_key,
  requestHash: r.request_hash,
});

/** A webhook from its row. */
export const toWebhook = (r: WebhookRow): Webhook => ({
  id: Number(r.id),
  url: r.url,
  event: r.event,
  body: r.body,
  keyId: r.key_id,
  messageId: r.message_id,
  createdAt: Number(r.created_at),
  giveUpAt: Number(r.give_up_at),
  secret: r.secret,
  state: r.state as WebhookState,
  attempts: Number(r.attempts),
  nextAt: Number(r.next_at),
  lastError: r.last_error,
  deliveredAt: intOrNull(r.delivered_at),
});

/** A routing entry from its row. */
export const toRoutingEntry = (r: RoutingEntryRow): RoutingEntry => ({ kind: r.kind as RoutingEntry['kind'], name: r.name, spec: r.spec });

/**
 * What a receipt's state makes of its part. The names are the message_state TLV's (SMPP v3.4
 * §5.2.28); the receipt text's abbreviations (Appendix B: `DELIVRD`, `UNDELIV`…) are taken too.
 * ENROUTE and ACCEPTED are on the way: the part stays `submitted`. A state no SMSC should send is
 * recorded but changes nothing either, rather than ending the message on a guess.
 */
export function partStateOfReceipt(state: string): ApiMessageState {
  switch (state.trim().toUpperCase()) {
    case 'DELIVERED':
    case 'DELIVRD':
      return 'delivered';
    case 'EXPIRED':
      return 'expired';
    case 'DELETED':
      return 'deleted';
    case 'UNDELIVERABLE':
    case 'UNDELIV':
      return 'undeliverable';
    case 'REJECTED':
    case 'REJECTD':
      return 'rejected';
    case 'UNKNOWN':
      return 'unknown';
    default:
      return 'submitted';
  }
}

/**
 * A message's state from its parts' states (in part order): once every part is final, `delivered`
 * if all were, else the first part's that was not; before that, `submitted` once no part waits for
 * the SMSC's answer, else `accepted`.
 */
export function messageStateOf(parts: readonly ApiMessageState[]): ApiMessageState {
  if (parts.every((state) => FINAL_STATES.has(state))) return parts.find((state) => state !== 'delivered') ?? 'delivered';
  return parts.includes('accepted') ? 'accepted' : 'submitted';
}
