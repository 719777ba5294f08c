// What the HTTP API, the webhooks and the routing table keep in the gateway's store, beside the SIP
// side's tables (store.ts): API keys (hashed), messages taken over HTTP with a record per SMS part
// (its submit result and its own receipt), the durable webhook queue, and the connectors and routes
// that an admin changes at run time. SQLite (sqlite-api.ts) and PostgreSQL (postgres-api.ts)
// implement it; every write is durable once its promise resolves, and a failure rejects with a
// StoreError (the API answers 503 with Retry-After).
import type { HeldBind, Lease, OutboundMessage } from './store.js';

/** An API key as stored: its secret only as a hash. */
export interface ApiKey {
  /** The key's public id (the part of the token before the dot): `k_` and 16 base32 letters. */
  readonly id: string;
  /** A name for people (who the key was given to). */
  readonly name: string;
  /**
   * SHA-256 of the secret, hex. A key's secret is 32 random bytes, so a fast hash is enough (no
   * dictionary to guess from): the secret cannot be found from it, and checking costs microseconds.
   */
  readonly secretHash: string;
  /** Whether the key may change connectors, routes and keys (the admin API). */
  readonly admin: boolean;
  /** Requests per second the key may make (a token bucket refilled at this rate). */
  readonly ratePerSecond: number;
  /** How many requests the bucket holds: a burst above the rate. */
  readonly burst: number;
  /** Where receipts of the key's messages are POSTed when a message names no callback; null: none. */
  readonly callbackUrl: string | null;
  /**
   * The secret the key's webhooks are signed with (HMAC-SHA256), shown to the key's owner: kept in
   * clear, since signing needs it (as every webhook sender does), unlike the key's own secret.
   */
  readonly webhookSecret: string;
  /** When it was made (ms, the gateway's clock). */
  readonly createdAt: number;
}

/** A message's state: each part's, and the message's once all its parts are final. */
export type ApiMessageState =
  /** Stored; not every part has been accepted by the SMSC yet. */
  | 'accepted'
  /** No part waits for the SMSC's answer (a refused part is final: `failed`); not every part is final yet. */
  | 'submitted'
  /** Final: every part delivered. */
  | 'delivered'
  /** Final: the SMSC refused a part at submit (its `submitStatus` says why), or it was never submitted within its validity. */
  | 'failed'
  /** Final, from a receipt: the SMSC could not deliver a part before it expired. */
  | 'expired'
  /** Final, from a receipt: a part was deleted. */
  | 'deleted'
  /** Final, from a receipt: a part is undeliverable. */
  | 'undeliverable'
  /** Final, from a receipt: a part was rejected. */
  | 'rejected'
  /** Final, from a receipt: a part's state is unknown to the SMSC. */
  | 'unknown';

/** The `keyId` of the record a long SIP MESSAGE gets (`recordSipMessage`): not an API key's id (those start `k_`). */
export const SIP_SENDER_KEY = 'sip';

/** The states in which nothing more happens to a part (or a message). */
export const FINAL_STATES: ReadonlySet<ApiMessageState> = new Set(['delivered', 'failed', 'expired', 'deleted', 'undeliverable', 'rejected', 'unknown']);

/** One SMS part of a message taken over HTTP. */
export interface ApiPart {
  /** Its number, from 1. */
  readonly part: number;
  /** Its state: accepted (not submitted yet), submitted, or final. */
  readonly state: ApiMessageState;
  /** The connector it was submitted through, once submitted (or refused). */
  readonly connector: string | null;
  /** The submit_sm_resp's command_status, once answered. */
  readonly submitStatus: number | null;
  /** The SMSC's message_id, as the SMSC wrote it, once accepted. */
  readonly smscMessageId: string | null;
  /** When the SMSC answered the submit (ms). */
  readonly submittedAt: number | null;
  /** The receipt's state name as SMPP spells it (`DELIVERED`, `UNDELIVERABLE`…), once a receipt came. */
  readonly receiptState: string | null;
  /** The receipt's error code (the `err:` field or the network_error_code TLV), if it had one. */
  readonly receiptError: string | null;
  /** When the receipt came (ms). */
  readonly receiptAt: number | null;
}

