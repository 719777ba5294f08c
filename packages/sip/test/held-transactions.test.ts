// Transactions held by the table without a process once only their last timer is left (RFC 3261
// §17, RFC 6026): a non-INVITE server in Completed (Timer J), an INVITE server in Confirmed (Timer
// I) or in Accepted (Timer L), a client in Completed (Timer K or D). What the peer and the core see must not change: the same
// retransmissions answered or absorbed, the same timers, the same matching and limits. Timers run
// on a virtual clock; sockets are real.
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import {
  createRequest,
  createResponse,
  paramValue,
  parseMessage,
  parseUri,
  serializeMessage,
  startStack,
  SipTransportError,
  type ClientTransaction,
  type Core,
  type ServerTransaction,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  type SipStack,
  type StackOptions,
} from '@switchboard/sip';
import { UdpPeer, request } from '@switchboard/test-support';

/** Timer J and D: 64·T1 (and RFC 6026's L); Timers I and K: T4 (RFC 3261 Table 4, defaults). */
const TIMER_J = 32_000;
const TIMER_L = 32_000;
const TIMER_I = 5000;

/** A core that records what reaches it; `onRequest` answers. */
class RecordingCore implements Core {
  readonly requests: [SipRequest, ServerTransaction | null][] = [];
  readonly responses: [SipResponse, ClientTransaction | null][] = [];
  readonly errors: [Error, ServerTransaction | ClientTransaction][] = [];
  onRequest: (request: SipRequest, transaction: ServerTransaction | null) => void = () => {};
  receiveRequest(r: SipRequest, tx: ServerTransaction | null): void {
    this.requests.push([r, tx]);
    this.onRequest(r, tx);
  }
  receiveResponse(r: SipResponse, tx: ClientTransaction | null): void {
    this.responses.push([r, tx]);
  }
  receiveError(e: Error, tx: ServerTransaction | ClientTransaction): void {
    this.errors.push([e, tx]);
  }
  methods(): string[] {
    return this.requests.map(([r]) => r.method);
  }
}

interface World {
  readonly runtime: Runtime;
  readonly clock: VirtualClock;
  readonly stack: SipStack;
  readonly port: number;
  readonly peer: UdpPeer<SipMessage>;
  /** Processes of the stack with no transaction running. */
  readonly idle: number;
}

async function world(core: Core, options: Partial<StackOptions> = {}): Promise<World> {
  const clock = new VirtualClock();
  const runtime = new Runtime({ clock });
  const stack = await startStack(runtime, { listen: [{ transport: 'udp', port: 0 }], core: () => core, ...options });
  const peer = await UdpPeer.open(parseMessage);
  return { runtime, clock, stack, port: stack.listener('UDP')!.port, peer, idle: runtime.stats().processes };
}

/** Lets sockets and processes run until `done` (bounded: a test that waits in vain fails, not hangs). */
async function until(w: World, done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) {
    await w.clock.advance(0);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function end(w: World): Promise<void> {
  w.peer.close();
  await w.stack.stop();
}

function options(w: World, branch: string, extra: string[] = []): string {
  return request([
    `OPTIONS sip:uas@127.0.0.1:${w.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${w.peer.port};branch=${branch};rport`,
    'From: <sip:peer@127.0.0.1>;tag=p1',
    `To: <sip:uas@127.0.0.1:${w.port}>`,
    `Call-ID: options-${branch}`,
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
    ...extra,
  ]);
}

function invite(w: World, branch: string, method: 'INVITE' | 'ACK' | 'CANCEL' = 'INVITE', toTag?: string): string {
  return request([
    `${method} sip:uas@127.0.0.1:${w.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${w.peer.port};branch=${branch}`,
    'From: <sip:peer@127.0.0.1>;tag=p1',
    `To: <sip:uas@127.0.0.1:${w.port}>${toTag === undefined ? '' : `;tag=${toTag}`}`,
    `Call-ID: call-${branch}`,
    `CSeq: 1 ${method}`,
    'Max-Forwards: 70',
  ]);
}

test('non-INVITE over UDP: after the final response no process is left, yet a retransmission gets the same bytes, the core never sees it, and Timer J ends it', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => tx?.respond(createResponse(r, 200, { headers: [['X-Answer', 'first']] }));
  const w = await world(core);
  w.peer.send(options(w, 'z9hG4bKheld1'), w.port);
  t.is(((await w.peer.next()) as SipResponse).status, 200);
  await w.clock.advance(0);
  t.is(w.stack.stats().serverTransactions, 1, 'still a live transaction: Timer J runs');
  t.is(w.runtime.stats().processes, w.idle, 'but without a process');
  w.peer.send(options(w, 'z9hG4bKheld1'), w.port);
  await w.peer.next();
  t.deepEqual(w.peer.raw[1], w.peer.raw[0], 'the final response again, byte for byte (§17.2.2)');
  t.deepEqual(core.methods(), ['OPTIONS']);
  await w.clock.advance(TIMER_J - 1);
  t.is(w.stack.stats().serverTransactions, 1);
  await w.clock.advance(1);
  t.is(w.stack.stats().serverTransactions, 0, 'Timer J ended it');
  w.peer.send(options(w, 'z9hG4bKheld1'), w.port);
  t.is(((await w.peer.next()) as SipResponse).status, 200);
  t.deepEqual(core.methods(), ['OPTIONS', 'OPTIONS'], 'after Timer J the same request is a new one');
  await end(w);
});

