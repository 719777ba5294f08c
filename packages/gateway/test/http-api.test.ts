// The HTTP API (src/http-api) against a real SQLite store and a test backend: authentication,
// rate limits, submits with idempotency, batches, status reads, validation and error answers, the
// admin API (keys, connectors, routes, rollback), the store failing, and one real listen + fetch.
import test from 'ava';
import type { FastifyInstance } from 'fastify';
import type { ApiStore, CreatedMessage, NewApiMessage } from '../src/api-store.js';
import type { GatewayMetrics } from '../src/metrics/gateway-metrics.js';
import type { MessageOutcome } from '../src/metrics/labels.js';
import { SqliteStore } from '../src/sqlite-store.js';
import { StoreError } from '../src/store-error.js';
import { ApiInputError, buildHttpApi, createApiKey, ensureAdminKey, hashSecret, startHttpApi, type ApiBackend, type HttpApiOptions } from '@switchboard/gateway';

/** A backend over a store: counts parts by length (153 characters a part past 160, at most 3), stores what it accepts, records calls. */
class TestBackend implements ApiBackend {
  readonly configuredConnectors = ['smsc'];
  clock = 1_800_000_000_000;
  readonly accepted: NewApiMessage[] = [];
  routingChanges = 0;
  refuseRouting: ApiInputError | undefined;
  down = false;
  readonly store: ApiStore;

  constructor(readonly sqlite: SqliteStore) {
    const api = sqlite.api;
    // the store's methods reject with StoreError while `down`, as a store whose database is gone
    this.store = new Proxy(api, {
      get: (target, name, receiver) => {
        const value: unknown = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (this.down ? Promise.reject(new StoreError(String(name), new Error('database is down'))) : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
  }

  now(): number {
    return this.clock;
  }

  partsOf(text: string): number {
    if (text.length <= 160) return 1;
    const parts = Math.ceil(text.length / 153);
    if (parts > 3) throw new ApiInputError('text_too_long', 'text', `the text makes ${parts} parts, more than 3`);
    return parts;
  }

  async accept(message: NewApiMessage): Promise<CreatedMessage> {
    if (message.to.replace('+', '').length < 3) throw new ApiInputError('invalid_field', 'to', 'to: expected 3 to 20 digits');
    this.accepted.push(message);
    const now = this.now();
    return this.store.createMessage(
      message,
      { senderAor: null, source: message.from, sourceTon: 0, sourceNpi: 1, destination: message.to, destinationTon: 0, text: message.text, sipMessageId: message.id, createdAt: message.createdAt, apiMessageId: message.id },
      { now, until: now + 30_000 },
    );
  }

  async routingChanged(): Promise<void> {
    this.routingChanges++;
    if (this.refuseRouting !== undefined) throw this.refuseRouting;
  }

  async connectorStatus(): Promise<readonly { name: string; bindsUp: number; binds: number }[]> {
    const entries = await this.store.routingEntries();
    return entries.filter((entry) => entry.kind === 'connector').map((entry) => ({ name: entry.name, bindsUp: 1, binds: (JSON.parse(entry.spec) as { binds: number }).binds }));
  }
}

interface Harness {
  readonly app: FastifyInstance;
  readonly backend: TestBackend;
  readonly outcomes: MessageOutcome[];
  readonly admin: string;
  readonly user: string;
  readonly other: string;
}

async function harness(t: { teardown(fn: () => Promise<void> | void): void }, options: Partial<HttpApiOptions> = {}, rate: { ratePerSecond?: number; burst?: number } = {}): Promise<Harness> {
  const sqlite = new SqliteStore(':memory:');
  const backend = new TestBackend(sqlite);
  const outcomes: MessageOutcome[] = [];
  const metrics = { messageIn: (channel: string, outcome: MessageOutcome) => channel === 'http' && outcomes.push(outcome) } as unknown as GatewayMetrics;
  const app = await buildHttpApi({ backend, metrics, ...options });
  const admin = (await createApiKey(sqlite.api, { name: 'admin', admin: true, now: backend.clock })).token;
  const user = (await createApiKey(sqlite.api, { name: 'user', now: backend.clock, ...rate })).token;
  const other = (await createApiKey(sqlite.api, { name: 'other', now: backend.clock })).token;
  t.teardown(async () => {
    await app.close();
    await sqlite.close();
  });
  return { app, backend, outcomes, admin, user, other };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const body = { to: '+447700900123', from: 'Switchboard', text: 'hello' };

interface ErrorJson {
  error: { code: string; message: string; field?: string };
}

test('a submit is answered 202 with the id, state and parts, and the key reads it back with its parts and webhooks', async (t) => {
  const h = await harness(t);
  const submitted = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: { ...body, clientRef: 'order-1', text: 'x'.repeat(200) } });
  t.is(submitted.statusCode, 202);
  const json = submitted.json<{ id: string; state: string; parts: number; clientRef: string }>();
  t.is(json.state, 'accepted');
  t.is(json.parts, 2);
  t.is(json.clientRef, 'order-1');
  t.regex(json.id, /^[0-9a-f-]{36}$/);
  t.is(h.backend.accepted.length, 1);
  t.deepEqual(h.outcomes, ['accepted']);
  await h.backend.store.queueWebhook({ url: 'http://127.0.0.1:9/hook', event: 'receipt', body: '{}', keyId: null, messageId: json.id, createdAt: h.backend.clock, giveUpAt: h.backend.clock + 60_000, secret: 's' });

  const status = await h.app.inject({ method: 'GET', url: `/v1/messages/${json.id}`, headers: bearer(h.user) });
  t.is(status.statusCode, 200);
  const message = status.json<{ id: string; state: string; clientRef: string; parts: { part: number; state: string }[]; webhooks: { state: string; gaveUp: boolean; attempts: number; body?: string; secret?: string }[]; keyId?: string }>();
  t.is(message.id, json.id);
  t.is(message.clientRef, 'order-1');
  t.deepEqual(
    message.parts.map((part) => [part.part, part.state]),
    [
      [1, 'accepted'],
      [2, 'accepted'],
    ],
  );
  t.is(message.webhooks.length, 1);
  t.like(message.webhooks[0], { state: 'pending', gaveUp: false, attempts: 0 });
  t.is(message.webhooks[0]!.secret, undefined);
  t.is(message.keyId, undefined);
});

test("another key's message is 404 not_found, like an unknown id or a malformed one", async (t) => {
  const h = await harness(t);
  const { id } = (await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: body })).json<{ id: string }>();
  for (const [token, url] of [
    [h.other, `/v1/messages/${id}`],
    [h.user, '/v1/messages/00000000-0000-4000-8000-000000000000'],
    [h.user, '/v1/messages/not-a-uuid'],
  ] as const) {
    const response = await h.app.inject({ method: 'GET', url, headers: bearer(token) });
    t.is(response.statusCode, 404, url);
    t.is(response.json<ErrorJson>().error.code, 'not_found');
  }
  const own = await h.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: bearer(h.user) });
  t.is(own.statusCode, 200);
});

