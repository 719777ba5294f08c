// SIP over WebSocket (RFC 7118) against the `ws` package's client: the `sip` subprotocol is
// required (§4.1); a request and its response, one per WebSocket message, text or binary, without
// Content-Length (§5.1); our Vias say WS (§5.2.1); a request to a Contact the client registered
// goes back over its WebSocket (§5); the TCP limits hold (connections per address, message size,
// idle and partial-frame timeouts on a virtual clock); CRLF keep-alives are answered (§6).
import { once } from 'node:events';
import { connect } from 'node:net';
import test from 'ava';
import WebSocket from 'ws';
import { Runtime, VirtualClock } from '@switchboard/actor';
import { createRequest, createResponse, parseMessage, parseUri, startStack, SipTransportError, type Core, type NameAddr, type SipMessage, type SipRequest, type SipResponse, type SipStack, type StackOptions } from '@switchboard/sip';

/** Polls `done` between turns of the event loop (settling a virtual clock), at most about 5 s. */
async function until(done: () => boolean, what: string, clock?: VirtualClock): Promise<void> {
  for (let turn = 0; turn < 2500 && !done(); turn++) {
    if (clock !== undefined) await clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (!done()) throw new Error(`never: ${what}`);
}

/** A core that answers REGISTER and OPTIONS 200 and records what reaches it. */
function recordingCore(requests: SipRequest[], responses: SipResponse[]): (stack: SipStack) => Core {
  return () => ({
    receiveRequest(request, transaction) {
      requests.push(request);
      transaction?.respond(createResponse(request, request.method === 'REGISTER' || request.method === 'OPTIONS' ? 200 : 501));
    },
    receiveResponse(response, transaction) {
      // only responses matched to a client transaction are kept: a stray one would be a failure
      if (transaction !== null) responses.push(response);
    },
    receiveError() {},
  });
}

async function wsStack(t: { teardown(fn: () => Promise<void> | void): void }, extra: Partial<StackOptions> = {}, clock?: VirtualClock) {
  const requests: SipRequest[] = [];
  const responses: SipResponse[] = [];
  const stack = await startStack(new Runtime(clock === undefined ? {} : { clock }), { listen: [{ transport: 'ws', port: 0 }], core: recordingCore(requests, responses), ...extra });
  t.teardown(() => stack.stop());
  return { stack, requests, responses, url: `ws://127.0.0.1:${stack.listener('WS')!.port}/` };
}

/** A `ws` client speaking `sip`, with every message it receives parsed (CRLF pongs kept raw). */
async function client(url: string, t: { teardown(fn: () => void): void }, protocols: string | string[] = 'sip', localAddress?: string) {
  const ws = new WebSocket(url, protocols, localAddress === undefined ? {} : { localAddress });
  const received: (SipMessage | string)[] = [];
  let closeCode: number | null = null;
  ws.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    received.push(/^(\r\n)+$/.test(text) ? text : parseMessage(data));
  });
  ws.on('close', (code) => (closeCode = code));
  ws.on('error', () => {});
  t.teardown(() => ws.terminate());
  await once(ws, 'open');
  return { ws, received, closed: () => closeCode };
}

function at(uri: string): NameAddr {
  return { displayName: null, uri: parseUri(uri), params: [] };
}

/** The HTTP status an upgrade is refused with. */
async function refusedWith(url: string, protocols?: string): Promise<number> {
  const ws = protocols === undefined ? new WebSocket(url) : new WebSocket(url, protocols);
  ws.on('error', () => {});
  const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number; destroy(): void }];
  response.destroy();
  return response.statusCode;
}

/** What SIP.js sends: a `.invalid` Via host, no Content-Length, a Contact with `;transport=ws`. */
function register(n: number, host = 'df7jal23ls0d.invalid'): string {
  return [
    `REGISTER sip:example.com SIP/2.0`,
    `Via: SIP/2.0/WS ${host};branch=z9hG4bKws${n}`,
    'Max-Forwards: 70',
    'To: <sip:alice@example.com>',
    'From: <sip:alice@example.com>;tag=ws1',
    `Call-ID: ws-register-${n}`,
    `CSeq: ${n} REGISTER`,
    `Contact: <sip:r0k2p1@${host};transport=ws>;expires=600`,
    '',
    '',
  ].join('\r\n');
}

