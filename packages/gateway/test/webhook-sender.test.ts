// The webhook sender against a real HTTP receiver (node:http on loopback) and a real SQLite queue,
// on a runtime driven by a VirtualClock: delivery with a signature the receiver verifies, retries
// after the back-off, a receiver down then up, giving up, timeouts, redirects not followed, the
// concurrency bounds, two senders on one queue, and requests aborted when the sender stops.
// Real I/O and virtual time are kept in step by `sender.drained()` before each clock advance.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { Runtime, VirtualClock, startSupervisor, stop, type ChildSpec } from '@switchboard/actor';
import { freePort } from '@switchboard/test-support';
import type { Webhook } from '../src/api-store.js';
import { GatewayMetrics } from '../src/metrics/gateway-metrics.js';
import type { WebhookAttemptOutcome, WebhookEvent } from '../src/metrics/labels.js';
import { SqliteStore } from '../src/sqlite-store.js';
import { seededRandom } from '../src/webhooks/backoff.js';
import { WebhookSender, webhookSenderChild, type WebhookSenderOptions } from '../src/webhooks/sender.js';
import { verifyWebhook } from '../src/webhooks/signature.js';

const EPOCH = 1_700_000_000_000;
const SECRET = 'whsec_test_secret';
const MESSAGE = 'msg-1';

// --- a receiver ---------------------------------------------------------------------------------