test('authentication failures are 401 unauthorized with WWW-Authenticate: Bearer, and an address that keeps failing gets 429', async (t) => {
  const h = await harness(t, { failedAuthBurst: 5, failedAuthPerSecond: 1 });
  const [id] = h.user.split('.');
  const cases: Record<string, string | undefined> = {
    none: undefined,
    basic: 'Basic dXNlcjpwYXNz',
    malformed: 'Bearer not-a-token',
    unknown: `Bearer k_aaaaaaaaaaaaaaaa.${'A'.repeat(43)}`,
    'wrong secret': `Bearer ${id}.${'B'.repeat(43)}`,
  };
  for (const [name, authorization] of Object.entries(cases)) {
    const response = await h.app.inject({ method: 'GET', url: '/v1/messages', headers: authorization === undefined ? {} : { authorization } });
    t.is(response.statusCode, 401, name);
    t.is(response.json<ErrorJson>().error.code, 'unauthorized', name);
    t.regex(String(response.headers['www-authenticate']), /^Bearer/, name);
  }
  // five failures used the burst: the sixth attempt, even with a good token, waits
  const blocked = await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(h.user) });
  t.is(blocked.statusCode, 429);
  t.is(blocked.json<ErrorJson>().error.code, 'rate_limited');
  t.true(Number(blocked.headers['retry-after']) >= 1);
  // another address is not affected
  const elsewhere = await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(h.user), remoteAddress: '10.0.0.2' });
  t.is(elsewhere.statusCode, 200);
  h.backend.clock += 2000;
  t.is((await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(h.user) })).statusCode, 200);
});

test("a key's requests past its burst are 429 rate_limited with Retry-After, and pass again once the bucket refills", async (t) => {
  const h = await harness(t, {}, { ratePerSecond: 0.5, burst: 2 });
  for (let i = 0; i < 2; i++) t.is((await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: body })).statusCode, 202);
  const refused = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: body });
  t.is(refused.statusCode, 429);
  t.is(refused.json<ErrorJson>().error.code, 'rate_limited');
  t.is(refused.headers['retry-after'], '2');
  t.deepEqual(h.outcomes, ['accepted', 'accepted', 'throttled']);
  // other keys have their own buckets
  t.is((await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.other), payload: body })).statusCode, 202);
  h.backend.clock += 2000;
  t.is((await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: body })).statusCode, 202);
  t.is(h.backend.accepted.length, 4);
});

