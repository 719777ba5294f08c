// Hostile input that gets past the transport: a bare CR in a header, a header that is bad only
// when the core reads it, a core that throws, rejects or never answers. Each request is answered
// (or its transaction ends), and the core goes on serving the next one.
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import { createResponse, parseMessage, startStack, TransactionTimeoutError, type Core, type ServerTransaction, type SipRequest, type SipResponse } from '@switchboard/sip';
import { UdpPeer } from '@switchboard/test-support';

function message(port: number, peer: number, branch: string, extra: string[] = [], from = '<sip:alice@127.0.0.1>;tag=1'): Buffer {
  return Buffer.from(
    [
      `MESSAGE sip:bob@127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${peer};branch=${branch}`,
      `From: ${from}`,
      `To: <sip:bob@127.0.0.1:${port}>`,
      `Call-ID: ${branch}`,
      'CSeq: 1 MESSAGE',
      'Max-Forwards: 70',
      ...extra,
      'Content-Length: 2',
      '',
      'hi',
    ].join('\r\n'),
  );
}

/** A core that reads Content-Type (as a MESSAGE endpoint does) and misbehaves on demand. */
class FragileCore implements Core {
  readonly errors: Error[] = [];
  receiveRequest(request: SipRequest, transaction: ServerTransaction | null): void | Promise<void> {
    const mode = request.headers.get('X-Mode');
    if (mode === 'throw') throw new TypeError('a bug in the core');
    if (mode === 'reject') return Promise.reject(new RangeError('an async bug in the core'));
    if (mode === 'silent') return;
    void request.headers.first('content-type'); // a late read: throws on a bad value
    transaction?.respond(createResponse(request, 200));
  }
  receiveResponse(_response: SipResponse): void {}
  receiveError(error: Error): void {
    this.errors.push(error);
  }
}

async function setup(): Promise<{ core: FragileCore; clock: VirtualClock; port: number; peer: UdpPeer<ReturnType<typeof parseMessage>>; stop: () => Promise<void> }> {
  const clock = new VirtualClock();
  const core = new FragileCore();
  const stack = await startStack(new Runtime({ clock }), { listen: [{ transport: 'udp', port: 0 }], core: () => core, timers: { t1: 50 } });
  const peer = await UdpPeer.open(parseMessage);
  return {
    core,
    clock,
    port: stack.listener('UDP')!.port,
    peer,
    stop: async () => {
      peer.close();
      await stack.stop();
    },
  };
}

test('a bare CR in From, Call-ID or Via is refused by the parser with 400 naming the header', async (t) => {
  for (const [name, bytes] of [
    ['From', (port: number, peer: number) => message(port, peer, 'z9hG4bKcr1', [], '"a\rb" <sip:alice@127.0.0.1>;tag=1')],
    ['Call-ID', (port: number, peer: number) => Buffer.from(message(port, peer, 'z9hG4bKcr2').toString('latin1').replace('Call-ID: z9hG4bKcr2', 'Call-ID: a\rb'), 'latin1')],
    ['Via', (port: number, peer: number) => Buffer.from(message(port, peer, 'z9hG4bKcr3').toString('latin1').replace(';branch=z9hG4bKcr3', ';branch=z9hG4bKcr3;x=a\rb'), 'latin1')],
  ] as const) {
    t.throws(() => parseMessage(bytes(5060, 5070)), { message: new RegExp(`^${name}: a bare CR`) });
  }
  const { port, peer, stop } = await setup();
  peer.sendBytes(message(port, peer.port, 'z9hG4bKcr4', [], '"a\rb" <sip:alice@127.0.0.1>;tag=1'), port);
  const answer = (await peer.next()) as SipResponse;
  t.is(answer.status, 400);
  t.regex(answer.reason, /bare CR/);
  await stop();
});

test('a header bad only when the core reads it gets 400 naming it; a core that throws or rejects gets 500; the core goes on', async (t) => {
  const { port, peer, stop } = await setup();
  peer.sendBytes(message(port, peer.port, 'z9hG4bKlate1', ['Content-Type: text/']), port);
  const bad = (await peer.next()) as SipResponse;
  t.is(bad.status, 400);
  t.regex(bad.reason, /Content-Type/);
  peer.sendBytes(message(port, peer.port, 'z9hG4bKlate2', ['X-Mode: throw']), port);
  t.is(((await peer.next()) as SipResponse).status, 500);
  peer.sendBytes(message(port, peer.port, 'z9hG4bKlate3', ['X-Mode: reject']), port);
  t.is(((await peer.next()) as SipResponse).status, 500);
  // 1,000 poison requests in a row (past any restart intensity): each answered, the core alive
  for (let i = 0; i < 1000; i++) peer.sendBytes(message(port, peer.port, `z9hG4bKflood${i}`, ['Content-Type: text/']), port);
  for (let i = 0; i < 1000; i++) t.is(((await peer.next()) as SipResponse).status, 400);
  peer.sendBytes(message(port, peer.port, 'z9hG4bKgood', ['Content-Type: text/plain']), port);
  t.is(((await peer.next()) as SipResponse).status, 200, 'the same core answers a good request');
  await stop();
});

test('a non-INVITE request the core never answers ends at Timer F, and the core hears of it', async (t) => {
  const { core, clock, port, peer, stop } = await setup();
  peer.sendBytes(message(port, peer.port, 'z9hG4bKsilent', ['X-Mode: silent']), port);
  await clock.advance(0);
  await clock.advance(64 * 50);
  await clock.advance(0);
  t.is(core.errors.length, 1);
  t.true(core.errors[0] instanceof TransactionTimeoutError);
  t.is((core.errors[0] as TransactionTimeoutError).timer, 'F');
  t.is(peer.pending, 0, 'nothing is sent: the client has given up by then');
  await stop();
});
