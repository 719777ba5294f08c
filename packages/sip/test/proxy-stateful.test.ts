// The stateful proxy core end to end on loopback: raw UDP peers as UAC and UASes around a stack
// whose core is `statefulProxy`. Timers (transactions, Timer C) run on a virtual clock.
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import {
  createResponse,
  formatUri,
  parseMessage,
  paramValue,
  serializeMessage,
  startStack,
  statefulProxy,
  statelessProxy,
  parseUri,
  type ProxyTarget,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  type SipStack,
  type StatefulProxyOptions,
} from '@switchboard/sip';
import { UdpPeer, request as raw } from '@switchboard/test-support';

type Peer = UdpPeer<SipMessage>;

interface World {
  readonly stack: SipStack;
  readonly clock: VirtualClock;
  readonly port: number;
  readonly uac: Peer;
  readonly uases: Peer[];
  close(): Promise<void>;
}

async function world(uasCount: number, options: (uases: Peer[]) => StatefulProxyOptions): Promise<World> {
  const clock = new VirtualClock();
  const uac = await UdpPeer.open(parseMessage);
  const uases: Peer[] = [];
  for (let i = 0; i < uasCount; i++) uases.push(await UdpPeer.open(parseMessage));
  const stack = await startStack(new Runtime({ clock }), { listen: [{ transport: 'udp', port: 0 }], core: statefulProxy(options(uases)) });
  return {
    stack,
    clock,
    port: stack.listener('UDP')!.port,
    uac,
    uases,
    close: async () => {
      await stack.stop();
      for (const peer of [uac, ...uases]) peer.close();
    },
  };
}

const to = (peer: Peer): ProxyTarget => ({ uri: parseUri(`sip:uas@127.0.0.1:${peer.port}`) });

function invite(w: World, branch: string, method = 'INVITE', user = 'service', extra: string[] = []): string {
  return raw([
    `${method} sip:${user}@127.0.0.1:${w.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${w.uac.port};branch=${branch};rport`,
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1>;tag=alice',
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: call-${branch}`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:alice@127.0.0.1:${w.uac.port}>`,
    ...extra,
  ]);
}

/** The next request a peer receives, skipping retransmissions of the ones already seen. */
async function nextRequest(peer: Peer, method: string): Promise<SipRequest> {
  for (;;) {
    const message = await peer.next();
    if (message.kind === 'request' && message.method === method) return message;
  }
}

/** The next response with `status`, skipping others (100 Trying, retransmissions). */
async function nextStatus(peer: Peer, status: number, skip: number[] = [100]): Promise<SipResponse> {
  for (;;) {
    const message = await peer.next();
    if (message.kind !== 'response') continue;
    if (message.status === status) return message;
    if (!skip.includes(message.status)) throw new Error(`expected ${status}, got ${message.status} ${message.cseq?.method}`);
  }
}

/** A UAS peer answers a request it received, back to the proxy. */
function answer(w: World, peer: Peer, request: SipRequest, status: number, toTag = 'uas'): void {
  const response = createResponse(request, status, { toTag, headers: status >= 200 && status < 300 ? [['Contact', `<sip:uas@127.0.0.1:${peer.port}>`]] : [] });
  for (const rr of request.headers.getAll('Record-Route')) response.headers.append('Record-Route', rr);
  peer.sendBytes(serializeMessage(response), w.port);
}

test('a call through the proxy: Record-Route with lr, Max-Forwards less one, 180 and 200 upstream, ACK and BYE follow the route', async (t) => {
  const w = await world(1, ([uas]) => ({ locate: () => [to(uas!)] }));
  try {
    w.uac.send(invite(w, 'z9hG4bKcall1'), w.port);
    const forwarded = await nextRequest(w.uases[0]!, 'INVITE');
    t.deepEqual(forwarded.headers.all('record-route').map((r) => formatUri(r.uri)), [`sip:127.0.0.1:${w.port};lr`]);
    t.is(forwarded.headers.first('max-forwards'), 69);
    t.is(forwarded.via.length, 2);
    t.is(formatUri(forwarded.uri), `sip:uas@127.0.0.1:${w.uases[0]!.port}`);
    answer(w, w.uases[0]!, forwarded, 180);
    answer(w, w.uases[0]!, forwarded, 200);
    await nextStatus(w.uac, 180);
    const ok = await nextStatus(w.uac, 200, [100, 180]);
    t.is(ok.via.length, 1);
    t.deepEqual(ok.headers.all('record-route').map((r) => formatUri(r.uri)), [`sip:127.0.0.1:${w.port};lr`]);
    // The UAC's ACK and BYE: Request-URI the remote target, Route the recorded proxy (§12.2.1.1).
    const inDialog = (method: string, branch: string, seq: number): string =>
      raw([
        `${method} sip:uas@127.0.0.1:${w.uases[0]!.port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${w.uac.port};branch=${branch};rport`,
        `Route: <sip:127.0.0.1:${w.port};lr>`,
        'Max-Forwards: 70',
        'From: <sip:alice@127.0.0.1>;tag=alice',
        'To: <sip:service@127.0.0.1>;tag=uas',
        'Call-ID: call-z9hG4bKcall1',
        `CSeq: ${seq} ${method}`,
      ]);
    w.uac.send(inDialog('ACK', 'z9hG4bKack1', 1), w.port);
    const ack = await nextRequest(w.uases[0]!, 'ACK');
    t.false(ack.headers.has('Route'));
    t.is(ack.headers.first('max-forwards'), 69);
    w.uac.send(inDialog('BYE', 'z9hG4bKbye1', 2), w.port);
    const bye = await nextRequest(w.uases[0]!, 'BYE');
    t.false(bye.headers.has('Route'));
    t.false(bye.headers.has('Record-Route'));
    answer(w, w.uases[0]!, bye, 200);
    const byeOk = await nextStatus(w.uac, 200);
    t.is(byeOk.cseq?.method, 'BYE');
  } finally {
    await w.close();
  }
});