test('an upgrade without the sip subprotocol is refused with 400 (RFC 7118 §4.1)', async (t) => {
  const { url, stack } = await wsStack(t);
  t.is(await refusedWith(url, 'chat'), 400);
  t.is(await refusedWith(url), 400);
  t.is(stack.stats().connections, 0);
});

test('a plain HTTP request to a WS listener is answered 426 Upgrade Required', async (t) => {
  const { stack } = await wsStack(t);
  const response = await fetch(`http://127.0.0.1:${stack.listener('WS')!.port}/`);
  t.is(response.status, 426);
  t.is(response.headers.get('upgrade'), 'websocket');
});

test('REGISTER over WS without Content-Length: 200 on the same WebSocket, one message per frame, Via WS with received', async (t) => {
  const { url, requests } = await wsStack(t);
  const c = await client(url, t);
  t.is(c.ws.protocol, 'sip');
  c.ws.send(register(1));
  await until(() => c.received.length === 1, 'the 200');
  const response = c.received[0] as SipResponse;
  t.is(response.kind, 'response');
  t.is(response.status, 200);
  t.is(response.topVia?.transport, 'WS');
  t.is(response.topVia?.host, 'df7jal23ls0d.invalid');
  // RFC 3261 §18.2.1 (RFC 7118 §5.2.3 lets a server leave it out; this stack writes it)
  t.deepEqual(response.topVia?.params.find(([name]) => name === 'received'), ['received', '127.0.0.1']);
  t.is(requests.length, 1);
  t.is(requests[0]!.method, 'REGISTER');
  // a binary frame carries a message too (§5.1)
  c.ws.send(Buffer.from(register(2)), { binary: true });
  await until(() => c.received.length === 2, 'the second 200');
  t.is((c.received[1] as SipResponse).status, 200);
});

test('a request to the registered .invalid Contact goes over the client’s WebSocket, with a WS Via (RFC 7118 §5)', async (t) => {
  const { url, stack, responses } = await wsStack(t);
  const c = await client(url, t);
  c.ws.send(register(1));
  await until(() => c.received.length === 1, 'the 200');
  const listener = stack.listener('WS')!;
  const message = createRequest({
    method: 'MESSAGE',
    uri: parseUri('sip:r0k2p1@df7jal23ls0d.invalid;transport=ws'),
    from: at('sip:gateway@example.com'),
    to: at('sip:alice@example.com'),
    body: 'hello over the WebSocket',
    contentType: 'text/plain',
  });
  const transaction = await stack.sendRequest(message);
  t.is(transaction?.destination.transport, 'WS');
  await until(() => c.received.length === 2, 'the MESSAGE');
  const got = c.received[1] as SipRequest;
  t.is(got.method, 'MESSAGE');
  t.is(got.body.toString(), 'hello over the WebSocket');
  t.is(got.topVia?.transport, 'WS');
  t.is(got.topVia?.port, listener.port);
  // the client answers over the same WebSocket; the transaction takes the 200
  c.ws.send(
    [
      'SIP/2.0 200 OK',
      ...got.headers.values('Via').map((v) => `Via: ${v}`),
      `From: ${got.headers.get('From')}`,
      `To: ${got.headers.get('To')};tag=b1`,
      `Call-ID: ${got.callId}`,
      `CSeq: ${got.headers.get('CSeq')}`,
      '',
      '',
    ].join('\r\n'),
  );
  await until(() => responses.length > 0, 'the 200 taken by the MESSAGE transaction');
  t.is(responses[0]!.status, 200);

  // a second client cannot take the first one's Contact host while it is connected
  const other = await client(url, t);
  other.ws.send(register(9));
  await until(() => other.received.length === 1, 'the other 200');
  await stack.sendRequest(createRequest({ method: 'OPTIONS', uri: parseUri('sip:r0k2p1@df7jal23ls0d.invalid;transport=ws'), from: at('sip:gateway@example.com'), to: at('sip:alice@example.com') }));
  await until(() => c.received.length === 3, 'the OPTIONS on the first WebSocket');
  t.is((c.received[2] as SipRequest).method, 'OPTIONS');
  t.is(other.received.length, 1);

  // once the WebSocket closes, the contact is unreachable: the stack never opens one to a client
  c.ws.close();
  other.ws.close();
  await until(() => stack.stats().connections === 0, 'the connections closed');
  const error = await t.throwsAsync(stack.sendRequest(createRequest({ method: 'MESSAGE', uri: parseUri('sip:r0k2p1@df7jal23ls0d.invalid;transport=ws'), from: at('sip:gateway@example.com'), to: at('sip:alice@example.com') })), { instanceOf: SipTransportError });
  t.is(error?.code, 'ERR_SIP_TRANSPORT');
});