test('Idempotency-Key: the same body again is 200 with the first message, another body is 409, another key is its own', async (t) => {
  const h = await harness(t);
  const headers = { ...bearer(h.user), 'idempotency-key': 'order-42' };
  const first = await h.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: body });
  t.is(first.statusCode, 202);
  const { id } = first.json<{ id: string }>();
  // the same body with its keys in another order is the same request
  const again = await h.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: { text: body.text, from: body.from, to: body.to } });
  t.is(again.statusCode, 200);
  t.is(again.headers['idempotent-replayed'], 'true');
  t.like(again.json(), { id, state: 'accepted', parts: 1 });
  const conflict = await h.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: { ...body, text: 'another text' } });
  t.is(conflict.statusCode, 409);
  t.like(conflict.json<ErrorJson>().error, { code: 'idempotency_conflict', field: 'Idempotency-Key' });
  const otherKey = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...bearer(h.other), 'idempotency-key': 'order-42' }, payload: body });
  t.is(otherKey.statusCode, 202);
  t.not(otherKey.json<{ id: string }>().id, id);
  const messages = await h.backend.store.messagesOf(h.user.split('.')[0]!, 10);
  t.is(messages.length, 1);
  t.deepEqual(h.outcomes, ['accepted', 'invalid', 'accepted']);
  const tooLong = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...bearer(h.user), 'idempotency-key': 'x'.repeat(256) }, payload: body });
  t.is(tooLong.statusCode, 400);
  t.like(tooLong.json<ErrorJson>().error, { code: 'invalid_field', field: 'Idempotency-Key' });
});

test('concurrent submits with one Idempotency-Key store one message', async (t) => {
  const h = await harness(t);
  const headers = { ...bearer(h.user), 'idempotency-key': 'burst-1' };
  const responses = await Promise.all(Array.from({ length: 8 }, () => h.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: body })));
  const ids = new Set(responses.map((response) => response.json<{ id: string }>().id));
  t.is(ids.size, 1);
  t.deepEqual(responses.map((response) => response.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 202]);
  t.is((await h.backend.store.messagesOf(h.user.split('.')[0]!, 10)).length, 1);
});

test('validation errors are 400 with the field at fault, and bad input never reaches accept', async (t) => {
  const h = await harness(t);
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['missing to', { from: body.from, text: 'x' }, 'invalid_field', 'to'],
    ['to with letters', { ...body, to: '44abc' }, 'invalid_field', 'to'],
    ['to too long', { ...body, to: '1'.repeat(21) }, 'invalid_field', 'to'],
    ['from too long a name', { ...body, from: 'TwelveLetter' }, 'invalid_field', 'from'],
    ['from with a symbol', { ...body, from: 'Shop!' }, 'invalid_field', 'from'],
    ['empty text', { ...body, text: '' }, 'invalid_field', 'text'],
    ['text not a string', { ...body, text: { a: 1 } }, 'invalid_field', 'text'],
    ['text past the parts allowed', { ...body, text: 'x'.repeat(700) }, 'text_too_long', 'text'],
    ['callbackUrl not http', { ...body, callbackUrl: 'ftp://example.com/x' }, 'invalid_field', 'callbackUrl'],
    ['callbackUrl too long', { ...body, callbackUrl: `https://example.com/${'a'.repeat(2048)}` }, 'invalid_field', 'callbackUrl'],
    ['callbackUrl that does not parse', { ...body, callbackUrl: 'http://[::1' }, 'invalid_field', 'callbackUrl'],
    ['clientRef too long', { ...body, clientRef: 'r'.repeat(65) }, 'invalid_field', 'clientRef'],
    ['unknown field', { ...body, callback_url: 'https://example.com' }, 'invalid_field', 'callback_url'],
  ];
  for (const [name, payload, code, field] of cases) {
    const response = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload });
    t.is(response.statusCode, 400, name);
    t.like(response.json<ErrorJson>().error, { code, field }, name);
  }
  t.is(h.backend.accepted.length, 0);
  t.is(h.outcomes.length, cases.length);
  t.true(h.outcomes.every((outcome) => outcome === 'invalid'));
  // the backend's own address check (here: 3 digits at least) is answered the same way
  const short = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: { ...body, to: '12' } });
  t.is(short.statusCode, 400);
  t.like(short.json<ErrorJson>().error, { code: 'invalid_field', field: 'to' });
  // an alphanumeric sender is Latin letters, digits and spaces: what every SMSC carries alike
  t.is((await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: { ...body, from: 'Äpfel Øl' } })).statusCode, 400);
  t.is((await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: { ...body, from: 'Apfel 0l' } })).statusCode, 202);
});