test('parallel forking: a 486 on one branch waits, the 200 on the other goes upstream and the 486 never does', async (t) => {
  const w = await world(2, (uases) => ({ locate: () => uases.map(to) }));
  try {
    w.uac.send(invite(w, 'z9hG4bKfork1'), w.port);
    const [a, b] = w.uases as [Peer, Peer];
    const atA = await nextRequest(a, 'INVITE');
    const atB = await nextRequest(b, 'INVITE');
    t.not(paramValue(atA.topVia!.params, 'branch'), paramValue(atB.topVia!.params, 'branch'));
    answer(w, a, atA, 486, 'a');
    await nextRequest(a, 'ACK'); // the branch's client transaction ACKs the 486 (§17.1.1.3)
    answer(w, b, atB, 180, 'b');
    await nextStatus(w.uac, 180);
    answer(w, b, atB, 200, 'b');
    const ok = await nextStatus(w.uac, 200, [100, 180]);
    t.is(paramValue(ok.to!.params, 'tag'), 'b');
  } finally {
    await w.close();
  }
});

test('§16.7 step 5: a 6xx cancels the other branches and is the answer; the best of the rest loses', async (t) => {
  const w = await world(2, (uases) => ({ locate: () => uases.map(to) }));
  try {
    w.uac.send(invite(w, 'z9hG4bKsix1'), w.port);
    const [a, b] = w.uases as [Peer, Peer];
    const atA = await nextRequest(a, 'INVITE');
    const atB = await nextRequest(b, 'INVITE');
    answer(w, a, atA, 180, 'a');
    await nextStatus(w.uac, 180);
    answer(w, b, atB, 603, 'b');
    const cancel = await nextRequest(a, 'CANCEL');
    t.is(paramValue(cancel.topVia!.params, 'branch'), paramValue(atA.topVia!.params, 'branch'));
    answer(w, a, cancel, 200, 'a');
    answer(w, a, atA, 487, 'a');
    const final = await nextStatus(w.uac, 603, [100, 180]);
    t.is(final.via.length, 1);
  } finally {
    await w.close();
  }
});

test('§16.7 step 6: with no 2xx and no 6xx, the lowest class wins (a 486 over a 500)', async (t) => {
  const w = await world(2, (uases) => ({ locate: () => uases.map(to) }));
  try {
    w.uac.send(invite(w, 'z9hG4bKbest1'), w.port);
    const [a, b] = w.uases as [Peer, Peer];
    answer(w, a, await nextRequest(a, 'INVITE'), 500, 'a');
    answer(w, b, await nextRequest(b, 'INVITE'), 486, 'b');
    const best = await nextStatus(w.uac, 486);
    t.is(paramValue(best.to!.params, 'tag'), 'b');
  } finally {
    await w.close();
  }
});

test('sequential forking: the second target gets the INVITE only after the first answered 480', async (t) => {
  const w = await world(2, (uases) => ({ locate: () => uases.map(to), forking: 'sequential' }));
  try {
    w.uac.send(invite(w, 'z9hG4bKseq1'), w.port);
    const [a, b] = w.uases as [Peer, Peer];
    const atA = await nextRequest(a, 'INVITE');
    t.is(b.pending, 0);
    answer(w, a, atA, 480, 'a');
    const atB = await nextRequest(b, 'INVITE');
    answer(w, b, atB, 200, 'b');
    const ok = await nextStatus(w.uac, 200);
    t.is(paramValue(ok.to!.params, 'tag'), 'b');
  } finally {
    await w.close();
  }
});

