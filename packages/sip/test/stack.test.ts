// The stack end to end on loopback: transports, the router's matching, the server and client
// transactions as processes, the core. Timers run on a virtual clock; sockets are real.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { once } from 'node:events';
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import {
  createRequest,
  createResponse,
  exampleUac,
  exampleUas,
  newUasCounters,
  parseUri,
  paramValue,
  SipTransportError,
  startStack,
  TransactionTimeoutError,
  type Core,
  type ExampleUac,
  type ServerTransaction,
  type SipRequest,
  type SipResponse,
  type SipStack,
  parseMessage,
} from '@switchboard/sip';
import { UdpPeer, request, freePort } from '@switchboard/test-support';

function invite(port: number, peer: number, branch = 'z9hG4bKinv1', extra: string[] = []): string {
  return request([
    `INVITE sip:uas@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peer};branch=${branch};rport`,
    'From: <sip:peer@127.0.0.1>;tag=p1',
    `To: <sip:uas@127.0.0.1:${port}>`,
    `Call-ID: call-${branch}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:peer@127.0.0.1:${peer}>`,
    'Max-Forwards: 70',
    ...extra,
  ]);
}

function ack(port: number, peer: number, branch: string, callBranch: string, toTag: string): string {
  return request([
    `ACK sip:uas@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peer};branch=${branch}`,
    'From: <sip:peer@127.0.0.1>;tag=p1',
    `To: <sip:uas@127.0.0.1:${port}>;tag=${toTag}`,
    `Call-ID: call-${callBranch}`,
    'CSeq: 1 ACK',
    'Max-Forwards: 70',
  ]);
}

/** A core that records what reaches it and lets the test answer. */
class RecordingCore implements Core {
  readonly requests: [SipRequest, ServerTransaction | null][] = [];
  readonly responses: SipResponse[] = [];
  readonly errors: Error[] = [];
  onRequest: (request: SipRequest, transaction: ServerTransaction | null) => void = () => {};
  receiveRequest(r: SipRequest, tx: ServerTransaction | null): void {
    this.requests.push([r, tx]);
    this.onRequest(r, tx);
  }
  receiveResponse(r: SipResponse): void {
    this.responses.push(r);
  }
  receiveError(e: Error): void {
    this.errors.push(e);
  }
}

async function uasStack(core: Core, clock = new VirtualClock()): Promise<{ stack: SipStack; clock: VirtualClock; port: number }> {
  const runtime = new Runtime({ clock });
  const stack = await startStack(runtime, { listen: [{ transport: 'udp', port: 0 }], core: () => core });
  return { stack, clock, port: stack.listener('UDP')!.port };
}

test('UAS over UDP: 180 and 200 with received/rport stamped; the 2xx is retransmitted until its ACK', async (t) => {
  const counters = newUasCounters();
  const clock = new VirtualClock();
  const stack = await startStack(new Runtime({ clock }), { listen: [{ transport: 'udp', port: 0 }], core: exampleUas(counters) });
  const port = stack.listener('UDP')!.port;
  const peer = await UdpPeer.open(parseMessage);
  peer.send(invite(port, peer.port), port);
  const ringing = (await peer.next()) as SipResponse;
  t.is(ringing.status, 180);
  const via = ringing.topVia!;
  t.is(paramValue(via.params, 'rport'), String(peer.port), 'RFC 3581: rport filled with the source port');
  t.is(paramValue(via.params, 'received'), '127.0.0.1');
  const ok = (await peer.next()) as SipResponse;
  t.is(ok.status, 200);
  const tag = paramValue(ok.to!.params, 'tag')!;
  t.is(paramValue(ringing.to!.params, 'tag'), tag, 'one To tag for the dialog');
  await clock.advance(500);
  t.is(((await peer.next()) as SipResponse).status, 200, 'T1: the 2xx again');
  await clock.advance(1000);
  t.is(((await peer.next()) as SipResponse).status, 200, '2·T1: again');
  peer.send(ack(port, peer.port, 'z9hG4bKack1', 'z9hG4bKinv1', tag), port);
  await clock.advance(0);
  // Ordering probe: an OPTIONS sent after the ACK; no 2xx retransmission may come before its answer.
  await clock.advance(8000);
  peer.send(request([`OPTIONS sip:uas@127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKopt1`, 'From: <sip:peer@127.0.0.1>;tag=p2', `To: <sip:uas@127.0.0.1>`, 'Call-ID: opt-1', 'CSeq: 1 OPTIONS']), port);
  const probe = (await peer.next()) as SipResponse;
  t.is(probe.cseq!.method, 'OPTIONS');
  t.is(counters.acks, 1);
  t.is(counters.invites, 1);
  t.is(stack.stats().serverTransactions, 2);
  await clock.advance(40_000);
  t.is(stack.stats().serverTransactions, 0, 'Timers L and J end both transactions');
  peer.close();
  await stack.stop();
});

