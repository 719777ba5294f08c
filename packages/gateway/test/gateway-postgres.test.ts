// The gateway on PostgreSQL (store.url), end to end with the embedded SMSC: REGISTER, MESSAGE →
// submit_sm → 202 (a copy on a new transaction answered again, not resubmitted), deliver_sm →
// MESSAGE, receipt → IMDN, a stored message kept across a restart; two gateways sharing the
// database submit each queued MESSAGE exactly once; and a database that goes away is answered 503
// with Retry-After while the gateway keeps running. The server is Debian's postgresql, started by
// test-support for this file (never skipped: without it the file fails, naming the package).
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { createResponse, parseMessage, serializeMessage as serialize, type SipMessage, type SipRequest, type SipResponse } from '@switchboard/sip';
import { McSimulator } from '@switchboard/smpp';
import { loadConfig, startGateway, type Gateway } from '@switchboard/gateway';
import { UdpPeer, freePort, startPostgres, type Postgres } from '@switchboard/test-support';
import { bound } from './support/gateway.js';
import { userMessage } from './support/message.js';
import { userRegistration } from './support/registration.js';

let server: Postgres | undefined;
let databases = 0;

test.before(async () => {
  server = await startPostgres();
});

test.after.always(async () => {
  await server?.stop();
});

async function database(): Promise<string> {
  if (server === undefined) throw new Error('the PostgreSQL server did not start (see the before hook)');
  return server.createDatabase(`gateway_${++databases}`);
}

async function environment(url: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return { SWITCHBOARD_SIP_PORT: String(await freePort()), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_URL: url, SWITCHBOARD_STORE_POOL_SIZE: '4', SWITCHBOARD_AUTH_MODE: 'off', ...extra };
}