test('§16.10: a CANCEL from upstream is answered and sent to the pending branch; its 487 goes upstream', async (t) => {
  const w = await world(1, ([uas]) => ({ locate: () => [to(uas!)] }));
  try {
    w.uac.send(invite(w, 'z9hG4bKcan1'), w.port);
    const uas = w.uases[0]!;
    const atUas = await nextRequest(uas, 'INVITE');
    answer(w, uas, atUas, 180);
    await nextStatus(w.uac, 180);
    w.uac.send(invite(w, 'z9hG4bKcan1', 'CANCEL'), w.port);
    const cancelOk = await nextStatus(w.uac, 200, [100, 180]);
    t.is(cancelOk.cseq?.method, 'CANCEL');
    const cancel = await nextRequest(uas, 'CANCEL');
    t.is(paramValue(cancel.topVia!.params, 'branch'), paramValue(atUas.topVia!.params, 'branch'));
    answer(w, uas, cancel, 200);
    answer(w, uas, atUas, 487);
    const terminated = await nextStatus(w.uac, 487, [100, 180]);
    t.is(terminated.cseq?.method, 'INVITE');
  } finally {
    await w.close();
  }
});

test('Timer C: a branch ringing too long is cancelled (§16.8); one never answering counts as 408', async (t) => {
  const w = await world(1, ([uas]) => ({ locate: () => [to(uas!)], timers: { C: 200_000 } }));
  try {
    const uas = w.uases[0]!;
    w.uac.send(invite(w, 'z9hG4bKtc1'), w.port);
    const atUas = await nextRequest(uas, 'INVITE');
    answer(w, uas, atUas, 180);
    await nextStatus(w.uac, 180);
    await w.clock.advance(199_000);
    t.is(uas.pending, 0); // still ringing: no CANCEL before Timer C
    await w.clock.advance(1_000);
    const cancel = await nextRequest(uas, 'CANCEL');
    answer(w, uas, cancel, 200);
    answer(w, uas, atUas, 487);
    await nextStatus(w.uac, 487, [100, 180]);
  } finally {
    await w.close();
  }
});

test('Timer C on a branch with no provisional response: the UAC gets 408', async (t) => {
  const w = await world(1, ([uas]) => ({ locate: () => [to(uas!)], timers: { C: 10_000 } }));
  try {
    w.uac.send(invite(w, 'z9hG4bKtc2'), w.port);
    await nextRequest(w.uases[0]!, 'INVITE');
    await nextStatus(w.uac, 100);
    await w.clock.advance(10_000);
    const timeout = await nextStatus(w.uac, 408);
    t.is(timeout.cseq?.method, 'INVITE');
  } finally {
    await w.close();
  }
});

test('§16.3: 483 for Max-Forwards 0, 420 for an unsupported Proxy-Require, 482 for a request that loops back', async (t) => {
  const w = await world(0, () => ({ locate: (request) => [{ uri: request.uri }] }));
  try {
    w.uac.send(invite(w, 'z9hG4bKmf0', 'OPTIONS', 'service', []).replace('Max-Forwards: 70', 'Max-Forwards: 0'), w.port);
    await nextStatus(w.uac, 483);
    w.uac.send(invite(w, 'z9hG4bKpr1', 'OPTIONS', 'service', ['Proxy-Require: foo']), w.port);
    const bad = await nextStatus(w.uac, 420);
    t.deepEqual(bad.headers.all('unsupported'), ['foo']);
    // locate sends the request back to this proxy unchanged: the second pass is a loop
    w.uac.send(invite(w, 'z9hG4bKloop1', 'OPTIONS'), w.port);
    await nextStatus(w.uac, 482);
  } finally {
    await w.close();
  }
});

test('a stateless proxy with cancel: core forwards the CANCEL with its INVITE branch (§16.11)', async (t) => {
  const uac = await UdpPeer.open(parseMessage);
  const uas = await UdpPeer.open(parseMessage);
  const stack = await startStack(new Runtime({ clock: new VirtualClock() }), { listen: [{ transport: 'udp', port: 0 }], core: statelessProxy({ route: () => to(uas) }), cancel: 'core' });
  const w = { port: stack.listener('UDP')!.port, uac } as unknown as World;
  try {
    uac.send(invite(w, 'z9hG4bKsl1'), w.port);
    const atUas = await nextRequest(uas, 'INVITE');
    t.is(atUas.headers.first('max-forwards'), 69);
    uac.send(invite(w, 'z9hG4bKsl1', 'CANCEL'), w.port);
    const cancel = await nextRequest(uas, 'CANCEL');
    t.is(paramValue(cancel.topVia!.params, 'branch'), paramValue(atUas.topVia!.params, 'branch'));
    uas.sendBytes(serializeMessage(createResponse(cancel, 200, { toTag: 'uas' })), w.port);
    const ok = await nextStatus(uac, 200);
    t.is(ok.cseq?.method, 'CANCEL');
    t.is(ok.via.length, 1);
  } finally {
    await stack.stop();
    uac.close();
    uas.close();
  }
});