test('held transactions count against maxTransactions: 503 while they fill the table, room again once Timer J ends them', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => tx?.respond(createResponse(r, 200));
  const w = await world(core, { maxTransactions: 2, retryAfter: 5 });
  for (const branch of ['z9hG4bKlim1', 'z9hG4bKlim2']) {
    w.peer.send(options(w, branch), w.port);
    t.is(((await w.peer.next()) as SipResponse).status, 200);
  }
  await w.clock.advance(0);
  t.is(w.runtime.stats().processes, w.idle);
  w.peer.send(options(w, 'z9hG4bKlim3'), w.port);
  const refused = (await w.peer.next()) as SipResponse;
  t.is(refused.status, 503);
  t.is(refused.headers.get('Retry-After'), '5');
  await w.clock.advance(TIMER_J);
  w.peer.send(options(w, 'z9hG4bKlim4'), w.port);
  t.is(((await w.peer.next()) as SipResponse).status, 200);
  t.deepEqual(core.methods(), ['OPTIONS', 'OPTIONS', 'OPTIONS']);
  await end(w);
});

test('INVITE with a non-2xx: Confirmed is held after the ACK; ACKs and INVITEs are absorbed, a CANCEL still finds the INVITE and the core gets its handle; Timer I ends it', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => {
    if (r.method === 'INVITE') tx!.respond(createResponse(r, 486, { toTag: 'busy' }));
  };
  const w = await world(core);
  w.peer.send(invite(w, 'z9hG4bKconf1'), w.port);
  t.is(((await w.peer.next()) as SipResponse).status, 486);
  w.peer.send(invite(w, 'z9hG4bKconf1', 'ACK', 'busy'), w.port);
  await w.clock.advance(0);
  t.is(w.runtime.stats().processes, w.idle, 'Confirmed: no process');
  t.is(w.stack.stats().serverTransactions, 1);
  w.peer.send(invite(w, 'z9hG4bKconf1', 'ACK', 'busy'), w.port);
  w.peer.send(invite(w, 'z9hG4bKconf1'), w.port);
  w.peer.send(invite(w, 'z9hG4bKconf1', 'CANCEL'), w.port);
  const cancelled = (await w.peer.next()) as SipResponse;
  t.is(cancelled.cseq?.method, 'CANCEL', 'nothing answered the ACK or the INVITE (§17.2.1)');
  t.is(cancelled.status, 200, 'the CANCEL matched the INVITE transaction (§9.2)');
  await w.clock.advance(0);
  t.deepEqual(core.methods(), ['INVITE', 'CANCEL'], 'no ACK, no INVITE retransmission reached the core');
  t.is(core.requests[1]![1], core.requests[0]![1], 'the CANCEL came with the INVITE’s own handle');
  await w.clock.advance(TIMER_I);
  w.peer.send(invite(w, 'z9hG4bKconf1', 'CANCEL'), w.port);
  t.is(((await w.peer.next()) as SipResponse).status, 200, 'the CANCEL’s own transaction answers its retransmission');
  w.peer.send(invite(w, 'z9hG4bKconf2', 'CANCEL'), w.port);
  t.is(((await w.peer.next()) as SipResponse).status, 481);
  w.peer.send(invite(w, 'z9hG4bKconf1'), w.port);
  t.is(((await w.peer.next()) as SipResponse).status, 486, 'after Timer I the INVITE is a new transaction');
  t.deepEqual(core.methods(), ['INVITE', 'CANCEL', 'INVITE']);
  await end(w);
});