async function waitFor(condition: () => Promise<boolean> | boolean, what: string, limitMs = 5000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const status = (m: SipMessage): number => (m.kind === 'response' ? m.status : 0);

/** Answers the next request the peer receives with 200 and returns it. */
async function answerRequest(peer: UdpPeer<SipMessage>): Promise<SipRequest> {
  const message = (await peer.next()) as SipRequest;
  peer.sendBytes(Buffer.from(serialize(createResponse(message, 200))), message.topVia!.port ?? 5060, '127.0.0.1');
  return message;
}

test.serial('on PostgreSQL: REGISTER, MESSAGE → submit_sm → 202 (answered again, not resubmitted, on a new transaction), deliver_sm → MESSAGE, receipt → IMDN; a stored message survives a restart', async (t) => {
  const env = await environment(await database());
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  let gateway: Gateway = await startGateway(new Runtime(), loadConfig({ env }));
  const alice = await UdpPeer.open(parseMessage);
  try {
    await bound(gateway);
    alice.send(userRegistration({ fromPort: alice.port, sipPort, user: '447700900555', callId: 'pg-reg', seq: 1 }), sipPort);
    t.is(status(await alice.next()), 200);
    t.is(await gateway.store.countBindings(Date.now()), 1);

    const message = userMessage({ fromPort: alice.port, sipPort, user: '447700900555', to: '447700900123', callId: 'pg-msg-1', body: 'Hello from PostgreSQL' });
    alice.send(message, sipPort);
    t.is(status(await alice.next()), 202);
    t.is(gateway.simulator!.submitted.length, 1);
    t.is((gateway.simulator!.submitted[0]!.pdu as { short_message: Buffer }).short_message.toString(), 'Hello from PostgreSQL');
    // the same MESSAGE on a new transaction (as after a restart): its identity is in the store
    alice.send(message.replace('branch=z9hG4bKpg-msg-1', 'branch=z9hG4bKpg-msg-1-again'), sipPort);
    t.is(status(await alice.next()), 202);
    t.is(gateway.simulator!.submitted.length, 1, 'not submitted twice');
    t.is(await gateway.store.countOutbound(), 0);

    // the SMSC's receipt (after 1 s) comes back as an RFC 5438 notification
    const notification = await answerRequest(alice);
    t.is(notification.headers.get('Content-Type'), 'message/imdn+xml');
    t.regex(notification.body.toString(), /<message-id>pg-msg-1<\/message-id>[\s\S]*<delivered\/>/);

    gateway.simulator!.deliver('gateway', { source_addr: '447700900999', destination_addr: '447700900555', short_message: Buffer.from('Hi alice') });
    t.is((await answerRequest(alice)).body.toString(), 'Hi alice');
    await waitFor(async () => (await gateway.store.countPending()) === 0, 'delivered MO removed');

    // for a user who is away: stored, kept across a restart, delivered at their REGISTER
    gateway.simulator!.deliver('gateway', { source_addr: '447700900999', destination_addr: '447700900777', short_message: Buffer.from('Call me') });
    await waitFor(async () => (await gateway.store.pendingFor('sip:447700900777@switchboard.local')).length === 1, 'MO stored for bob');
    await gateway.stop();
    gateway = await startGateway(new Runtime(), loadConfig({ env }));
    await bound(gateway);
    t.is((await gateway.store.pendingFor('sip:447700900777@switchboard.local')).length, 1, 'kept across the restart');
    const bob = await UdpPeer.open(parseMessage);
    try {
      bob.send(userRegistration({ fromPort: bob.port, sipPort, user: '447700900777', callId: 'pg-bob', seq: 1 }), sipPort);
      const arrived = [await bob.next(), await bob.next()];
      t.is(status(arrived.find((m) => m.kind === 'response')!), 200);
      const stored = arrived.find((m): m is SipRequest => m.kind === 'request')!;
      t.is(stored.body.toString(), 'Call me');
      bob.sendBytes(Buffer.from(serialize(createResponse(stored, 200))), stored.topVia!.port ?? 5060, '127.0.0.1');
      await waitFor(async () => (await gateway.store.countPending()) === 0, 'stored MO delivered');
    } finally {
      bob.close();
    }
  } finally {
    alice.close();
    await gateway.stop();
  }
});

test.serial('two gateways on one database, SMSC down at start: the MESSAGEs both took go out exactly once when it comes up, through the one bind a lease gives one of them', async (t) => {
  const url = await database();
  const runtime = new Runtime();
  const smscPort = await freePort();
  const smsc = { SWITCHBOARD_SMPP_HOST: '127.0.0.1', SWITCHBOARD_SMPP_PORT: String(smscPort) };
  const nodes = [await startGateway(runtime, loadConfig({ env: await environment(url, smsc) })), await startGateway(runtime, loadConfig({ env: await environment(url, smsc) }))];
  const user = await UdpPeer.open(parseMessage);
  let simulator: McSimulator | undefined;
  try {
    for (let i = 0; i < 20; i++) {
      const sipPort = nodes[i % 2]!.config.sip.port;
      user.send(userMessage({ fromPort: user.port, sipPort, user: '447700900555', to: '447700900123', callId: `two-${i}`, body: `queued ${i}` }), sipPort);
      t.is(status(await user.next()), 202, 'stored while no bind is up');
    }
    t.is(await nodes[0]!.store.countOutbound(), 20);
    simulator = await McSimulator.start(runtime, { port: smscPort, credentials: { gateway: 'secret' } });
    // smpp.binds is 1: one node holds its lease and binds; the other's MESSAGEs go out through it
    await waitFor(() => nodes[0]!.pool.boundCount + nodes[1]!.pool.boundCount === 1, 'one bind up', 5000);
    await waitFor(async () => (await nodes[1]!.store.countOutbound()) === 0, 'outbox drained', 10_000);
    t.is(simulator.bound.length, 1, 'one session bound to the SMSC, not one per node');
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would be in flight by now
    const texts = simulator.submitted.map((s) => (s.pdu as { short_message: Buffer }).short_message.toString());
    t.is(texts.length, 20, texts.join(', '));
    t.is(new Set(texts).size, 20, 'no MESSAGE submitted twice');
  } finally {
    user.close();
    for (const node of nodes) await node.stop();
    await simulator?.close({ timeout: 200 });
  }
});

test.serial('the database goes away: REGISTER and MESSAGE are answered 503 with Retry-After, the gateway keeps running, and works again once it is back', async (t) => {
  const env = await environment(await database());
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  const gateway = await startGateway(new Runtime(), loadConfig({ env }));
  const peer = await UdpPeer.open(parseMessage);
  try {
    await bound(gateway);
    peer.send(userRegistration({ fromPort: peer.port, sipPort, user: '447700900555', callId: 'outage', seq: 1 }), sipPort);
    t.is(status(await peer.next()), 200);
    await server!.stopServer();
    peer.send(userRegistration({ fromPort: peer.port, sipPort, user: '447700900555', callId: 'outage', seq: 2 }), sipPort);
    const refused = (await peer.next(15_000)) as SipResponse;
    t.is(refused.status, 503);
    t.is(refused.headers.get('Retry-After'), '5');
    peer.send(userMessage({ fromPort: peer.port, sipPort, user: '447700900555', to: '447700900123', callId: 'outage-msg', body: 'not now' }), sipPort);
    const notTaken = (await peer.next(15_000)) as SipResponse;
    t.is(notTaken.status, 503);
    t.is(notTaken.headers.get('Retry-After'), '5');
    t.is(gateway.simulator!.submitted.length, 0, 'nothing unstored was submitted');
    const page = await fetch(`http://127.0.0.1:${gateway.statusPort}/status.json`);
    t.is(page.status, 500, 'the status page still answers');

    await server!.startServer();
    // the store refuses at once while the database is out of reach, and probes it: back by itself
    await waitFor(async () => (await fetch(`http://127.0.0.1:${gateway.statusPort}/status.json`)).status === 200, 'the store answers again', 5000);
    peer.send(userRegistration({ fromPort: peer.port, sipPort, user: '447700900555', callId: 'outage', seq: 3 }), sipPort);
    t.is(status(await peer.next(15_000)), 200, 'the pool reconnects');
    // the client's retry after Retry-After: a new transaction for the same MESSAGE
    const retry = userMessage({ fromPort: peer.port, sipPort, user: '447700900555', to: '447700900123', callId: 'outage-msg', body: 'not now' });
    peer.send(retry.replace('branch=z9hG4bKoutage-msg', 'branch=z9hG4bKoutage-msg-retry'), sipPort);
    t.is(status(await peer.next(15_000)), 202, 'the MESSAGE refused with 503 was not taken: its retry is');
    t.is(gateway.simulator!.submitted.length, 1);
  } finally {
    peer.close();
    await gateway.stop();
  }
});
