// Transaction admission (RFC 3261 §21.5.4, §20.33): past `maxTransactions` a new request is
// answered 503 with a Retry-After, statelessly, without starting a process; below it again, new
// requests are admitted. The default is finite.
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import { DEFAULT_STACK_LIMITS, createResponse, parseMessage, startStack, type Core, type ServerTransaction, type SipMessage, type SipRequest, type SipResponse } from '@switchboard/sip';
import { UdpPeer, request } from '@switchboard/test-support';

/** A core that holds every request unanswered until told. */
class HoldingCore implements Core {
  readonly held: [SipRequest, ServerTransaction | null][] = [];
  receiveRequest(r: SipRequest, tx: ServerTransaction | null): void {
    this.held.push([r, tx]);
  }
  receiveResponse(): void {}
  receiveError(): void {}
}

function options(stackPort: number, peerPort: number, n: number): string {
  return request([
    `OPTIONS sip:uas@127.0.0.1:${stackPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peerPort};branch=z9hG4bKlimit${n};rport`,
    'From: <sip:flood@127.0.0.1>;tag=f1',
    'To: <sip:uas@127.0.0.1>',
    `Call-ID: limit-${n}`,
    `CSeq: ${n} OPTIONS`,
    'Max-Forwards: 70',
  ]);
}

test('past maxTransactions: 503 with Retry-After, no process started, the core never sees it; room again admits', async (t) => {
  const clock = new VirtualClock();
  const runtime = new Runtime({ clock });
  const core = new HoldingCore();
  const stack = await startStack(runtime, { listen: [{ transport: 'udp', port: 0 }], core: () => core, maxTransactions: 3, retryAfter: 7 });
  const port = stack.listener('UDP')!.port;
  const peer = await UdpPeer.open<SipMessage>((b) => parseMessage(b));
  t.teardown(async () => {
    peer.close();
    await stack.stop();
  });
  for (let n = 1; n <= 3; n++) {
    peer.send(options(port, peer.port, n), port);
    while (core.held.length < n) await clock.advance(0);
  }
  t.is(stack.stats().serverTransactions, 3);
  const processes = runtime.stats().processes;
  for (let n = 4; n <= 13; n++) {
    peer.send(options(port, peer.port, n), port);
    const answer = (await peer.next()) as SipResponse;
    t.is(answer.status, 503);
    t.is(answer.reason, 'Service Unavailable (transaction limit)');
    t.is(answer.headers.get('Retry-After'), '7');
    t.is(answer.cseq!.seq, n);
  }
  t.is(runtime.stats().processes, processes, 'no process was started (or tried) for the refused requests');
  t.is(core.held.length, 3);
  t.is(stack.stats().serverTransactions, 3);
  // one answered and its Timer J over: room for one more
  const [first, tx] = core.held[0]!;
  tx!.respond(createResponse(first, 200));
  t.is(((await peer.next()) as SipResponse).status, 200);
  await clock.advance(64 * 500);
  t.true(stack.stats().serverTransactions < 3);
  peer.send(options(port, peer.port, 14), port);
  while (core.held.length < 4) await clock.advance(0);
  t.is(core.held[3]![0].cseq!.seq, 14);
});

test('maxTransactions has a finite default', (t) => {
  t.is(DEFAULT_STACK_LIMITS.maxTransactions, 50_000);
  t.true(Number.isFinite(DEFAULT_STACK_LIMITS.maxTransactions));
});