test('a body past the limit is 413, bad JSON is 400 invalid_json, another media type 415, an unknown route 404: all JSON', async (t) => {
  const h = await harness(t, { bodyLimit: 1000 });
  const large = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: { ...body, text: 'x'.repeat(2000) } });
  t.is(large.statusCode, 413);
  t.is(large.json<ErrorJson>().error.code, 'payload_too_large');
  const badJson = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...bearer(h.user), 'content-type': 'application/json' }, payload: '{"to": "+4477' });
  t.is(badJson.statusCode, 400);
  t.is(badJson.json<ErrorJson>().error.code, 'invalid_json');
  const empty = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...bearer(h.user), 'content-type': 'application/json' }, payload: '' });
  t.is(empty.statusCode, 400);
  t.is(empty.json<ErrorJson>().error.code, 'invalid_json');
  const xml = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...bearer(h.user), 'content-type': 'application/xml' }, payload: '<m/>' });
  t.is(xml.statusCode, 415);
  t.is(xml.json<ErrorJson>().error.code, 'unsupported_media_type');
  const unknown = await h.app.inject({ method: 'GET', url: '/v2/nothing' });
  t.is(unknown.statusCode, 404);
  t.is(unknown.json<ErrorJson>().error.code, 'not_found');
  t.is(h.backend.accepted.length, 0);
  t.deepEqual(h.outcomes, ['invalid', 'invalid', 'invalid', 'invalid']);
});

test('a batch answers 207 with one result per item: valid items are stored, invalid ones get their own error', async (t) => {
  const h = await harness(t, { maxBatch: 5 });
  const response = await h.app.inject({
    method: 'POST',
    url: '/v1/messages/batch',
    headers: bearer(h.user),
    payload: {
      messages: [body, { ...body, to: 'nope' }, { ...body, idempotencyKey: 'b-1' }, { ...body, idempotencyKey: 'b-1' }, { ...body, text: 'y'.repeat(900) }],
    },
  });
  t.is(response.statusCode, 207);
  const { results } = response.json<{ results: { index: number; status: number; id?: string; error?: { code: string; field?: string } }[] }>();
  t.deepEqual(
    results.map((result) => result.index),
    [0, 1, 2, 3, 4],
  );
  t.is(results[0]!.status, 202);
  t.like(results[1], { status: 400, error: { code: 'invalid_field', field: 'to' } });
  // two items with one idempotency key are one message
  t.deepEqual([results[2]!.status, results[3]!.status].sort(), [200, 202]);
  t.is(results[2]!.id, results[3]!.id);
  t.like(results[4], { status: 400, error: { code: 'text_too_long', field: 'text' } });
  // the repeated idempotency key reaches the store, which answers with the first message: two stored
  t.is((await h.backend.store.messagesOf(h.user.split('.')[0]!, 10)).length, 2);
  t.deepEqual([...h.outcomes].sort(), ['accepted', 'accepted', 'invalid', 'invalid']);

  // a replay of the batch's idempotent item later is the same message
  const replay = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...bearer(h.user), 'idempotency-key': 'b-1' }, payload: body });
  t.is(replay.statusCode, 200);
  t.is(replay.json<{ id: string }>().id, results[2]!.id ?? '');

  const tooMany = await h.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: bearer(h.user), payload: { messages: Array.from({ length: 6 }, () => body) } });
  t.is(tooMany.statusCode, 400);
  t.like(tooMany.json<ErrorJson>().error, { code: 'invalid_field', field: 'messages' });
  const withHeader = await h.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: { ...bearer(h.user), 'idempotency-key': 'k' }, payload: { messages: [body] } });
  t.is(withHeader.statusCode, 400);
  t.like(withHeader.json<ErrorJson>().error, { field: 'Idempotency-Key' });
  const notObjects = await h.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: bearer(h.user), payload: { messages: [1] } });
  t.like(notObjects.json<ErrorJson>().error, { code: 'invalid_field', field: 'messages.0' });
});