test('INVITE with a 2xx: Accepted is held (RFC 6026 §7.1): INVITEs absorbed, the core\'s 2xx sent again through its handle and anything else dropped, ACKs and a CANCEL reach the core; Timer L ends it', async (t) => {
  const core = new RecordingCore();
  let read: { from: unknown; to: unknown; via: unknown; uri: unknown; body: Buffer } | undefined;
  core.onRequest = (r, tx) => {
    if (r.method !== 'INVITE') return;
    read = { from: r.from, to: r.to, via: r.topVia, uri: r.uri, body: r.body };
    tx!.respond(createResponse(r, 200, { toTag: 'ok' }));
  };
  const w = await world(core);
  w.peer.send(invite(w, 'z9hG4bKacc1'), w.port);
  const ok = (await w.peer.next()) as SipResponse;
  t.is(ok.status, 200);
  await w.clock.advance(0);
  t.is(w.runtime.stats().processes, w.idle, 'Accepted: no process');
  t.is(w.stack.stats().serverTransactions, 1);
  const handle = core.requests[0]![1]!;
  const reads = (r: SipRequest) => ({ from: r.from, to: r.to, via: r.topVia, uri: r.uri, body: r.body });
  t.not(handle.request.from, read!.from, 'held: the typed values read before are let go and read again on use');
  t.deepEqual(reads(handle.request), read!, 'equal values');
  w.peer.send(invite(w, 'z9hG4bKacc1'), w.port);
  handle.respond(createResponse(handle.request, 486, { toTag: 'ok' }));
  handle.respond(createResponse(handle.request, 200, { toTag: 'ok', headers: [['X-Again', '1']] }));
  const again = (await w.peer.next()) as SipResponse;
  t.is(again.status, 200, 'the INVITE was absorbed and the 486 dropped: the next datagram is the 2xx the core sent again');
  t.is(again.headers.get('X-Again'), '1');
  await w.clock.advance(1000);
  w.peer.send(invite(w, 'z9hG4bKacc1', 'ACK', 'ok'), w.port);
  w.peer.send(invite(w, 'z9hG4bKacc1', 'CANCEL'), w.port);
  const cancelled = (await w.peer.next()) as SipResponse;
  t.is(cancelled.cseq?.method, 'CANCEL');
  t.is(cancelled.status, 200, 'the CANCEL matched the INVITE transaction (§9.2)');
  await until(w, () => core.requests.length >= 3);
  t.deepEqual(core.methods(), ['INVITE', 'ACK', 'CANCEL'], 'the INVITE retransmission never reached the core');
  t.is(core.requests[1]![1], null, 'the ACK reached the core as an ACK for a 2xx does');
  t.is(core.requests[2]![1], handle, 'the CANCEL came with the INVITE’s own handle');
  t.is(w.peer.pending, 0);
  await w.clock.advance(TIMER_L - 1000 - 1);
  t.is(w.stack.stats().serverTransactions, 2, 'the INVITE (Timer L) and the CANCEL (Timer J, 1 s later)');
  await w.clock.advance(1);
  t.is(w.stack.stats().serverTransactions, 1, 'Timer L, counted from the 2xx, ended the INVITE');
  handle.respond(createResponse(handle.request, 200, { toTag: 'ok' }));
  w.peer.send(invite(w, 'z9hG4bKacc1'), w.port);
  t.is(((await w.peer.next()) as SipResponse).headers.get('X-Again'), undefined, 'after Timer L the handle sends nothing, and the INVITE is a new transaction');
  t.deepEqual(core.methods(), ['INVITE', 'ACK', 'CANCEL', 'INVITE']);
  await end(w);
});