/** A message taken over HTTP, as its status shows it: what was stored, its state and its parts. */
export interface ApiMessage extends Omit<NewApiMessage, 'parts'> {
  /** The message's state: `accepted`, `submitted`, or its final state once every part is final. */
  readonly state: ApiMessageState;
  /** Every part, in order. */
  readonly parts: readonly ApiPart[];
  /** When it last changed (ms): its creation, then each submit result, receipt or failure recorded for a part. */
  readonly updatedAt: number;
}

/** What `purgeApi` removed. */
export interface PurgedApi {
  /** Final messages removed, with their parts. */
  readonly messages: number;
  /** Delivered or given-up webhooks removed. */
  readonly webhooks: number;
}

/** Where a page of a key's messages ends: the last message's time and id (messages made in one millisecond are told apart by id). */
export interface MessageCursor {
  /** The last message's `createdAt`. */
  readonly createdAt: number;
  /** The last message's id. */
  readonly id: string;
}

/** What `createMessage` stores: the message (its parts start `accepted`) and its outbound row. */
export interface NewApiMessage {
  /** The gateway's id for it (a UUID). */
  readonly id: string;
  /** The key that submitted it: only that key may read it. */
  readonly keyId: string;
  /** The client's own reference, given back in its status and webhooks, or null. */
  readonly clientRef: string | null;
  /** The destination number. */
  readonly to: string;
  /** The source: a number or an alphanumeric name. */
  readonly from: string;
  /** The text. */
  readonly text: string;
  /** Where its receipts go (the message's callback, else its key's), or null. */
  readonly callbackUrl: string | null;
  /** How many SMS parts the text makes (1 to 255). */
  readonly parts: number;
  /** When it was taken (ms, the gateway's clock). */
  readonly createdAt: number;
  /** The `Idempotency-Key` it came with, or null. */
  readonly idempotencyKey: string | null;
  /** A hash of the request it was made from (to tell a retry from a different request under the same key), or null. */
  readonly requestHash: string | null;
}

/** What `createMessage` did. */
export type CreatedMessage =
  | {
      /** Stored with its outbound row, claimed by this node with the lease given. */
      readonly kind: 'created';
      /** The outbound row's id. */
      readonly outboundId: number;
      /** The bind leases this node held when it was stored: the submit's fence. */
      readonly held: readonly HeldBind[];
    }
  | {
      /** The key had submitted a message with the same Idempotency-Key: nothing stored, here it is. */
      readonly kind: 'existing';
      /** The first message submitted with that key. */
      readonly message: ApiMessage;
    };

/** A part's submit result, as the SMSC answered it. */
export interface PartSubmit {
  /** The part's number, from 1. */
  readonly part: number;
  /** The connector it went through. */
  readonly connector: string;
  /** The submit_sm_resp's command_status (0: accepted). */
  readonly status: number;
  /** The message_id the SMSC gave it (accepted parts). */
  readonly smscMessageId: string | null;
}

/** A receipt as the gateway read it from a deliver_sm. */
export interface ApiReceipt {
  /** The connector whose bind it came on. */
  readonly connector: string;
  /** The message_id it names, in the spelling of the connector's submit_sm_resp (`receiptLookupId`); matched in its canonical form (`canonicalMessageId`). */
  readonly smscMessageId: string;
  /** Its state name as SMPP spells it (`DELIVERED`, `EXPIRED`, `DELETED`, `UNDELIVERABLE`, `ACCEPTED`, `UNKNOWN`, `REJECTED`, `ENROUTE`). */
  readonly state: string;
  /** Its error code, if any. */
  readonly error: string | null;
  /** When it came (ms). */
  readonly at: number;
}

/** What `recordReceipt` did. */
export interface RecordedReceipt {
  /** The message after the receipt. */
  readonly message: ApiMessage;
  /** The part the receipt was for. */
  readonly part: ApiPart;
  /** Whether the receipt made the message final now. */
  readonly final: boolean;
  /** The webhook queued with it, if the message has a callback URL. */
  readonly webhookId: number | null;
}

/** A webhook to POST, as queued. */
export interface NewWebhook {
  /** Where to POST it. */
  readonly url: string;
  /** `receipt` or `mo`. */
  readonly event: string;
  /** The JSON body, exactly as it will be sent and signed. */
  readonly body: string;
  /** The key it belongs to (receipts), or null (MO by route). */
  readonly keyId: string | null;
  /** The message it is about (receipts), or null. */
  readonly messageId: string | null;
  /** When it was queued (ms): also its first attempt's time. */
  readonly createdAt: number;
  /** After this time (ms) it is given up. */
  readonly giveUpAt: number;
  /** The secret it is signed with when sent (its key's, or its route's). */
  readonly secret: string;
}

