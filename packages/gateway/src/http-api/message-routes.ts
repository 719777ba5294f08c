// The message routes: submit one, submit a batch, read one's status, list the key's messages.
// A key reads only its own messages: another key's message is answered 404 as if it did not exist.
import createDebug from 'debug';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import type { ApiKey, ApiMessage, MessageCursor, Webhook } from '../api-store.js';
import { StoreError } from '../store-error.js';
import { keyOf, type ApiContext } from './api-context.js';
import { ApiHttpError, ApiInputError, errorBody, type ApiErrorBody } from './errors.js';
import { IDEMPOTENCY_KEY_PATTERN } from './idempotency.js';
import { batchItemSchema, batchSchema, errorSchema, listQuerySchema, messageIdParams, messageSchema, submissionSchema, submittedSchema } from './schemas.js';
import { submitMessage, type SubmittedMessage, type Submission } from './submission.js';
import { fieldOf, messageOf } from './validation-errors.js';

const log = createDebug('switchboard:gateway:http');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The same options fastify's own validator runs with (server.ts), for the batch's items. */
const itemAjv = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false, allowUnionTypes: true });
const validateItem = itemAjv.compile(batchItemSchema);

const errors = { '4xx': errorSchema, '5xx': errorSchema };
const security = [{ bearer: [] }];

/** One batch item's result. */
type BatchResult = ({ readonly index: number; readonly status: 200 | 202 } & SubmittedMessage) | ({ readonly index: number; readonly status: number } & ApiErrorBody);