test('INVITE with a 2xx the transaction retransmits until the ACK (§13.3.1.4): held only once the ACK came, for what is left of Timer L', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => {
    if (r.method === 'INVITE') tx!.respond(createResponse(r, 200, { toTag: 'ok' }), { retransmitUntilAck: true });
  };
  const w = await world(core);
  w.peer.send(invite(w, 'z9hG4bKacc2'), w.port);
  t.is(((await w.peer.next()) as SipResponse).status, 200);
  await w.clock.advance(500);
  t.is(((await w.peer.next()) as SipResponse).status, 200, 'retransmitted after T1');
  t.is(w.runtime.stats().processes, w.idle + 1, 'retransmitting: still a process');
  await w.clock.advance(1000);
  t.is(((await w.peer.next()) as SipResponse).status, 200, 'again after 2·T1');
  // the ACK of a 2xx is a transaction of its own: another branch
  w.peer.send(invite(w, 'z9hG4bKacc2', 'ACK', 'ok').replace('branch=z9hG4bKacc2', 'branch=z9hG4bKacc2ack'), w.port);
  await until(w, () => core.requests.length >= 2);
  await w.clock.advance(0);
  t.deepEqual(core.methods(), ['INVITE', 'ACK']);
  t.is(w.runtime.stats().processes, w.idle, 'the ACK came: held, no process');
  t.is(w.stack.stats().serverTransactions, 1);
  await w.clock.advance(TIMER_L - 1500 - 1);
  t.is(w.stack.stats().serverTransactions, 1);
  t.is(w.peer.pending, 0, 'no retransmission after the ACK');
  await w.clock.advance(1);
  t.is(w.stack.stats().serverTransactions, 0, 'Timer L ran from the first 2xx, not from the hand-over');
  await end(w);
});

test('an ACK with another To tag does not match a held INVITE transaction (RFC 2543 matching): it reaches the core', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => {
    if (r.method === 'INVITE') tx!.respond(createResponse(r, 603, { toTag: 'no' }));
  };
  const w = await world(core);
  const old = 'oldstyle1';
  w.peer.send(invite(w, old), w.port);
  t.is(((await w.peer.next()) as SipResponse).status, 603);
  w.peer.send(invite(w, old, 'ACK', 'no'), w.port);
  await w.clock.advance(0);
  t.is(w.runtime.stats().processes, w.idle);
  w.peer.send(invite(w, old, 'ACK', 'other'), w.port);
  await until(w, () => core.requests.length >= 2);
  t.deepEqual(core.methods(), ['INVITE', 'ACK']);
  t.is(core.requests[1]![1], null);
  await end(w);
});

test('terminate() on a held transaction ends it at once: the same request is then a new one', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => tx?.respond(createResponse(r, 200));
  const w = await world(core);
  w.peer.send(options(w, 'z9hG4bKterm1'), w.port);
  await w.peer.next();
  await w.clock.advance(0);
  t.is(w.stack.stats().serverTransactions, 1);
  core.requests[0]![1]!.terminate();
  t.is(w.stack.stats().serverTransactions, 0);
  w.peer.send(options(w, 'z9hG4bKterm1'), w.port);
  await w.peer.next();
  t.deepEqual(core.methods(), ['OPTIONS', 'OPTIONS']);
  await end(w);
});

test('a transport failure of the final response still reaches the core with the transaction, and ends it (§17.2.4)', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => tx?.respond(createResponse(r, 200));
  const w = await world(core);
  // maddr names an IPv6 multicast group: the response goes there (§18.2.2), which an IPv4 socket cannot reach.
  w.peer.send(options(w, 'z9hG4bKfail1').replace(';rport', ';maddr=[ff02::1]'), w.port);
  await until(w, () => core.errors.length > 0);
  const [error, transaction] = core.errors[0]!;
  t.true(error instanceof SipTransportError);
  t.is(transaction, core.requests[0]![1]!);
  t.is(w.stack.stats().serverTransactions, 0);
  await end(w);
});