/** A webhook's delivery state. */
export type WebhookState = 'pending' | 'delivered' | 'gave_up';

/** A webhook in the queue. */
export interface Webhook extends NewWebhook {
  /** The queue's id for it. */
  readonly id: number;
  /** Pending (to be sent or retried), delivered, or given up. */
  readonly state: WebhookState;
  /** Attempts made so far. */
  readonly attempts: number;
  /** When the next attempt is due (ms). */
  readonly nextAt: number;
  /** The last attempt's failure (HTTP status or error), or null. */
  readonly lastError: string | null;
  /** When it was delivered (ms), or null. */
  readonly deliveredAt: number | null;
}

/** A connector, an MT route or an MO route, as the admin API stores it: a name and its JSON. */
export interface RoutingEntry {
  /** A connector, an MT route or an MO route. */
  readonly kind: 'connector' | 'mt_route' | 'mo_route';
  /** Its name, unique within its kind. */
  readonly name: string;
  /** The entry's settings as JSON text (validated by the API before it is stored). */
  readonly spec: string;
}

/**
 * The HTTP API's, the webhooks' and the routing table's part of the store. Message ids are the
 * gateway's UUIDs; receipts are matched by connector and canonical message_id.
 */
export interface ApiStore {
  /** Adds or replaces a key. */
  putKey(key: ApiKey): Promise<void>;
  /** A key by id, or undefined. */
  key(id: string): Promise<ApiKey | undefined>;
  /** Every key, by id. */
  keys(): Promise<ApiKey[]>;
  /** Removes a key (its messages stay); false when there was none. */
  removeKey(id: string): Promise<boolean>;

  /**
   * Stores a message taken over HTTP, its parts (all `accepted`) and its outbound row
   * (`outbound.apiMessageId` is the message's id) in one transaction, the row claimed by this node
   * with `lease`. With an idempotency key that the same API key used before, nothing is stored and
   * the first message is returned.
   */
  createMessage(message: NewApiMessage, outbound: Omit<OutboundMessage, 'id'>, lease: Lease): Promise<CreatedMessage>;
  /** A message with its parts, or undefined. */
  message(id: string): Promise<ApiMessage | undefined>;
  /** A key's messages, newest first (then by id, descending), at most `limit`, those after `before` in that order if given. */
  messagesOf(keyId: string, limit: number, before?: MessageCursor): Promise<ApiMessage[]>;
  /**
   * Records the SMSC's answers for some of a message's parts (a refused part is final: `failed`);
   * a part that has had its answer keeps it. The message becomes `submitted` once no part waits for
   * an answer, `failed` when a part failed and every other part is final. Resolves with the
   * message after it, undefined when unknown.
   */
  recordSubmits(messageId: string, submits: readonly PartSubmit[], at: number): Promise<ApiMessage | undefined>;
  /**
   * Keeps a long SIP MESSAGE the SMSC answered, with each part's answer, in one transaction, so
   * that each part's receipt is recorded and the sender's notification comes once every part is
   * final. Its `keyId` is {@link SIP_SENDER_KEY}, `clientRef` the MESSAGE's Call-ID and `from` the
   * sender's AOR; no API key can read it.
   */
  recordSipMessage(message: NewApiMessage, submits: readonly PartSubmit[], at: number): Promise<void>;
  /**
   * Marks every part not yet submitted as `failed` (the message was never submitted within its
   * validity); parts the SMSC accepted keep waiting for their receipts.
   */
  failMessage(messageId: string, at: number): Promise<ApiMessage | undefined>;
  /**
   * Records a receipt against the part that connector gave that message_id (matched in canonical
   * spelling: case and leading zeros aside), atomically: one node records it. When `webhook` gives a webhook for it (the message has
   * a callback URL) it is queued in the same transaction. Intermediate states (`ENROUTE`,
   * `ACCEPTED`) are recorded but are not final. Undefined when no part has that message_id (yet).
   */
  recordReceipt(receipt: ApiReceipt, webhook: (result: { readonly message: ApiMessage; readonly part: ApiPart; readonly final: boolean }) => NewWebhook | undefined): Promise<RecordedReceipt | undefined>;

