// The JSON schemas of the message and key routes: fastify validates requests with them (bad input
// is answered 400 `invalid_field` before any handler runs) and @fastify/swagger writes them into
// the OpenAPI document, so the document and the checks are one text.

/** A destination: digits with an optional leading `+`, 3 to 20 digits (SMPP v3.4 §5.2.9 allows 20; fewer than 3 is no phone number). */
export const TO_PATTERN = '^\\+?[0-9]{3,20}$';
/**
 * A source: a number like a destination, or an alphanumeric sender of 1 to 11 Latin letters, digits
 * and spaces. The SMSC codes an alphanumeric source in GSM 7-bit (3GPP TS 23.040 §9.1.2.5) from the
 * source_addr's ASCII; letters outside ASCII are not carried the same way by every SMSC, so they are
 * refused here rather than changed on the way (the SIP side takes the same set).
 */
export const FROM_PATTERN = '^(\\+?[0-9]{1,20}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$';
/** A callback URL: http or https, no spaces or control characters; also parsed with WHATWG URL before it is taken. */
export const URL_PATTERN = '^https?://[^\\s\\u0000-\\u001f\\u007f]+$';
/** A client reference: printable text (no control characters: PostgreSQL's text cannot hold U+0000). */
export const CLIENT_REF_PATTERN = '^[^\\u0000-\\u001f\\u007f]+$';
/** Longest callback URL. */
export const MAX_URL_LENGTH = 2048;

/** The error body every error answer has. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'A stable code (docs/http-api.md lists them)' },
        message: { type: 'string' },
        field: { type: 'string', description: 'The field at fault, as a dotted path' },
      },
    },
  },
} as const;

const submissionProperties = {
  to: { type: 'string', pattern: TO_PATTERN, description: 'The destination number: digits, optionally a leading +' },
  from: { type: 'string', pattern: FROM_PATTERN, description: 'The source: a number, or an alphanumeric sender of at most 11 characters' },
  text: { type: 'string', minLength: 1, description: 'The text; long texts are split into parts (at most what the gateway allows)' },
  callbackUrl: { type: 'string', maxLength: MAX_URL_LENGTH, pattern: URL_PATTERN, description: "Where this message's receipts are POSTed (else the key's callback URL)" },
  clientRef: { type: 'string', minLength: 1, maxLength: 64, pattern: CLIENT_REF_PATTERN, description: 'Your own reference (no control characters), given back in the status and the webhooks' },
} as const;

/** The body of `POST /v1/messages`. */
export const submissionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['to', 'from', 'text'],
  properties: submissionProperties,
} as const;

/** One item of `POST /v1/messages/batch`: a submission with its own idempotency key. */
export const batchItemSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['to', 'from', 'text'],
  properties: {
    ...submissionProperties,
    idempotencyKey: { type: 'string', pattern: '^[\\x20-\\x7e]{1,255}$', description: 'This item’s idempotency key (as the Idempotency-Key header of a single submit)' },
  },
} as const;

/** The body of `POST /v1/messages/batch`: items are only required to be objects here, each is validated on its own so that one bad item does not sink the others. */
export function batchSchema(maxBatch: number): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['messages'],
    properties: {
      messages: { type: 'array', minItems: 1, maxItems: maxBatch, items: { type: 'object', description: 'A submission as for POST /v1/messages, plus idempotencyKey' } },
    },
  };
}

const MESSAGE_STATES = ['accepted', 'submitted', 'delivered', 'failed', 'expired', 'deleted', 'undeliverable', 'rejected', 'unknown'];

/** What a submit answers (202 new, 200 an idempotent replay). */
export const submittedSchema = {
  type: 'object',
  required: ['id', 'state', 'parts', 'to', 'from', 'clientRef', 'createdAt'],
  properties: {
    id: { type: 'string', description: "The message's id (a UUID)" },
    state: { type: 'string', enum: MESSAGE_STATES },
    parts: { type: 'integer', description: 'How many SMS parts the text makes' },
    to: { type: 'string' },
    from: { type: 'string' },
    clientRef: { type: ['string', 'null'] },
    createdAt: { type: 'integer', description: 'When it was taken (ms since the epoch)' },
  },
} as const;

const nullableString = { type: ['string', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;

/** One part of a message's status. */
const partSchema = {
  type: 'object',
  properties: {
    part: { type: 'integer' },
    state: { type: 'string', enum: MESSAGE_STATES },
    connector: nullableString,
    submitStatus: nullableInteger,
    smscMessageId: nullableString,
    submittedAt: nullableInteger,
    receiptState: nullableString,
    receiptError: nullableString,
    receiptAt: nullableInteger,
  },
} as const;

/** One webhook of a message's status. */
const webhookSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    event: { type: 'string' },
    url: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'delivered', 'gave_up'] },
    gaveUp: { type: 'boolean' },
    attempts: { type: 'integer' },
    lastError: nullableString,
    createdAt: { type: 'integer' },
    nextAt: { type: 'integer' },
    giveUpAt: { type: 'integer' },
    deliveredAt: nullableInteger,
  },
} as const;

/** A message's status as `GET /v1/messages/:id` answers it. */
export const messageSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    state: { type: 'string', enum: MESSAGE_STATES },
    to: { type: 'string' },
    from: { type: 'string' },
    text: { type: 'string' },
    clientRef: nullableString,
    callbackUrl: nullableString,
    idempotencyKey: nullableString,
    createdAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
    parts: { type: 'array', items: partSchema },
    webhooks: { type: 'array', items: webhookSchema },
  },
} as const;

/** `GET /v1/messages`'s query. */
export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    before: { type: 'string', maxLength: 100, description: 'Only messages after this cursor, newest first: the previous page’s `next`' },
  },
} as const;

/** The `:id` of a message. */
export const messageIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

/** The body of `POST /v1/admin/keys`. */
export const newKeySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    admin: { type: 'boolean', default: false },
    ratePerSecond: { type: 'number', exclusiveMinimum: 0, maximum: 100000 },
    burst: { type: 'integer', minimum: 1, maximum: 100000 },
    callbackUrl: { type: 'string', maxLength: MAX_URL_LENGTH, pattern: URL_PATTERN },
  },
} as const;

const keyProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  admin: { type: 'boolean' },
  ratePerSecond: { type: 'number' },
  burst: { type: 'integer' },
  callbackUrl: nullableString,
  createdAt: { type: 'integer' },
} as const;

/** A key as listed (no secrets). */
export const keySchema = { type: 'object', properties: keyProperties } as const;

/** A key just made: its token (shown once) and its webhook secret. */
export const createdKeySchema = {
  type: 'object',
  properties: {
    ...keyProperties,
    token: { type: 'string', description: '<id>.<secret>: shown only in this answer' },
    webhookSecret: { type: 'string', description: "The secret the key's webhooks are signed with (HMAC-SHA256)" },
  },
} as const;

/** The `:id` of a key. */
export const keyIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;