interface Received {
  readonly url: string;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the receiver answers: a status, a status after a real delay, or never (`hang`). */
type Answer = number | 'hang' | { readonly status: number; readonly headers?: Record<string, string>; readonly delayMs?: number };

/** Requests being answered at once, counted across receivers. */
class Overlap {
  active = 0;
  max = 0;
}

class Receiver {
  readonly requests: Received[] = [];
  /** Counts this receiver's requests with others' (the global bound). */
  shared: Overlap = new Overlap();
  /** How many requests were being answered at once, at most. */
  maxActive = 0;
  /** Requests whose connection closed before they were answered. */
  abandoned = 0;
  answer: (request: Received, index: number) => Answer = () => 200;
  readonly server: Server;
  #active = 0;
  readonly #hanging = new Set<ServerResponse>();
  #waiters: { count: number; resolve: () => void }[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      this.#active++;
      this.maxActive = Math.max(this.maxActive, this.#active);
      const shared = this.shared;
      shared.active++;
      shared.max = Math.max(shared.max, shared.active);
      let answered = false;
      res.on('close', () => {
        this.#active--;
        shared.active--;
        this.#hanging.delete(res);
        if (!answered) this.abandoned++;
      });
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: Received = { url: req.url ?? '', method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        const index = this.requests.push(received) - 1;
        for (const waiter of this.#waiters.filter((w) => this.requests.length >= w.count)) waiter.resolve();
        this.#waiters = this.#waiters.filter((w) => this.requests.length < w.count);
        const answer = this.answer(received, index);
        if (answer === 'hang') {
          this.#hanging.add(res);
          return;
        }
        const { status, headers, delayMs } = typeof answer === 'number' ? { status: answer, headers: undefined, delayMs: undefined } : answer;
        const send = (): void => {
          answered = true;
          res.writeHead(status, { 'Content-Type': 'text/plain', ...headers }).end('ok\n');
        };
        if (delayMs === undefined) send();
        else setTimeout(send, delayMs);
      });
    });
  }

  static async start(port = 0): Promise<Receiver> {
    const receiver = new Receiver();
    await receiver.listen(port);
    return receiver;
  }

  async listen(port: number): Promise<void> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Resolves once `count` requests have arrived in all. */
  waitFor(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  deliveries(): string[] {
    return this.requests.map((r) => String(r.headers['switchboard-delivery']));
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// --- the sender on a virtual clock ---------------------------------------------------------------

class MetricsRecorder {
  readonly attempts: { event: WebhookEvent; outcome: WebhookAttemptOutcome; seconds: number }[] = [];
  readonly gaveUp: WebhookEvent[] = [];
  webhookAttempt(event: WebhookEvent, outcome: WebhookAttemptOutcome, seconds: number): void {
    this.attempts.push({ event, outcome, seconds });
  }
  webhookGaveUp(event: WebhookEvent): void {
    this.gaveUp.push(event);
  }
  outcomes(): WebhookAttemptOutcome[] {
    return this.attempts.map((a) => a.outcome);
  }
}

interface Harness {
  readonly clock: VirtualClock;
  readonly runtime: Runtime;
  readonly store: SqliteStore;
  readonly now: () => number;
  readonly metrics: MetricsRecorder;
  readonly sender: WebhookSender;
  /** Advances the virtual clock by `ms`, then waits for the sender's round to settle. */
  readonly advance: (ms: number) => Promise<void>;
}

type HarnessOptions = Partial<Omit<WebhookSenderOptions, 'store' | 'now' | 'metrics'>> & { readonly store?: SqliteStore; readonly start?: boolean };

async function harness(t: ExecutionContext, options: HarnessOptions = {}): Promise<Harness> {
  const clock = new VirtualClock();
  const runtime = new Runtime({ clock, reports: false });
  const store = options.store ?? new SqliteStore(':memory:');
  const now = (): number => EPOCH + clock.now();
  const metrics = new MetricsRecorder();
  const sender = new WebhookSender({ backoff: { jitter: 'none' }, pollInterval: 1000, ...options, store, now, metrics });
  const children: ChildSpec[] = options.start === false ? [] : [webhookSenderChild(sender)];
  const supervisor = await startSupervisor(runtime, { strategy: 'one_for_one', children });
  t.teardown(async () => {
    await stop(supervisor).catch(() => undefined);
    if (options.store === undefined) await store.close();
  });
  const advance = async (ms: number): Promise<void> => {
    await clock.advance(ms);
    await sender.drained();
  };
  return { clock, runtime, store, now, metrics, sender, advance };
}

async function queue(h: Pick<Harness, 'store' | 'now'>, url: string, extra: Partial<{ body: string; event: string; giveUpAfter: number; createdAt: number; messageId: string }> = {}): Promise<number> {
  const createdAt = extra.createdAt ?? h.now();
  return h.store.api.queueWebhook({
    url,
    event: extra.event ?? 'receipt',
    body: extra.body ?? JSON.stringify({ event: 'receipt', messageId: MESSAGE, at: new Date(createdAt).toISOString() }),
    keyId: 'k_test',
    messageId: extra.messageId ?? MESSAGE,
    createdAt,
    giveUpAt: createdAt + (extra.giveUpAfter ?? 3_600_000),
    secret: SECRET,
  });
}

async function webhook(h: Pick<Harness, 'store'>, id: number, messageId = MESSAGE): Promise<Webhook> {
  const found = (await h.store.api.webhooksOf(messageId)).find((w) => w.id === id);
  if (found === undefined) throw new Error(`webhook ${id} not found`);
  return found;
}

/** Waits (real time, at most 2 s) for something the receiver sees after the sender is done: a socket's close. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

// ports are closed and opened again in these tests: one at a time, so no other test takes them
test.serial('delivered on the first try, signed so that verifyWebhook accepts it, with the documented headers', async (t) => {
  const receiver = await Receiver.start();
  t.teardown(() => receiver.close());
  const h = await harness(t);
  await h.clock.advance(5000); // the gateway's clock is not at the epoch: the signature must carry its time
  const body = JSON.stringify({ event: 'receipt', messageId: MESSAGE, text: 'héllo ✓' });
  const id = await queue(h, receiver.url('/hooks/sms?x=1'), { body });
  h.sender.kick();
  await h.sender.drained();

  t.is(receiver.requests.length, 1);
  const request = receiver.requests[0]!;
  t.is(request.method, 'POST');
  t.is(request.url, '/hooks/sms?x=1');
  t.is(request.body, body, 'the body is sent exactly as queued');
  t.is(request.headers['content-type'], 'application/json');
  t.is(request.headers['switchboard-event'], 'receipt');
  t.is(request.headers['switchboard-delivery'], String(id));
  t.is(request.headers['user-agent'], 'switchboard-gateway');
  const signature = request.headers['switchboard-signature'];
  t.is(typeof signature, 'string');
  t.regex(String(signature), new RegExp(`^t=${Math.floor((EPOCH + 5000) / 1000)},v1=[0-9a-f]{64}$`));
  const receiverNow = Math.floor(h.now() / 1000);
  t.true(verifyWebhook(request.body, signature, SECRET, { now: receiverNow }));
  t.false(verifyWebhook(request.body, signature, 'another secret', { now: receiverNow }));

  const row = await webhook(h, id);
  t.is(row.state, 'delivered');
  t.is(row.attempts, 1);
  t.is(row.deliveredAt, EPOCH + 5000);
  t.is(row.lastError, null);
  t.deepEqual(h.metrics.outcomes(), ['delivered']);
  t.is(h.metrics.attempts[0]!.event, 'receipt');
  t.is(await h.store.api.countWebhooks(), 0);
});

test.serial('a 500 then a 200: retried after the back-off, not before, and delivered', async (t) => {
  const receiver = await Receiver.start();
  t.teardown(() => receiver.close());
  receiver.answer = (_request, index) => (index === 0 ? 500 : 200);
  const h = await harness(t);
  const id = await queue(h, receiver.url());
  h.sender.kick();
  await h.sender.drained();

  let row = await webhook(h, id);
  t.is(row.state, 'pending');
  t.is(row.attempts, 1);
  t.is(row.lastError, 'HTTP 500');
  t.is(row.nextAt, EPOCH + 1000, 'the first retry waits initialDelay (1 s, no jitter here)');

  await h.advance(999);
  t.is(receiver.requests.length, 1, 'nothing before the back-off has passed');
  await h.advance(1);
  t.is(receiver.requests.length, 2);
  row = await webhook(h, id);
  t.is(row.state, 'delivered');
  t.is(row.attempts, 2);
  t.is(row.deliveredAt, EPOCH + 1000);
  t.deepEqual(h.metrics.outcomes(), ['http_error', 'delivered']);
  t.deepEqual(receiver.deliveries(), [String(id), String(id)], 'the retry carries the same Switchboard-Delivery id');
});

test.serial('a receiver down for several attempts gets everything once it is up, in order of due time', async (t) => {
  const port = await freePort();
  const receiver = new Receiver();
  t.teardown(() => receiver.close());
  // one at a time, so the order the receiver sees is the order the sender took them in
  const h = await harness(t, { concurrency: 1, backoff: { random: seededRandom(11) } });
  const url = `http://127.0.0.1:${port}/hook`;
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) ids.push(await queue(h, url, { body: JSON.stringify({ n: i }) }));
  h.sender.kick();
  await h.sender.drained();
  // 40 s of virtual time, the receiver down all along
  for (let i = 0; i < 40; i++) await h.advance(1000);

  const before = await h.store.api.webhooksOf(MESSAGE);
  t.true(before.every((w) => w.state === 'pending'));
  t.true(before.every((w) => w.attempts >= 4), `attempts: ${before.map((w) => w.attempts).join(',')}`);
  t.true(before.every((w) => w.lastError !== null && w.lastError.startsWith('network: ')), String(before[0]?.lastError));
  t.true(h.metrics.outcomes().every((o) => o === 'network_error'));
  // the jitter spread them: their due times differ, and they are no longer in id order
  const dueOrder = [...before].sort((a, b) => a.nextAt - b.nextAt || a.id - b.id).map((w) => String(w.id));
  t.is(new Set(before.map((w) => w.nextAt)).size, before.length);
  t.notDeepEqual(dueOrder, ids.map(String), 'the seed gives an order other than the ids');

  await receiver.listen(port);
  for (let i = 0; i < 120 && (await h.store.api.countWebhooks()) > 0; i++) await h.advance(1000);
  t.is(await h.store.api.countWebhooks(), 0);
  t.deepEqual(receiver.deliveries(), dueOrder, 'each delivered once, in order of due time');
  const after = await h.store.api.webhooksOf(MESSAGE);
  t.true(after.every((w) => w.state === 'delivered'));
});

test.serial('given up once the next attempt would be past giveUpAt: state, attempts and error readable', async (t) => {
  const receiver = await Receiver.start();
  t.teardown(() => receiver.close());
  receiver.answer = () => 503;
  const h = await harness(t);
  const id = await queue(h, receiver.url(), { giveUpAfter: 5000 });
  h.sender.kick();
  await h.sender.drained();
  // attempts at 0 s (next at 1 s), 1 s (next at 3 s), 3 s (next would be 7 s > 5 s: given up)
  for (let i = 0; i < 10; i++) await h.advance(1000);

  const row = await webhook(h, id);
  t.is(row.state, 'gave_up');
  t.is(row.attempts, 3);
  t.is(row.lastError, 'HTTP 503');
  t.is(receiver.requests.length, 3);
  t.deepEqual(h.metrics.outcomes(), ['http_error', 'http_error', 'http_error']);
  t.deepEqual(h.metrics.gaveUp, ['receipt']);
  t.is(await h.store.api.countWebhooks(), 0);
});

test.serial('a hanging receiver: the attempt times out on the runtime clock, is counted, and retried', async (t) => {
  const receiver = await Receiver.start();
  t.teardown(() => receiver.close());
  receiver.answer = (_request, index) => (index === 0 ? 'hang' : 200);
  const h = await harness(t, { timeout: 5000 });
  const id = await queue(h, receiver.url());
  h.sender.kick();
  await receiver.waitFor(1);
  await h.clock.advance(4999);
  t.is((await webhook(h, id)).attempts, 0, 'still waiting for its answer');
  await h.advance(1);

  let row = await webhook(h, id);
  t.is(row.state, 'pending');
  t.is(row.attempts, 1);
  t.is(row.lastError, 'timeout: no answer within 5000 ms');
  t.is(row.nextAt, EPOCH + 5000 + 1000);
  t.deepEqual(h.metrics.outcomes(), ['timeout']);
  t.is(h.metrics.attempts[0]!.seconds, 5, 'its duration is on the runtime clock');
  await eventually(() => receiver.abandoned === 1);
  t.is(receiver.abandoned, 1, 'the hanging request was cut');

  await h.advance(1000);
  row = await webhook(h, id);
  t.is(row.state, 'delivered');
  t.deepEqual(h.metrics.outcomes(), ['timeout', 'delivered']);
});

test.serial("the gateway's GatewayMetrics counts the attempts and give-ups", async (t) => {
  const receiver = await Receiver.start();
  t.teardown(() => receiver.close());
  receiver.answer = (request) => (request.url === '/ok' ? 200 : 500);
  const metrics = new GatewayMetrics({ defaultMetrics: false });
  t.teardown(() => metrics.close());
  const store = new SqliteStore(':memory:');
  t.teardown(() => store.close());
  const clock = new VirtualClock();
  const runtime = new Runtime({ clock, reports: false });
  const now = (): number => EPOCH + clock.now();
  const sender = new WebhookSender({ store, now, metrics, backoff: { jitter: 'none' } });
  const supervisor = await startSupervisor(runtime, { strategy: 'one_for_one', children: [webhookSenderChild(sender)] });
  t.teardown(() => stop(supervisor).catch(() => undefined));
  await queue({ store, now }, receiver.url('/ok'));
  await queue({ store, now }, receiver.url('/fail'), { event: 'mo', giveUpAfter: 500 });
  sender.kick();
  await sender.drained();
  const exposition = await metrics.metrics();
  t.regex(exposition, /^switchboard_webhook_deliveries_total\{event="receipt",outcome="delivered"\} 1$/m);
  t.regex(exposition, /^switchboard_webhook_deliveries_total\{event="mo",outcome="http_error"\} 1$/m);
  t.regex(exposition, /^switchboard_webhook_deliveries_total\{event="mo",outcome="gave_up"\} 1$/m);
  t.regex(exposition, /^switchboard_webhook_request_duration_seconds_count\{event="receipt",outcome="delivered"\} 1$/m);
});

test.serial('a redirect is a failure and is not followed', async (t) => {
  const elsewhere = await Receiver.start();
  t.teardown(() => elsewhere.close());
  const receiver = await Receiver.start();
  t.teardown(() => receiver.close());
  receiver.answer = () => ({ status: 307, headers: { Location: elsewhere.url() } });
  const h = await harness(t);
  const id = await queue(h, receiver.url());
  h.sender.kick();
  await h.sender.drained();
  const row = await webhook(h, id);
  t.is(row.state, 'pending');
  t.is(row.lastError, 'HTTP 307');
  t.deepEqual(h.metrics.outcomes(), ['http_error']);
  t.is(elsewhere.requests.length, 0);
});

test.serial('a webhook that can never be sent is given up at once', async (t) => {
  const h = await harness(t);
  const ftp = await queue(h, 'ftp://127.0.0.1/x');
  const garbage = await queue(h, 'not a url');
  const badEvent = await queue(h, 'http://127.0.0.1:9/x', { event: 'receipt\r\nX-Evil: 1' });
  const credentials = await queue(h, 'http://user:pass@127.0.0.1:9/x');
  h.sender.kick();
  await h.sender.drained();
  for (const id of [ftp, garbage, badEvent, credentials]) {
    const row = await webhook(h, id);
    t.is(row.state, 'gave_up');
    t.regex(row.lastError ?? '', /^invalid webhook: /);
  }
  t.deepEqual(h.metrics.attempts, [], 'no POST was made');
  t.deepEqual(h.metrics.gaveUp, ['receipt', 'receipt', 'receipt'], 'the bad event is not a metrics label');
});

test.serial('at most `concurrency` requests at once, and at most `perHost` against one host', async (t) => {
  const one = await Receiver.start();
  const two = await Receiver.start();
  t.teardown(() => one.close());
  t.teardown(() => two.close());
  // slow receivers, so that requests overlap whenever the sender lets them
  for (const receiver of [one, two]) receiver.answer = () => ({ status: 200, delayMs: 15 });

  const overall = new Overlap();
  one.shared = overall;
  two.shared = overall;
  const h = await harness(t, { concurrency: 3, perHost: 3 });
  for (let i = 0; i < 8; i++) {
    await queue(h, one.url());
    await queue(h, two.url());
  }
  h.sender.kick();
  await h.sender.drained();
  // rows claimed for a host at its limit are given back, due a second later
  for (let i = 0; i < 20 && (await h.store.api.countWebhooks()) > 0; i++) await h.advance(1000);
  t.is(one.requests.length + two.requests.length, 16);
  t.is(overall.max, 3, 'three at once over both hosts, never more');
  t.is(await h.store.api.countWebhooks(), 0);

  one.maxActive = 0;
  two.maxActive = 0;
  overall.max = 0;
  const h2 = await harness(t, { concurrency: 5, perHost: 2 });
  for (let i = 0; i < 10; i++) {
    await queue(h2, one.url());
    await queue(h2, two.url());
  }
  h2.sender.kick();
  await h2.sender.drained();
  for (let i = 0; i < 20 && (await h2.store.api.countWebhooks()) > 0; i++) await h2.advance(1000);
  t.is(one.requests.length, 18);
  t.is(two.requests.length, 18);
  t.is(one.maxActive, 2, 'two per host');
  t.is(two.maxActive, 2, 'two per host');
  t.is(overall.max, 4);
  t.is(await h2.store.api.countWebhooks(), 0);
});

test.serial('a sender claims no more rows than it can hold: the rest stay free for other nodes', async (t) => {
  const receiver = await Receiver.start();
  t.teardown(() => receiver.close());
  receiver.answer = () => 'hang';
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  t.teardown(() => void process.off('warning', onWarning));
  // twelve in flight: more abort listeners than Node's default limit of ten
  const h = await harness(t, { concurrency: 12, perHost: 12, timeout: 60_000 });
  for (let i = 0; i < 15; i++) await queue(h, receiver.url());
  h.sender.kick();
  await receiver.waitFor(12);
  await h.runtime.whenIdle();
  const left = await h.store.api.claimWebhooks(20, { now: h.now(), until: h.now() + 1000 });
  t.is(left.length, 3, 'twelve held by the sender, three claimable elsewhere');
  t.is(receiver.requests.length, 12);
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(warnings.map((w) => w.message), [], 'no listener leak warning');
});

test.serial('two senders on one queue never POST the same webhook twice', async (t) => {
  const receiver = await Receiver.start();
  t.teardown(() => receiver.close());
  receiver.answer = () => ({ status: 204, delayMs: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'queue.sqlite');
  const storeA = new SqliteStore(path, { node: 'node-a' });
  const storeB = new SqliteStore(path, { node: 'node-b' });
  t.teardown(async () => {
    await storeA.close();
    await storeB.close();
  });
  const a = await harness(t, { store: storeA, batch: 5, concurrency: 4 });
  const b = await harness(t, { store: storeB, batch: 5, concurrency: 4 });
  const ids: number[] = [];
  for (let i = 0; i < 60; i++) ids.push(await queue(a, receiver.url()));
  // both claim at once, and again on each poll
  a.sender.kick();
  b.sender.kick();
  await Promise.all([a.sender.drained(), b.sender.drained()]);
  await Promise.all([a.advance(1000), b.advance(1000)]);

  const deliveries = receiver.deliveries();
  t.is(deliveries.length, 60);
  t.is(new Set(deliveries).size, 60, 'no webhook POSTed twice');
  t.deepEqual([...deliveries].sort(), ids.map(String).sort());
  const rows = await storeB.api.webhooksOf(MESSAGE);
  t.true(rows.every((w) => w.state === 'delivered' && w.attempts === 1));
  t.is(a.metrics.attempts.length + b.metrics.attempts.length, 60);
});

test.serial('stopping the sender aborts its request in flight; the row comes back when its lease ends', async (t) => {
  const receiver = await Receiver.start();
  t.teardown(() => receiver.close());
  receiver.answer = (_request, index) => (index === 0 ? 'hang' : 200);
  const store = new SqliteStore(':memory:');
  t.teardown(() => store.close());
  const clock = new VirtualClock();
  const runtime = new Runtime({ clock, reports: false });
  const now = (): number => EPOCH + clock.now();
  const first = new WebhookSender({ store, now, lease: 20_000 });
  const supervisor = await startSupervisor(runtime, { strategy: 'one_for_one', children: [webhookSenderChild(first)] });
  const id = await queue({ store, now }, receiver.url());
  first.kick();
  await receiver.waitFor(1);
  await stop(supervisor);
  await first.drained(); // resolves: the sender is gone
  // the receiver sees the connection cut
  await eventually(() => receiver.abandoned === 1);
  t.is(receiver.abandoned, 1);
  let row = await webhook({ store }, id);
  t.is(row.state, 'pending');
  t.is(row.attempts, 0, 'nothing recorded for an aborted attempt');

  // a new sender (a restart, or another node) gets it once the claim has ended, not before
  const second = new WebhookSender({ store, now, pollInterval: 1000 });
  const again = await startSupervisor(runtime, { strategy: 'one_for_one', children: [webhookSenderChild(second)] });
  t.teardown(() => stop(again).catch(() => undefined));
  await second.drained();
  await clock.advance(19_000);
  await second.drained();
  t.is(receiver.requests.length, 1, 'the claim still holds');
  await clock.advance(1000);
  await second.drained();
  row = await webhook({ store }, id);
  t.is(row.state, 'delivered');
  t.is(receiver.requests.length, 2);
});

test.serial('a store that fails is retried on the next poll', async (t) => {
  const receiver = await Receiver.start();
  t.teardown(() => receiver.close());
  const store = new SqliteStore(':memory:');
  t.teardown(() => store.close());
  let failClaims = 2;
  const api = store.api;
  const claim: typeof api.claimWebhooks = (...args) => (failClaims-- > 0 ? Promise.reject(new Error('database down')) : api.claimWebhooks(...args));
  const flaky = new Proxy(api, {
    get(target, property) {
      if (property === 'claimWebhooks') return claim;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const clock = new VirtualClock();
  const runtime = new Runtime({ clock, reports: false });
  const now = (): number => EPOCH + clock.now();
  const sender = new WebhookSender({ store: { api: flaky }, now, pollInterval: 1000 });
  const supervisor = await startSupervisor(runtime, { strategy: 'one_for_one', children: [webhookSenderChild(sender)] });
  t.teardown(() => stop(supervisor).catch(() => undefined));
  const id = await queue({ store, now }, receiver.url());
  sender.kick();
  await sender.drained();
  t.is(receiver.requests.length, 0, 'the claim failed');
  await clock.advance(1000);
  await sender.drained();
  t.is((await webhook({ store }, id)).state, 'delivered', 'the next poll claimed it');
});