  /** Queues a webhook (an MO message for a route's URL); resolves with its id. */
  queueWebhook(webhook: NewWebhook): Promise<number>;
  /**
   * Claims up to `limit` pending webhooks due at `lease.now` that no lease holds, oldest due first,
   * passing over those whose URL's host (`webhookHost`) is in `skipHosts` (hosts already at their
   * limit of requests: a slow receiver does not hold up the others').
   */
  claimWebhooks(limit: number, lease: Lease, skipHosts?: readonly string[]): Promise<Webhook[]>;
  /** Records a delivered webhook (its claim ends). */
  webhookDelivered(id: number, at: number): Promise<void>;
  /** Gives a claimed webhook back unsent, due again at `nextAt`; no attempt is counted (its host was busy). */
  deferWebhook(id: number, nextAt: number): Promise<void>;
  /** Records a failed attempt: `nextAt` is when to try again (its claim ends). */
  webhookFailed(id: number, error: string, nextAt: number): Promise<void>;
  /** Gives a webhook up after a failed attempt past its `giveUpAt` (its claim ends). */
  webhookGaveUp(id: number, error: string): Promise<void>;
  /** The webhooks about a message, oldest first (its status shows them). */
  webhooksOf(messageId: string): Promise<Webhook[]>;
  /** How many webhooks are pending. */
  countWebhooks(): Promise<number>;
  /**
   * Forgets what is over: messages final since before `before` (ms) with their parts (and their
   * idempotency keys), and webhooks delivered or given up that were queued before it. Pending work is
   * never deleted. Resolves with how many messages and webhooks went.
   */
  purgeApi(before: number): Promise<PurgedApi>;

  /** Every connector and route, by kind and name. */
  routingEntries(): Promise<RoutingEntry[]>;
  /** Adds or replaces an entry; the routing version goes up by one. */
  putRoutingEntry(entry: RoutingEntry): Promise<void>;
  /** Removes an entry (false when there was none); the routing version goes up by one when there was. */
  removeRoutingEntry(kind: RoutingEntry['kind'], name: string): Promise<boolean>;
  /** A number that grows with every change of the entries: nodes compare it to reload. */
  routingVersion(): Promise<number>;
}

/**
 * The canonical spelling of an SMSC message_id: lower case, without leading zeros (`0000A1B` is
 * `a1b`; all zeros is `0`). A receipt names its part by this spelling: the same id however the
 * SMSC cased or padded it. An SMSC that writes the id in hex in one place and in decimal in the
 * other is a connector setting ({@link MessageIdType}): the gateway turns the receipt's id into the
 * response's spelling ({@link receiptLookupId}) before the store matches it, so two ids that differ
 * only in their base never meet by chance.
 */
export function canonicalMessageId(id: string): string {
  const lower = id.trim().toLowerCase();
  const stripped = lower.replace(/^0+/, '');
  return stripped === '' && lower !== '' ? '0' : stripped;
}

/**
 * How an SMSC spells message_ids (Kannel's `msg-id-type`): `same` (the default) when the receipt
 * names the id as submit_sm_resp gave it; `hex-in-response` when submit_sm_resp gives it in hex and
 * receipts in decimal; `decimal-in-response` when submit_sm_resp gives decimal and receipts hex.
 */
export type MessageIdType = 'same' | 'hex-in-response' | 'decimal-in-response';

/** The id types, for validation. */
export const MESSAGE_ID_TYPES: readonly MessageIdType[] = ['same', 'hex-in-response', 'decimal-in-response'];

/**
 * The id a receipt's message_id is looked up by, in the spelling of the connector's submit_sm_resp:
 * a decimal receipt id turned into hex, or a hex one into decimal, as `type` says. An id that is not
 * a number in the receipt's base is looked up as it is (it then matches nothing but itself).
 */
export function receiptLookupId(id: string, type: MessageIdType): string {
  const trimmed = id.trim();
  if (type === 'hex-in-response' && /^[0-9]{1,40}$/.test(trimmed)) return BigInt(trimmed).toString(16);
  if (type === 'decimal-in-response' && /^(0x)?[0-9a-f]{1,32}$/i.test(trimmed)) return BigInt(`0x${trimmed.replace(/^0x/i, '')}`).toString(10);
  return canonicalMessageId(trimmed);
}

/** The host (`name:port` when a port is given) of a webhook URL, lower case; empty when it is no URL. Claims pass over busy hosts by it. */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}