test('a message that does not parse is answered 400 and the WebSocket stays open', async (t) => {
  const { url } = await wsStack(t);
  const c = await client(url, t);
  c.ws.send('OPTIONS sip:x@example.com SIP/2.0\r\nVia: SIP/2.0/WS h.invalid;branch=z9hG4bKbad\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:x@example.com>\r\nCall-ID: bad\r\nCSeq: x OPTIONS\r\n\r\n');
  await until(() => c.received.length === 1, 'the 400');
  t.is((c.received[0] as SipResponse).status, 400);
  c.ws.send(register(3));
  await until(() => c.received.length === 2, 'the 200');
  t.is((c.received[1] as SipResponse).status, 200);
  t.is(c.closed(), null);
});

test('CRLF keep-alive: a double CRLF is answered with a CRLF (RFC 7118 §6, RFC 5626 §3.5.1)', async (t) => {
  const { url } = await wsStack(t);
  const c = await client(url, t);
  c.ws.send('\r\n\r\n');
  await until(() => c.received.length === 1, 'the pong');
  t.is(c.received[0], '\r\n');
});

test('limits: connections per address, message size (1009)', async (t) => {
  const { url, stack } = await wsStack(t, { maxConnectionsPerAddress: 2, limits: { maxMessageSize: 2000 } });
  const a = await client(url, t);
  await client(url, t);
  await until(() => stack.stats().connections === 2, 'two connections');
  t.is(await refusedWith(url, 'sip'), 503);
  // another address is not held back by 127.0.0.1's count
  const fromOther = await client(url, t, 'sip', '127.0.0.2');
  t.is(fromOther.ws.readyState, WebSocket.OPEN);
  // a WebSocket message over maxMessageSize closes the connection with 1009 (RFC 6455 §7.4.1)
  a.ws.send(register(1) + 'x'.repeat(3000));
  await until(() => a.closed() !== null, 'the oversized message closed the connection');
  t.is(a.closed(), 1009);
});

test('idle and partial-frame timeouts close WebSockets (virtual clock)', async (t) => {
  const clock = new VirtualClock();
  const { url, stack } = await wsStack(t, { idleTimeout: 10_000, partialMessageTimeout: 5_000 }, clock);
  const idle = await client(url, t);
  await until(() => stack.stats().connections === 1, 'accepted', clock);
  await clock.advance(9_000);
  idle.ws.send('\r\n\r\n'); // a keep-alive is traffic
  await until(() => idle.received.length === 1, 'the pong', clock);
  await clock.advance(9_000);
  t.is(idle.closed(), null, 'the keep-alive kept it open');
  await clock.advance(1_500);
  await until(() => idle.closed() !== null, 'closed when idle', clock);
  t.is(idle.closed(), 1001);

  // a raw socket that upgrades, then trickles the first two octets of a frame and stops
  const port = stack.listener('WS')!.port;
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  t.teardown(() => socket.destroy());
  await once(socket, 'connect');
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n`);
  await once(socket, 'data');
  await until(() => stack.stats().connections === 1, 'the raw WebSocket accepted', clock);
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.write(Buffer.from([0x81, 0xfe])); // a masked text frame's first octets, its length still to come
  await until(() => stack.transports.allConnections()[0]!.socket.bytesRead > 0, 'the octets read', clock);
  await clock.advance(0);
  await clock.advance(5_000);
  await until(() => closed, 'closed for holding part of a frame', clock);
  t.is(stack.stats().connections, 0);
});