test('INVITE server: 100 Trying when the core is silent for 200 ms; a retransmitted INVITE reaches the core once', async (t) => {
  const core = new RecordingCore();
  const { stack, clock, port } = await uasStack(core);
  const peer = await UdpPeer.open(parseMessage);
  peer.send(invite(port, peer.port), port);
  await clock.advance(0);
  peer.send(invite(port, peer.port), port);
  await clock.advance(200);
  const trying = (await peer.next()) as SipResponse;
  t.is(trying.status, 100);
  t.is(paramValue(trying.to!.params, 'tag'), undefined, '100 has no To tag');
  peer.send(invite(port, peer.port), port);
  t.is(((await peer.next()) as SipResponse).status, 100, 'a retransmission gets the last provisional');
  t.is(core.requests.length, 1);
  peer.close();
  await stack.stop();
});

test('CANCEL: 200 for the CANCEL, the core answers the INVITE 487, the ACK stops Timer G; an unmatched CANCEL gets 481', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => {
    if (r.method === 'INVITE') tx!.respond(createResponse(r, 180, { toTag: 'uas1' }));
    if (r.method === 'CANCEL') tx!.respond(createResponse(tx!.request, 487, { toTag: 'uas1' }));
  };
  const { stack, clock, port } = await uasStack(core);
  const peer = await UdpPeer.open(parseMessage);
  peer.send(invite(port, peer.port, 'z9hG4bKc1'), port);
  t.is(((await peer.next()) as SipResponse).status, 180);
  const cancel = (b: string) =>
    request([`CANCEL sip:uas@127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${b}`, 'From: <sip:peer@127.0.0.1>;tag=p1', `To: <sip:uas@127.0.0.1:${port}>`, `Call-ID: call-z9hG4bKc1`, 'CSeq: 1 CANCEL', 'Max-Forwards: 70']);
  peer.send(cancel('z9hG4bKc1'), port);
  const first = (await peer.next()) as SipResponse;
  const second = (await peer.next()) as SipResponse;
  const byMethod = new Map([first, second].map((m) => [m.cseq!.method, m.status]));
  t.is(byMethod.get('CANCEL'), 200);
  t.is(byMethod.get('INVITE'), 487);
  await clock.advance(500);
  t.is(((await peer.next()) as SipResponse).status, 487, 'Timer G retransmits the 487');
  peer.send(ack(port, peer.port, 'z9hG4bKc1', 'z9hG4bKc1', 'uas1'), port);
  await clock.advance(0);
  peer.send(cancel('z9hG4bKnothing'), port);
  const unmatched = (await peer.next()) as SipResponse;
  t.is(unmatched.status, 481, 'no 487 retransmission after the ACK, and 481 for a CANCEL matching nothing');
  t.is(core.requests.filter(([r]) => r.method === 'ACK').length, 0, 'the ACK of a non-2xx stays in its transaction');
  peer.close();
  await stack.stop();
});