test("GET /v1/messages lists the key's own messages newest first, a page at a time", async (t) => {
  const h = await harness(t);
  for (let i = 0; i < 5; i++) {
    h.backend.clock += 1000;
    await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: { ...body, clientRef: `m${i}` } });
  }
  await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.other), payload: { ...body, clientRef: 'theirs' } });
  const page1 = (await h.app.inject({ method: 'GET', url: '/v1/messages?limit=3', headers: bearer(h.user) })).json<{ messages: { clientRef: string }[]; next: string | null }>();
  t.deepEqual(
    page1.messages.map((m) => m.clientRef),
    ['m4', 'm3', 'm2'],
  );
  t.not(page1.next, null);
  const page2 = (await h.app.inject({ method: 'GET', url: `/v1/messages?limit=3&before=${page1.next}`, headers: bearer(h.user) })).json<{ messages: { clientRef: string }[]; next: string | null }>();
  t.deepEqual(
    page2.messages.map((m) => m.clientRef),
    ['m1', 'm0'],
  );
  t.is(page2.next, null);
  // a batch made in one millisecond, paged two at a time: every message once
  const batch = await h.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: bearer(h.other), payload: { messages: Array.from({ length: 5 }, (_, i) => ({ ...body, clientRef: `b${i}` })) } });
  t.is(batch.statusCode, 207);
  const seen: string[] = [];
  let next: string | null = null;
  do {
    const page: { messages: { clientRef: string }[]; next: string | null } = (await h.app.inject({ method: 'GET', url: `/v1/messages?limit=2${next === null ? '' : `&before=${next}`}`, headers: bearer(h.other) })).json();
    seen.push(...page.messages.map((m) => m.clientRef));
    next = page.next;
  } while (next !== null);
  t.deepEqual([...seen].sort(), ['b0', 'b1', 'b2', 'b3', 'b4', 'theirs']);
  t.like((await h.app.inject({ method: 'GET', url: '/v1/messages?before=12_x%27', headers: bearer(h.user) })).json<ErrorJson>().error, { code: 'invalid_field', field: 'before' });
  const bad = await h.app.inject({ method: 'GET', url: '/v1/messages?limit=1000', headers: bearer(h.user) });
  t.is(bad.statusCode, 400);
  t.like(bad.json<ErrorJson>().error, { code: 'invalid_field', field: 'limit' });
});

test('a store that fails is answered 503 unavailable with Retry-After, for submits, reads and authentication', async (t) => {
  const h = await harness(t, { keyCacheMs: 60_000 });
  t.is((await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(h.user) })).statusCode, 200);
  h.backend.down = true;
  for (const [method, url, token] of [
    ['POST', '/v1/messages', h.user],
    ['GET', '/v1/messages', h.user],
    ['GET', '/v1/messages', h.other],
    ['GET', '/v1/admin/keys', h.admin],
  ] as const) {
    const response = await h.app.inject({ method, url, headers: bearer(token), ...(method === 'POST' ? { payload: body } : {}) });
    t.is(response.statusCode, 503, `${method} ${url}`);
    t.is(response.json<ErrorJson>().error.code, 'unavailable');
    t.is(response.headers['retry-after'], '5');
  }
  const batch = await h.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: bearer(h.user), payload: { messages: [body] } });
  t.is(batch.statusCode, 207);
  t.like(batch.json<{ results: unknown[] }>().results[0], { status: 503, error: { code: 'unavailable' } });
  t.deepEqual(h.outcomes, ['unavailable', 'unavailable']);
  h.backend.down = false;
  t.is((await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: body })).statusCode, 202);
});

