// Issue 18's end-to-end proof, on the real gateway: 1,000 messages over the HTTP API to two SMSC
// simulators through a routing table (weights spread them); one simulator is stopped mid-run and
// its traffic fails over to the other; every receipt of every part the simulators send reaches a
// webhook receiver with a valid signature, although the receiver is down for a while; MO texts
// reach a SIP user and a webhook by an MO route.
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { parseMessage } from '@switchboard/sip';
import { McSimulator } from '@switchboard/smpp';
import { loadConfig, parseToken, startGateway, verifyWebhook, type ReceiptWebhookBody, type MoWebhookBody } from '@switchboard/gateway';
import { UdpPeer, freePort } from '@switchboard/test-support';
import { bound } from './support/gateway.js';
import { apiCaller } from './support/http.js';
import { until } from './support/wait.js';
import { userRegistration } from './support/registration.js';

const ADMIN = `k_abcdefghijklmnop.${'e2e-admin-secret-'.padEnd(43, 'x')}`;
const MESSAGES = 1000;
const BATCH = 50;

/** A webhook receiver that can go down (its port closed) and come back on the same port. */
class Receiver {
  readonly receipts = new Map<string, ReceiptWebhookBody>();
  readonly mo: MoWebhookBody[] = [];
  badSignatures = 0;
  duplicates = 0;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly secrets: () => readonly string[]) {}

  async up(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req).then((status) => res.writeHead(status).end()));
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
  }

  async down(): Promise<void> {
    const server = this.server!;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async handle(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const header = req.headers['switchboard-signature'];
    if (typeof header !== 'string' || !this.secrets().some((secret) => verifyWebhook(body, header, secret))) {
      this.badSignatures++;
      return 400;
    }
    const event = JSON.parse(body) as ReceiptWebhookBody | MoWebhookBody;
    if (event.event === 'mo') this.mo.push(event);
    else {
      const key = `${event.messageId}#${event.part}`;
      if (this.receipts.has(key)) this.duplicates++;
      this.receipts.set(key, event);
    }
    return 204;
  }
}