test('RFC 2543 peer (no magic cookie): retransmissions and the ACK of a non-2xx match by the old rules', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => {
    if (r.method === 'INVITE') tx!.respond(createResponse(r, 486, { toTag: 'busy' }));
  };
  const { stack, clock, port } = await uasStack(core);
  const peer = await UdpPeer.open(parseMessage);
  const old = invite(port, peer.port, 'oldbranch1');
  peer.send(old, port);
  t.is(((await peer.next()) as SipResponse).status, 486);
  peer.send(old, port);
  t.is(((await peer.next()) as SipResponse).status, 486, 'the retransmission gets the final response again');
  t.is(core.requests.length, 1);
  peer.send(ack(port, peer.port, 'oldbranch1', 'oldbranch1', 'busy'), port);
  await clock.advance(0);
  await clock.advance(2000);
  peer.send(request([`OPTIONS sip:uas@127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKprobe`, 'From: <sip:peer@127.0.0.1>;tag=p2', 'To: <sip:uas@127.0.0.1>', 'Call-ID: probe', 'CSeq: 1 OPTIONS']), port);
  core.onRequest = (r, tx) => tx?.respond(createResponse(r, 200));
  t.is(((await peer.next()) as SipResponse).cseq!.method, 'OPTIONS', 'the ACK matched: no 486 retransmission');
  t.is(core.requests.filter(([r]) => r.method === 'ACK').length, 0);
  peer.close();
  await stack.stop();
});

test('bad input: a request that does not parse gets 400 with the reason; garbage gets nothing; the stack goes on', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => tx?.respond(createResponse(r, 200));
  const { stack, port } = await uasStack(core);
  const peer = await UdpPeer.open(parseMessage);
  peer.sendBytes(Buffer.from([0xff, 0x00, 0x13, 0x37, 0x0d, 0x0a]), port);
  peer.send(request([`OPTIONS sip:uas@127.0.0.1 SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKbad1`, 'From: <sip:p@h>;tag=1', 'To: <sip:u@h>', 'Call-ID: bad1', 'CSeq: notanumber OPTIONS']), port);
  const bad = (await peer.next()) as SipResponse;
  t.is(bad.status, 400);
  t.regex(bad.reason, /^Bad Request \(CSeq/);
  peer.send(request([`OPTIONS sip:uas@127.0.0.1 SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKbad2`, 'From: <sip:p@h>;tag=1', 'To: <sip:u@h>', 'CSeq: 1 OPTIONS']), port);
  const missing = (await peer.next()) as SipResponse;
  t.is(missing.status, 400);
  t.regex(missing.reason, /Call-ID/);
  peer.send(request([`OPTIONS sip:uas@127.0.0.1 SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKgood`, 'From: <sip:p@h>;tag=1', 'To: <sip:u@h>', 'Call-ID: good', 'CSeq: 1 OPTIONS']), port);
  t.is(((await peer.next()) as SipResponse).status, 200);
  t.is(core.requests.length, 1);
  peer.close();
  await stack.stop();
});

test('responses: a foreign top Via is dropped (§18.1.2); ours with no transaction reaches the core as stray', async (t) => {
  const core = new RecordingCore();
  const { stack, clock, port } = await uasStack(core);
  const peer = await UdpPeer.open(parseMessage);
  const response = (host: string, p: number, branch: string) =>
    request(['SIP/2.0 200 OK', `Via: SIP/2.0/UDP ${host}:${p};branch=${branch}`, 'From: <sip:a@h>;tag=1', 'To: <sip:b@h>;tag=2', 'Call-ID: stray', 'CSeq: 1 INVITE']);
  peer.send(response('192.0.2.9', 5060, 'z9hG4bKforeign'), port);
  peer.send(response('127.0.0.1', port, 'z9hG4bKstray'), port);
  for (let i = 0; i < 20 && core.responses.length === 0; i++) await clock.advance(0);
  t.is(core.responses.length, 1);
  t.is(paramValue(core.responses[0]!.topVia!.params, 'branch'), 'z9hG4bKstray');
  peer.close();
  await stack.stop();
});