test('admin routes need an admin key (403 otherwise); a key made there works at once, is listed without secrets, and stops when deleted', async (t) => {
  const h = await harness(t);
  for (const [method, url] of [
    ['GET', '/v1/admin/keys'],
    ['POST', '/v1/admin/keys'],
    ['GET', '/v1/admin/connectors'],
    ['PUT', '/v1/admin/routes/mt/default'],
    ['DELETE', '/v1/admin/routes/mo/x'],
  ] as const) {
    const response = await h.app.inject({ method, url, headers: bearer(h.user), ...(method === 'POST' || method === 'PUT' ? { payload: {} } : {}) });
    t.is(response.statusCode, 403, `${method} ${url}`);
    t.is(response.json<ErrorJson>().error.code, 'forbidden');
  }
  t.is((await h.app.inject({ method: 'GET', url: '/v1/admin/keys' })).statusCode, 401);

  const created = await h.app.inject({ method: 'POST', url: '/v1/admin/keys', headers: bearer(h.admin), payload: { name: 'shop', ratePerSecond: 5, burst: 10, callbackUrl: 'https://shop.example/hooks' } });
  t.is(created.statusCode, 201);
  const key = created.json<{ id: string; token: string; webhookSecret: string; admin: boolean; ratePerSecond: number }>();
  t.regex(key.id, /^k_[a-z2-7]{16}$/);
  t.regex(key.token, /^k_[a-z2-7]{16}\.[A-Za-z0-9_-]{43}$/);
  t.true(key.token.startsWith(`${key.id}.`));
  t.true(key.webhookSecret.length >= 32);
  t.like(key, { admin: false, ratePerSecond: 5 });
  const stored = await h.backend.store.key(key.id);
  t.is(stored?.secretHash, hashSecret(key.token.split('.')[1]!));

  const submitted = await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(key.token), payload: body });
  t.is(submitted.statusCode, 202);
  t.is(h.backend.accepted.at(-1)?.callbackUrl, 'https://shop.example/hooks');

  const listed = await h.app.inject({ method: 'GET', url: '/v1/admin/keys', headers: bearer(h.admin) });
  const text = listed.body;
  t.true(text.includes(key.id));
  t.false(text.includes(key.webhookSecret));
  t.false(text.includes('secretHash'));
  t.false(text.includes(stored!.secretHash));
  t.is(listed.json<{ keys: unknown[] }>().keys.length, 4);

  const invalid = await h.app.inject({ method: 'POST', url: '/v1/admin/keys', headers: bearer(h.admin), payload: { name: 'x', burst: 0 } });
  t.like(invalid.json<ErrorJson>().error, { code: 'invalid_field', field: 'burst' });

  t.is((await h.app.inject({ method: 'DELETE', url: `/v1/admin/keys/${key.id}`, headers: bearer(h.admin) })).statusCode, 204);
  t.is((await h.app.inject({ method: 'DELETE', url: `/v1/admin/keys/${key.id}`, headers: bearer(h.admin) })).statusCode, 404);
  // cached a moment ago, but deleted through this node: refused at once
  t.is((await h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(key.token), payload: body })).statusCode, 401);
});

test('many requests with one key from one address while its cache entry is cold share one read and are all answered (none 429)', async (t) => {
  const h = await harness(t, { keyCacheMs: 3000 });
  const all = async (n: number) => (await Promise.all(Array.from({ length: n }, () => h.app.inject({ method: 'POST', url: '/v1/messages', headers: bearer(h.user), payload: body })))).map((r) => r.statusCode);
  t.deepEqual(await all(20), Array<number>(20).fill(202), 'the first requests: the key not cached yet');
  h.backend.clock += 3000;
  t.deepEqual(await all(20), Array<number>(20).fill(202), 'as the cache entry ends');
});

test('made-up key ids from one address past 8 reads at once are 429 before they reach the store', async (t) => {
  const h = await harness(t, { failedAuthBurst: 1000 });
  const made = Array.from({ length: 12 }, (_, i) => `Bearer k_${'abcdefghijkl'[i]!.repeat(16)}.${'A'.repeat(43)}`);
  const statuses = (await Promise.all(made.map((authorization) => h.app.inject({ method: 'GET', url: '/v1/messages', headers: { authorization } })))).map((r) => r.statusCode);
  t.is(statuses.filter((s) => s === 401).length, 8);
  t.is(statuses.filter((s) => s === 429).length, 4);
});

test('a key deleted behind the API keeps working until its cache entry ends', async (t) => {
  const h = await harness(t, { keyCacheMs: 3000 });
  t.is((await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(h.other) })).statusCode, 200);
  await h.backend.store.removeKey(h.other.split('.')[0]!);
  t.is((await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(h.other) })).statusCode, 200);
  h.backend.clock += 3000;
  t.is((await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(h.other) })).statusCode, 401);
});

const connector = { host: 'smsc.example', port: 2775, systemId: 'acct', password: 'secret' };