test('1,000 HTTP messages over two SMSCs: failover, a receipt webhook for every part through a receiver outage, MO to SIP and webhook', async (t) => {
  const runtime = new Runtime();
  // receipts come 50 ms after each submit; B's binds are its own account
  const smscA = await McSimulator.start(runtime, { credentials: { gateway: 'secret' }, receiptDelay: 50 });
  const smscB = await McSimulator.start(runtime, { credentials: { gwb: 'secretb' }, receiptDelay: 50 });
  let webhookSecret = '';
  const moSecret = 'mo-route-secret-0123456789';
  const receiver = new Receiver(() => [webhookSecret, moSecret]);
  await receiver.up();
  const sipPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gateway-http-e2e-'));
  const gateway = await startGateway(
    runtime,
    loadConfig({
      env: {
        SWITCHBOARD_SIP_PORT: String(sipPort),
        SWITCHBOARD_SMPP_HOST: '127.0.0.1',
        SWITCHBOARD_SMPP_PORT: String(smscA.port),
        SWITCHBOARD_SMPP_WINDOW: '50',
        SWITCHBOARD_STATUS_PORT: '0',
        SWITCHBOARD_HTTP_PORT: '0',
        SWITCHBOARD_HTTP_ADMIN_KEY: ADMIN,
        SWITCHBOARD_WEBHOOKS_MAX_RETRY_DELAY: '2',
        SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'),
        SWITCHBOARD_AUTH_MODE: 'off',
      },
    }),
  );
  const desk = await UdpPeer.open(parseMessage);
  const call = apiCaller(gateway.httpPort);
  try {
    await bound(gateway);
    t.truthy(parseToken(ADMIN));
    // a second connector and a route spreading every destination over both, by weight
    t.is((await call('PUT', '/v1/admin/connectors/b', ADMIN, { host: '127.0.0.1', port: smscB.port, systemId: 'gwb', password: 'secretb', window: 50 })).status, 201);
    t.is((await call('PUT', '/v1/admin/routes/mt/all', ADMIN, { prefix: '', targets: [{ connector: 'smsc', weight: 1 }, { connector: 'b', weight: 1 }] })).status, 201);
    // MO texts to 88…: the SIP user `desk` and the receiver, both
    t.is((await call('PUT', '/v1/admin/routes/mo/desk', ADMIN, { prefix: '88', sipUser: 'desk', webhookUrl: `http://127.0.0.1:${receiver.port}/mo`, webhookSecret: moSecret })).status, 201);
    const key = await call('POST', '/v1/admin/keys', ADMIN, { name: 'shop', ratePerSecond: 10_000, burst: 10_000, callbackUrl: `http://127.0.0.1:${receiver.port}/receipts` });
    t.is(key.status, 201);
    const token = key.json.token as string;
    webhookSecret = key.json.webhookSecret as string;
    await until('connector b bound', async () => ((await call('GET', '/v1/admin/connectors', ADMIN)).json.entries as { name: string; bindsUp: number }[] | undefined)?.some((c) => c.name === 'b' && c.bindsUp > 0) ?? false, 10_000);

    // 1,000 messages in batches; every tenth is long (two parts)
    const ids: string[] = [];
    let partsExpected = 0;
    let stoppedAt = -1;
    for (let sent = 0; sent < MESSAGES; sent += BATCH) {
      if (sent === 300) await receiver.down();
      if (sent === 500) {
        // B goes away mid-run: what it has not taken fails over to the configured connector
        await smscB.close({ timeout: 500 });
        stoppedAt = ids.length;
      }
      if (sent === 700) await receiver.up();
      const messages = Array.from({ length: BATCH }, (_, i) => {
        const n = sent + i;
        const long = n % 10 === 0;
        partsExpected += long ? 2 : 1;
        return { to: `+44770090${String(n).padStart(4, '0')}`, from: 'Shop', text: long ? `Message ${n}: ${'long text '.repeat(20)}` : `Message ${n}`, clientRef: `ref-${n}` };
      });
      const batch = await call('POST', '/v1/messages/batch', token, { messages });
      t.is(batch.status, 207);
      for (const result of batch.json.results as { status: number; id: string }[]) {
        t.is(result.status, 202);
        ids.push(result.id);
      }
    }
    t.is(ids.length, MESSAGES);

    // Every receipt the gateway took reaches the receiver, signed, through its outage. B's
    // receipts still due when it stopped never come (it is gone): those parts stay submitted.
    const keyId = key.json.id as string;
    const recorded = async (): Promise<number> => (await gateway.store.api.messagesOf(keyId, MESSAGES + 10)).reduce((n, m) => n + m.parts.filter((p) => p.receiptAt !== null).length, 0);
    const counts = async (): Promise<string> => `${partsExpected} parts; A took ${smscA.stats.submitted}, B ${smscB.stats.submitted}; receipts recorded ${await recorded()}, at the receiver ${receiver.receipts.size} (+${receiver.duplicates} repeated), bad signatures ${receiver.badSignatures}`;
    await until('every part accepted by A', () => smscA.stats.submitted + smscB.stats.submitted >= partsExpected && smscA.stats.receiptsSent === smscA.stats.submitted, 30_000);
    let last = -1;
    await until(
      'every recorded receipt at the receiver, and no more coming',
      async () => {
        const now = await recorded();
        const settled = now === last && receiver.receipts.size === now;
        last = now;
        if (!settled) await new Promise((r) => setTimeout(r, 250));
        return settled;
      },
      60_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${await counts()}`);
    });
    t.log(await counts());
    t.is(receiver.badSignatures, 0);
    const messages = await gateway.store.api.messagesOf(keyId, MESSAGES + 10);
    const unreceipted = messages.flatMap((m) => m.parts.filter((p) => p.receiptAt === null));
    t.true(unreceipted.every((p) => p.connector === 'b'), 'only parts B took before it stopped lack a receipt');
    // B stops with receipts still due (50 ms after each submit, its window 50 deep): those never come
    t.true(unreceipted.length < smscB.stats.submitted / 2, `${unreceipted.length} parts without a receipt, of ${smscB.stats.submitted} B took`);
    t.true(smscB.stats.submitted > 100, 'the weights sent B a share before it stopped');

    // messages taken after B stopped all went through the configured connector, and every one is delivered
    const states = new Map<string, number>();
    let retried = 0;
    for (const [index, id] of ids.entries()) {
      const status = await call('GET', `/v1/messages/${id}`, token);
      const state = status.json.state as string;
      states.set(state, (states.get(state) ?? 0) + 1);
      const parts = status.json.parts as { connector: string | null; state: string }[];
      if (index >= stoppedAt) t.true(parts.every((p) => p.connector === 'smsc'), `message ${index} after the stop went through ${parts.map((p) => p.connector).join(',')}`);
      retried += (status.json.webhooks as { attempts: number }[]).filter((w) => w.attempts > 1).length;
      if (state === 'delivered') t.true((status.json.webhooks as { state: string }[]).every((w) => w.state === 'delivered') && (status.json.webhooks as unknown[]).length === parts.length);
    }
    t.log('message states', Object.fromEntries(states), `${retried} webhooks delivered after a failed attempt (the receiver was down)`);
    t.true(retried > 0, 'the receiver outage made some webhooks wait and retry');
    t.is(states.get('failed') ?? 0, 0);
    // B took some parts whose receipts it never sent (it stopped): those stay submitted
    t.is((states.get('delivered') ?? 0) + (states.get('submitted') ?? 0), MESSAGES, JSON.stringify(Object.fromEntries(states)));
    t.true((states.get('delivered') ?? 0) >= MESSAGES - unreceipted.length, JSON.stringify(Object.fromEntries(states)));
    const finals = [...receiver.receipts.values()].filter((r) => r.final);
    t.true(finals.every((r) => r.messageState === 'delivered'));
    const long = [...receiver.receipts.values()].filter((r) => r.parts === 2);
    t.true(long.length > 0 && long.every((r) => r.part === 1 || r.part === 2));

    // MO: a text to 88123 reaches the SIP user desk and the receiver
    desk.send(userRegistration({ fromPort: desk.port, sipPort, user: 'desk', callId: 'desk-reg', seq: 1 }), sipPort);
    const registered = await desk.next();
    t.is(registered.kind === 'response' ? registered.status : 0, 200);
    t.true(smscA.deliver('gateway', { source_addr: '447700900999', destination_addr: '88123', short_message: Buffer.from('hello desk') }));
    const mo = await desk.next();
    t.is(mo.kind === 'request' ? mo.method : '', 'MESSAGE');
    t.is(mo.body.toString(), 'hello desk');
    await until('the MO webhook', () => receiver.mo.length > 0);
    t.like(receiver.mo[0], { event: 'mo', from: '447700900999', to: '88123', text: 'hello desk', connector: 'smsc' });
  } finally {
    desk.close();
    await gateway.stop();
    await receiver.down().catch(() => {});
    await smscA.close({ timeout: 200 });
    await smscB.close({ timeout: 200 }).catch(() => {});
  }
});