async function pair(transport: 'udp' | 'tcp', uasCore = exampleUas()): Promise<{ uac: ExampleUac; uacStack: SipStack; uasStack: SipStack; target: string }> {
  const runtime = new Runtime();
  const uasPort = await freePort();
  const uasStack = await startStack(runtime, { listen: [{ transport: 'udp', port: uasPort }, { transport: 'tcp', port: uasPort }], core: uasCore });
  let uac!: ExampleUac;
  const uacPort = await freePort();
  const uacStack = await startStack(runtime, { listen: [{ transport: 'udp', port: uacPort }, { transport: 'tcp', port: uacPort }], core: exampleUac((u) => (uac = u)) });
  const port = uasStack.listener(transport === 'udp' ? 'UDP' : 'TCP')!.port;
  return { uac, uacStack, uasStack, target: `sip:uas@127.0.0.1:${port}${transport === 'tcp' ? ';transport=tcp' : ''}` };
}

for (const transport of ['udp', 'tcp'] as const) {
  test(`our UAC calls our UAS over ${transport}: INVITE 200, ACK, BYE 200`, async (t) => {
    const counters = newUasCounters();
    const { uac, uacStack, uasStack, target } = await pair(transport, exampleUas(counters));
    t.deepEqual(await uac.call(target), { invite: 200, bye: 200 });
    t.is(counters.acks, 1);
    t.is(counters.byes, 1);
    if (transport === 'tcp') t.is(uasStack.stats().connections, 1, 'one connection, reused for the whole call');
    await uacStack.stop();
    await uasStack.stop();
  });
}

test('a non-2xx final is ACKed by the INVITE client transaction, and the server transaction is confirmed', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => r.method === 'INVITE' && tx!.respond(createResponse(r, 486));
  const { uac, uacStack, uasStack, target } = await pair('udp', () => core);
  t.deepEqual(await uac.call(target), { invite: 486 });
  // The ACK reached the server transaction (not the core): Timer G stops; the transaction ends on Timer I.
  t.is(core.requests.length, 1);
  await uacStack.stop();
  await uasStack.stop();
});

test('a transport error ends the client transaction and reaches the core: TCP to a closed port', async (t) => {
  const { uac, uacStack, uasStack } = await pair('udp');
  const options = createRequest({ method: 'OPTIONS', uri: parseUri('sip:nobody@127.0.0.1:1;transport=tcp'), from: { displayName: null, uri: parseUri('sip:uac@h'), params: [] }, to: { displayName: null, uri: parseUri('sip:nobody@h'), params: [] } });
  const error = await t.throwsAsync(uac.request(options));
  t.true(error instanceof SipTransportError);
  t.is((error as SipTransportError).code, 'ERR_SIP_TRANSPORT');
  await uacStack.stop();
  await uasStack.stop();
});

test('Timer F: an OPTIONS nobody answers times out after 64·T1 of retransmissions', async (t) => {
  const clock = new VirtualClock();
  let uac!: ExampleUac;
  const stack = await startStack(new Runtime({ clock }), { listen: [{ transport: 'udp', port: 0 }], core: exampleUac((u) => (uac = u)) });
  const silent = await UdpPeer.open(parseMessage);
  const options = createRequest({ method: 'OPTIONS', uri: parseUri(`sip:x@127.0.0.1:${silent.port}`), from: { displayName: null, uri: parseUri('sip:uac@h'), params: [] }, to: { displayName: null, uri: parseUri('sip:x@h'), params: [] } });
  const outcome = uac.request(options);
  const first = (await silent.next()) as SipRequest;
  t.is(paramValue(first.topVia!.params, 'rport'), null, 'our Via asks for rport');
  t.true(paramValue(first.topVia!.params, 'branch')!.startsWith('z9hG4bK'));
  await clock.advance(500);
  await silent.next();
  await clock.advance(1000);
  await silent.next();
  await clock.advance(31_000);
  const error = await t.throwsAsync(outcome);
  t.true(error instanceof TransactionTimeoutError);
  t.is((error as TransactionTimeoutError).timer, 'F');
  silent.close();
  await stack.stop();
});