test('connectors and routes: validated, stored, reloaded; defaults filled; passwords never shown; a used connector cannot go', async (t) => {
  const h = await harness(t);
  const admin = bearer(h.admin);
  const put = await h.app.inject({ method: 'PUT', url: '/v1/admin/connectors/smsc-a', headers: admin, payload: connector });
  t.is(put.statusCode, 201);
  t.like(put.json(), { name: 'smsc-a', spec: { host: 'smsc.example', binds: 1, window: 10, bindType: 'transceiver', tls: false, throughput: 0, systemType: '' }, binds: 1, bindsUp: 1 });
  t.false(put.body.includes('secret'));
  t.is(h.backend.routingChanges, 1);
  t.is((await h.app.inject({ method: 'PUT', url: '/v1/admin/connectors/smsc-a', headers: admin, payload: { ...connector, binds: 2 } })).statusCode, 200);
  const stored = (await h.backend.store.routingEntries()).find((entry) => entry.name === 'smsc-a');
  t.like(JSON.parse(stored!.spec), { binds: 2, password: 'secret' });

  const got = await h.app.inject({ method: 'GET', url: '/v1/admin/connectors/smsc-a', headers: admin });
  t.like(got.json(), { name: 'smsc-a', spec: { binds: 2 }, binds: 2 });
  t.false(got.body.includes('secret'));
  t.is((await h.app.inject({ method: 'GET', url: '/v1/admin/connectors', headers: admin })).json<{ entries: unknown[] }>().entries.length, 1);
  t.is((await h.app.inject({ method: 'GET', url: '/v1/admin/connectors/nope', headers: admin })).statusCode, 404);

  const invalid: [string, Record<string, unknown>, string][] = [
    ['port', { ...connector, port: 70000 }, 'port'],
    ['systemId', { ...connector, systemId: 'a'.repeat(16) }, 'systemId'],
    ['password', { ...connector, password: 'a'.repeat(9) }, 'password'],
    ['binds', { ...connector, binds: 33 }, 'binds'],
    ['window', { ...connector, window: 0 }, 'window'],
    ['bindType', { ...connector, bindType: 'both' }, 'bindType'],
    ['missing host', { port: 1, systemId: 'a', password: 'b' }, 'host'],
  ];
  for (const [name, payload, field] of invalid) {
    const response = await h.app.inject({ method: 'PUT', url: '/v1/admin/connectors/smsc-b', headers: admin, payload });
    t.is(response.statusCode, 400, name);
    t.like(response.json<ErrorJson>().error, { code: 'invalid_field', field }, name);
  }
  t.is((await h.app.inject({ method: 'PUT', url: '/v1/admin/connectors/bad%20name', headers: admin, payload: connector })).json<ErrorJson>().error.field, 'name');

  const missing = await h.app.inject({ method: 'PUT', url: '/v1/admin/routes/mt/uk', headers: admin, payload: { prefix: '44', targets: [{ connector: 'smsc-a' }, { connector: 'smsc-z' }] } });
  t.is(missing.statusCode, 400);
  t.like(missing.json<ErrorJson>().error, { code: 'unknown_connector', field: 'targets.1.connector' });
  const route = await h.app.inject({ method: 'PUT', url: '/v1/admin/routes/mt/uk', headers: admin, payload: { prefix: '44', targets: [{ connector: 'smsc-a', weight: 3 }] } });
  t.is(route.statusCode, 201);
  t.like(route.json(), { name: 'uk', spec: { prefix: '44', targets: [{ connector: 'smsc-a', priority: 1, weight: 3 }] } });
  t.like((await h.app.inject({ method: 'PUT', url: '/v1/admin/routes/mt/x', headers: admin, payload: { prefix: '+44', targets: [{ connector: 'smsc-a' }] } })).json<ErrorJson>().error, { field: 'prefix' });
  t.like((await h.app.inject({ method: 'PUT', url: '/v1/admin/routes/mt/x', headers: admin, payload: { prefix: '44', targets: [] } })).json<ErrorJson>().error, { field: 'targets' });

  const inUse = await h.app.inject({ method: 'DELETE', url: '/v1/admin/connectors/smsc-a', headers: admin });
  t.is(inUse.statusCode, 409);
  t.is(inUse.json<ErrorJson>().error.code, 'connector_in_use');

  const moNoSecret = await h.app.inject({ method: 'PUT', url: '/v1/admin/routes/mo/inbound', headers: admin, payload: { prefix: '', webhookUrl: 'https://example.com/mo' } });
  t.like(moNoSecret.json<ErrorJson>().error, { code: 'invalid_field', field: 'webhookSecret' });
  const moNowhere = await h.app.inject({ method: 'PUT', url: '/v1/admin/routes/mo/inbound', headers: admin, payload: { prefix: '' } });
  t.like(moNowhere.json<ErrorJson>().error, { code: 'invalid_field', field: 'sipUser' });
  const mo = await h.app.inject({ method: 'PUT', url: '/v1/admin/routes/mo/inbound', headers: admin, payload: { prefix: '447', sipUser: '$destination', webhookUrl: 'https://example.com/mo', webhookSecret: 'a-long-enough-secret' } });
  t.is(mo.statusCode, 201);
  t.false(mo.body.includes('a-long-enough-secret'));
  t.like(mo.json(), { spec: { webhookSecretSet: true, sipUser: '$destination' } });

  t.is((await h.app.inject({ method: 'DELETE', url: '/v1/admin/routes/mt/uk', headers: admin })).statusCode, 204);
  t.is((await h.app.inject({ method: 'DELETE', url: '/v1/admin/routes/mt/uk', headers: admin })).statusCode, 404);
  t.is((await h.app.inject({ method: 'DELETE', url: '/v1/admin/connectors/smsc-a', headers: admin })).statusCode, 204);
  t.deepEqual(
    (await h.backend.store.routingEntries()).map((entry) => entry.name),
    ['inbound'],
  );
});