test('client transactions: Completed is held; a retransmitted final response is absorbed until Timer K, and after it reaches the core as a stray', async (t) => {
  const core = new RecordingCore();
  const w = await world(core);
  const sent = createRequest({ method: 'OPTIONS', uri: parseUri(`sip:peer@127.0.0.1:${w.peer.port}`), from: { displayName: null, uri: parseUri('sip:uac@h'), params: [] }, to: { displayName: null, uri: parseUri('sip:peer@h'), params: [] } });
  const transaction = (await w.stack.sendRequest(sent))!;
  const received = (await w.peer.next()) as SipRequest;
  const ok = serializeMessage(createResponse(received, 200));
  const branch = paramValue(received.topVia!.params, 'branch')!;
  const stray = Buffer.from(ok.toString('latin1').replace(branch, 'z9hG4bKnobody'), 'latin1');
  const answer = (bytes: Buffer) => w.peer.sendBytes(bytes, w.port);
  answer(ok);
  await until(w, () => core.responses.length >= 1);
  t.is(core.responses[0]![1], transaction);
  await w.clock.advance(0);
  t.is(w.stack.stats().clientTransactions, 1);
  t.is(w.runtime.stats().processes, w.idle, 'Completed: no process');
  answer(ok);
  answer(stray);
  await until(w, () => core.responses.length >= 2);
  t.is(core.responses[1]![1], null, 'the retransmitted 200 was absorbed; the next to reach the core is the stray');
  t.is(core.responses.length, 2);
  await w.clock.advance(TIMER_I); // Timer K is T4, like Timer I
  t.is(w.stack.stats().clientTransactions, 0);
  answer(ok);
  await until(w, () => core.responses.length >= 3);
  t.is(core.responses[2]![1], null, 'after Timer K the 200 is a stray');
  await end(w);
});

test('an INVITE client transaction held in Completed ACKs each retransmitted non-2xx until Timer D', async (t) => {
  const core = new RecordingCore();
  const w = await world(core);
  const sent = createRequest({ method: 'INVITE', uri: parseUri(`sip:peer@127.0.0.1:${w.peer.port}`), from: { displayName: null, uri: parseUri('sip:uac@h'), params: [] }, to: { displayName: null, uri: parseUri('sip:peer@h'), params: [] } });
  await w.stack.sendRequest(sent);
  const received = (await w.peer.next()) as SipRequest;
  const busy = serializeMessage(createResponse(received, 486, { toTag: 'b1' }));
  w.peer.sendBytes(busy, w.port);
  const ack = (await w.peer.next()) as SipRequest;
  t.is(ack.method, 'ACK');
  await w.clock.advance(0);
  t.is(w.runtime.stats().processes, w.idle, 'Completed: no process');
  t.is(w.stack.stats().clientTransactions, 1);
  w.peer.sendBytes(busy, w.port);
  const again = (await w.peer.next()) as SipRequest;
  t.is(again.method, 'ACK', 'the retransmitted 486 is ACKed again (§17.1.1.2)');
  t.deepEqual(w.peer.raw[2], w.peer.raw[1], 'the same ACK');
  t.is(core.responses.length, 1, 'only the first 486 reached the core');
  await w.clock.advance(TIMER_J); // Timer D: 32 s
  t.is(w.stack.stats().clientTransactions, 0);
  await end(w);
});

test('held transactions of different timers expire each on its own: an INVITE held for Timer I after an OPTIONS held for Timer J goes first', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => tx?.respond(createResponse(r, r.method === 'INVITE' ? 486 : 200, { toTag: 'x' }));
  const w = await world(core);
  w.peer.send(options(w, 'z9hG4bKtwo1'), w.port);
  await w.peer.next();
  await w.clock.advance(1000);
  w.peer.send(invite(w, 'z9hG4bKtwo2'), w.port);
  await w.peer.next();
  w.peer.send(invite(w, 'z9hG4bKtwo2', 'ACK', 'x'), w.port);
  await until(w, () => w.runtime.stats().processes === w.idle);
  t.is(w.stack.stats().serverTransactions, 2);
  await w.clock.advance(TIMER_I);
  t.is(w.stack.stats().serverTransactions, 1, 'Timer I, 5 s after the ACK, ended the INVITE; Timer J runs on');
  await w.clock.advance(TIMER_J - TIMER_I - 1000 - 1);
  t.is(w.stack.stats().serverTransactions, 1);
  await w.clock.advance(1);
  t.is(w.stack.stats().serverTransactions, 0, 'Timer J, 32 s after the OPTIONS was answered');
  await end(w);
});

test('stopping the stack lets its held transactions go, and leaves no timer armed', async (t) => {
  const core = new RecordingCore();
  core.onRequest = (r, tx) => tx?.respond(createResponse(r, 200));
  const w = await world(core);
  w.peer.send(options(w, 'z9hG4bKstop1'), w.port);
  await w.peer.next();
  await until(w, () => w.runtime.stats().processes === w.idle);
  t.is(w.stack.stats().serverTransactions, 1);
  await end(w);
  t.is(w.stack.stats().serverTransactions, 0);
  t.is(w.clock.pendingTimers, 0);
});