/** Registers the message routes on `app` (behind the auth hook). */
export function registerMessageRoutes(app: FastifyInstance, context: ApiContext): void {
  const { backend, metrics } = context;

  app.post(
    '/v1/messages',
    {
      schema: {
        summary: 'Submit a message',
        description: 'Stores the message and starts its submit. 202 for a new message; 200 for a retry with the same Idempotency-Key and body (the first message, nothing new stored); 409 for the same key with another body.',
        tags: ['messages'],
        security,
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', pattern: '^[\\x20-\\x7e]{1,255}$' } } },
        body: submissionSchema,
        response: { 200: submittedSchema, 202: submittedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const header = request.headers['idempotency-key'];
      const idempotencyKey = typeof header === 'string' ? header : null;
      const outcome = await submitMessage(backend, context.idempotency, keyOf(request), request.body as Submission, idempotencyKey);
      if (outcome.status === 202) metrics?.messageIn('http', 'accepted');
      else reply.header('idempotent-replayed', 'true');
      return reply.code(outcome.status).send(outcome.body);
    },
  );

  app.post(
    '/v1/messages/batch',
    {
      schema: {
        summary: 'Submit a batch of messages',
        description: `Up to ${context.maxBatch} messages, each validated and stored on its own: the answer (207) has one result per item, in order, each with its own status and either the message or an error. Idempotency keys go in each item (idempotencyKey), not in the header.`,
        tags: ['messages'],
        security,
        body: batchSchema(context.maxBatch),
        response: {
          207: {
            type: 'object',
            properties: {
              results: {
                type: 'array',
                items: { type: 'object', properties: { index: { type: 'integer' }, status: { type: 'integer' }, ...submittedSchema.properties, error: errorSchema.properties.error } },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      if (request.headers['idempotency-key'] !== undefined) throw new ApiInputError('invalid_field', 'Idempotency-Key', 'a batch takes an idempotencyKey in each item, not the Idempotency-Key header');
      const key = keyOf(request);
      const items = (request.body as { messages: unknown[] }).messages;
      const results = await Promise.all(items.map((item, index) => submitItem(context, key, item, index)));
      return reply.code(207).send({ results });
    },
  );

  app.get(
    '/v1/messages/:id',
    {
      schema: {
        summary: "A message's status",
        description: "The message, each part's submit result and receipt, its final state once every part is final, and its webhooks. 404 for an unknown id and for another key's message.",
        tags: ['messages'],
        security,
        params: messageIdParams,
        response: { 200: messageSchema, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const message = UUID.test(id) ? await backend.store.message(id.toLowerCase()) : undefined;
      if (message === undefined || message.keyId !== keyOf(request).id) throw new ApiHttpError(404, 'not_found', 'no such message');
      return { ...viewOf(message), webhooks: (await backend.store.webhooksOf(message.id)).map(webhookViewOf) };
    },
  );

  app.get(
    '/v1/messages',
    {
      schema: {
        summary: "The key's messages, newest first",
        description: 'At most `limit` (1–100, default 20); `next` is the `before` of the next page (an opaque cursor), or null on the last one.',
        tags: ['messages'],
        security,
        querystring: listQuerySchema,
        response: { 200: { type: 'object', properties: { messages: { type: 'array', items: messageSchema }, next: { type: ['string', 'null'] } } }, ...errors },
      },
    },
    async (request) => {
      const { limit, before } = request.query as { limit: number; before?: string };
      const cursor = before === undefined ? undefined : parseCursor(before);
      if (cursor === null) throw new ApiHttpError(400, 'invalid_field', 'before: not a cursor this API gave', 'before');
      const messages = await backend.store.messagesOf(keyOf(request).id, limit, cursor);
      const last = messages[messages.length - 1];
      // the time and the id: messages made in one millisecond (a batch) are not skipped
      return { messages: messages.map(viewOf), next: messages.length === limit && last !== undefined ? `${last.createdAt}_${last.id}` : null };
    },
  );
}

/** Validates and submits one batch item; every failure becomes that item's result. */
async function submitItem(context: ApiContext, key: ApiKey, item: unknown, index: number): Promise<BatchResult> {
  const { metrics } = context;
  try {
    if (!validateItem(item)) {
      const failure = validateItem.errors![0]!;
      const field = fieldOf(failure);
      throw new ApiInputError('invalid_field', field, messageOf(failure, field));
    }
    const { idempotencyKey, ...submission } = item as Submission & { idempotencyKey?: string };
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) throw new ApiInputError('invalid_field', 'idempotencyKey', 'idempotencyKey must be 1 to 255 printable ASCII characters');
    const outcome = await submitMessage(context.backend, context.idempotency, key, submission, idempotencyKey ?? null);
    if (outcome.status === 202) metrics?.messageIn('http', 'accepted');
    return { index, status: outcome.status, ...outcome.body };
  } catch (error) {
    if (error instanceof ApiInputError) {
      metrics?.messageIn('http', 'invalid');
      return { index, status: 400, ...errorBody(error.code, error.message, error.field) };
    }
    if (error instanceof ApiHttpError) {
      metrics?.messageIn('http', error.status === 409 ? 'invalid' : 'unavailable');
      return { index, status: error.status, ...errorBody(error.code, error.message, error.field) };
    }
    if (error instanceof StoreError) {
      metrics?.messageIn('http', 'unavailable');
      return { index, status: 503, ...errorBody('unavailable', 'the store is unavailable: retry later') };
    }
    // a defect: this item answers 500, the items before it stay accepted (their answers stand)
    log('batch item %d failed: %O', index, error);
    return { index, status: 500, ...errorBody('internal', 'the gateway failed on this item') };
  }
}

/** A message as the API shows it (the key id and request hash are the API's own business). */
function viewOf(message: ApiMessage): Omit<ApiMessage, 'keyId' | 'requestHash'> {
  const { keyId: _keyId, requestHash: _requestHash, ...view } = message;
  return view;
}

/** A webhook as a message's status shows it: its delivery, never its body or secret. */
function webhookViewOf(webhook: Webhook): Record<string, unknown> {
  return {
    id: webhook.id,
    event: webhook.event,
    url: webhook.url,
    state: webhook.state,
    gaveUp: webhook.state === 'gave_up',
    attempts: webhook.attempts,
    lastError: webhook.lastError,
    createdAt: webhook.createdAt,
    nextAt: webhook.nextAt,
    giveUpAt: webhook.giveUpAt,
    deliveredAt: webhook.deliveredAt,
  };
}

/** A `before` cursor, `<createdAt>_<id>`; null when it is not one. */
function parseCursor(text: string): MessageCursor | null {
  const match = /^(\d{1,16})_([0-9a-f-]{1,64})$/.exec(text);
  if (match === null) return null;
  return { createdAt: Number(match[1]), id: match[2]! };
}