test('a routing change the gateway refuses is undone (the previous entry restored, a new one removed) and answered 409', async (t) => {
  const h = await harness(t);
  const admin = bearer(h.admin);
  t.is((await h.app.inject({ method: 'PUT', url: '/v1/admin/connectors/smsc-a', headers: admin, payload: connector })).statusCode, 201);
  const before = await h.backend.store.routingEntries();
  h.backend.refuseRouting = new ApiInputError('invalid_field', 'host', 'the gateway cannot use this connector');

  const replaced = await h.app.inject({ method: 'PUT', url: '/v1/admin/connectors/smsc-a', headers: admin, payload: { ...connector, host: 'other.example' } });
  t.is(replaced.statusCode, 409);
  t.like(replaced.json<ErrorJson>().error, { code: 'invalid_field', field: 'host' });
  t.deepEqual(await h.backend.store.routingEntries(), before);

  const added = await h.app.inject({ method: 'PUT', url: '/v1/admin/connectors/smsc-b', headers: admin, payload: connector });
  t.is(added.statusCode, 409);
  t.deepEqual(await h.backend.store.routingEntries(), before);

  const deleted = await h.app.inject({ method: 'DELETE', url: '/v1/admin/connectors/smsc-a', headers: admin });
  t.is(deleted.statusCode, 409);
  t.deepEqual(await h.backend.store.routingEntries(), before);
  t.is(h.backend.routingChanges, 4);
});

test('ensureAdminKey stores the configured admin key once, and fixes its hash when the config changes it', async (t) => {
  const sqlite = new SqliteStore(':memory:');
  t.teardown(() => sqlite.close());
  const token = `k_abcdefghijklmnop.${'s'.repeat(43)}`;
  const key = await ensureAdminKey(sqlite.api, token, 1000);
  t.like(key, { id: 'k_abcdefghijklmnop', admin: true, secretHash: hashSecret('s'.repeat(43)) });
  const again = await ensureAdminKey(sqlite.api, token, 2000);
  t.is(again.createdAt, 1000);
  t.is(again.webhookSecret, key.webhookSecret);
  const changed = await ensureAdminKey(sqlite.api, `k_abcdefghijklmnop.${'t'.repeat(43)}`, 3000);
  t.is(changed.secretHash, hashSecret('t'.repeat(43)));
  t.is(changed.createdAt, 1000);
  t.is((await sqlite.api.keys()).length, 1);
  await t.throwsAsync(ensureAdminKey(sqlite.api, 'not-a-token', 0), { instanceOf: ApiInputError });
});

test('startHttpApi listens on a real port: fetch submits and reads a message, close stops it', async (t) => {
  const sqlite = new SqliteStore(':memory:');
  t.teardown(() => sqlite.close());
  const backend = new TestBackend(sqlite);
  const { token } = await createApiKey(sqlite.api, { name: 'fetch', now: backend.clock });
  const api = await startHttpApi({ host: '127.0.0.1', port: 0, backend });
  try {
    t.true(api.port > 0);
    const base = `http://127.0.0.1:${api.port}`;
    const submitted = await fetch(`${base}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    t.is(submitted.status, 202);
    const { id } = (await submitted.json()) as { id: string };
    const status = await fetch(`${base}/v1/messages/${id}`, { headers: { authorization: `Bearer ${token}` } });
    t.is(status.status, 200);
    t.like(await status.json(), { id, to: body.to, state: 'accepted' });
    const openapi = await fetch(`${base}/openapi.json`);
    t.is(openapi.status, 200);
    t.regex(openapi.headers.get('content-type') ?? '', /application\/json/);
  } finally {
    await api.close();
  }
  await t.throwsAsync(fetch(`http://127.0.0.1:${api.port}/openapi.json`));
});

test('a secret proven once is remembered only as itself: the same key id with another secret is refused, cached or not', async (t) => {
  const h = await harness(t);
  t.is((await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(h.user) })).statusCode, 200);
  t.is((await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(h.user) })).statusCode, 200, 'again, from the remembered proof');
  const [id, secret] = h.user.split('.') as [string, string];
  const other = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
  t.is((await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(other) })).statusCode, 401);
  t.is((await h.app.inject({ method: 'GET', url: '/v1/messages', headers: bearer(h.user) })).statusCode, 200, 'the right one still works');
});