test('§18.1.1: a request over 1300 octets goes over TCP, and its Via says so', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => tx?.respond(createResponse(r, 200));
  const { uac, uacStack, uasStack } = await pair('udp', () => core);
  const port = uasStack.listener('UDP')!.port;
  const message = createRequest({ method: 'MESSAGE', uri: parseUri(`sip:uas@127.0.0.1:${port}`), from: { displayName: null, uri: parseUri('sip:uac@h'), params: [] }, to: { displayName: null, uri: parseUri('sip:uas@h'), params: [] }, body: 'x'.repeat(1400), contentType: 'text/plain' });
  t.is((await uac.request(message)).status, 200);
  const [received, transaction] = core.requests[0]!;
  t.is(received.topVia!.transport, 'TCP');
  t.is(transaction!.source.transport, 'TCP');
  await uacStack.stop();
  await uasStack.stop();
});

test('TCP: an RFC 5626 double-CRLF ping is answered with CRLF; the connection limit refuses more', async (t) => {
  const runtime = new Runtime();
  const stack = await startStack(runtime, { listen: [{ transport: 'tcp', port: 0 }], core: exampleUas(), maxConnections: 1 });
  const port = stack.listener('TCP')!.port;
  const first = connect(port, '127.0.0.1');
  await once(first, 'connect');
  first.write('\r\n\r\n');
  const [pong] = (await once(first, 'data')) as [Buffer];
  t.is(pong.toString(), '\r\n');
  const second = connect(port, '127.0.0.1');
  await once(second, 'close');
  t.pass('the second connection was closed');
  first.destroy();
  await stack.stop();
});

test('TCP: an idle connection is closed after idleTimeout on the runtime clock', async (t) => {
  const clock = new VirtualClock();
  const stack = await startStack(new Runtime({ clock }), { listen: [{ transport: 'tcp', port: 0 }], core: exampleUas(), idleTimeout: 10_000 });
  const socket = connect(stack.listener('TCP')!.port, '127.0.0.1');
  await once(socket, 'connect');
  while (stack.stats().connections === 0) await clock.advance(0);
  const closed = once(socket, 'close');
  await clock.advance(9_000);
  t.is(stack.stats().connections, 1);
  await clock.advance(2_000);
  await closed;
  t.is(stack.stats().connections, 0);
  await stack.stop();
});

test('IPv6 and TLS listeners: OPTIONS answered over UDP on ::1 and over TLS', async (t) => {
  const runtime = new Runtime();
  const tls = { key: readFileSync(new URL('./fixtures/tls-key.pem', import.meta.url)), cert: readFileSync(new URL('./fixtures/tls-cert.pem', import.meta.url)) };
  const uas = await startStack(runtime, { listen: [{ transport: 'udp', host: '::1', port: 0 }, { transport: 'tls', port: 0, tls }], core: exampleUas() });
  let uac!: ExampleUac;
  const client = await startStack(runtime, { listen: [{ transport: 'udp', host: '::1', port: 0 }, { transport: 'tls', port: 0, tls }], core: exampleUac((u) => (uac = u)), tlsClient: { rejectUnauthorized: false } });
  const options = (uri: string) => createRequest({ method: 'OPTIONS', uri: parseUri(uri), from: { displayName: null, uri: parseUri('sip:uac@h'), params: [] }, to: { displayName: null, uri: parseUri('sip:uas@h'), params: [] } });
  const v6 = uas.listeners.find((l) => l.transport === 'UDP')!;
  t.is((await uac.request(options(`sip:uas@[::1]:${v6.port}`))).status, 200);
  t.is((await uac.request(options(`sips:uas@127.0.0.1:${uas.listener('TLS')!.port}`))).status, 200);
  await client.stop();
  await uas.stop();
});
