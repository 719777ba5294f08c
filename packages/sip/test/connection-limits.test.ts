// Stream connection limits on loopback: at most `maxConnectionsPerAddress` connections with one
// remote address; the idle timer moves on whole messages and pings only, never on octets of a
// message; a message left partial for `partialMessageTimeout` closes the connection (slowloris).
// Timers run on a virtual clock; sockets are real.
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import { exampleUas, startStack, type SipStack } from '@switchboard/sip';
import { request } from '@switchboard/test-support';

/** Polls `done` between turns of the event loop (and settles the virtual clock), up to a safety limit. */
async function until(done: () => boolean, what: string, clock?: VirtualClock): Promise<void> {
  for (let turn = 0; turn < 5000 && !done(); turn++) {
    if (clock !== undefined) await clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (!done()) throw new Error(`never: ${what}`);
}

async function open(port: number, localAddress = '127.0.0.1'): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  await once(socket, 'connect');
  return { socket, closed: () => closed };
}

/** The octets the stack's side of the connection has read so far (all connections). */
function bytesRead(stack: SipStack): number {
  return stack.transports.allConnections().reduce((sum, c) => sum + c.socket.bytesRead, 0);
}

/** Writes and waits until the stack's process has had the octets (read, then the clock settled). */
async function deliver(stack: SipStack, clock: VirtualClock, socket: Socket, text: string): Promise<void> {
  const target = bytesRead(stack) + Buffer.byteLength(text);
  socket.write(text);
  await until(() => bytesRead(stack) >= target, 'the octets were read', clock);
  await clock.advance(0);
}

const OPTIONS = (port: number, n: number): string =>
  request([`OPTIONS sip:uas@127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKconn${n}`, 'From: <sip:c@127.0.0.1>;tag=c1', 'To: <sip:uas@127.0.0.1>', `Call-ID: conn-${n}`, `CSeq: ${n} OPTIONS`, 'Max-Forwards: 70']);

test('maxConnectionsPerAddress: a third connection from 127.0.0.1 is refused; one from 127.0.0.2 is not', async (t) => {
  const stack = await startStack(new Runtime(), { listen: [{ transport: 'tcp', port: 0 }], core: exampleUas(), maxConnectionsPerAddress: 2 });
  const port = stack.listener('TCP')!.port;
  const sockets: Socket[] = [];
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await stack.stop();
  });
  for (let i = 0; i < 2; i++) sockets.push((await open(port)).socket);
  await until(() => stack.stats().connections === 2, 'two connections');
  const third = await open(port);
  sockets.push(third.socket);
  await until(() => third.closed() || stack.stats().connections > 2, 'the third connection settled');
  t.true(third.closed(), 'the third connection from 127.0.0.1 was closed');
  t.is(stack.stats().connections, 2);
  const other = await open(port, '127.0.0.2');
  sockets.push(other.socket);
  await until(() => other.closed() || stack.stats().connections === 3, 'the connection from 127.0.0.2 settled');
  t.false(other.closed());
  t.is(stack.stats().connections, 3);
});

test('idle timeout: octets of an unfinished message do not keep a connection; a whole message does', async (t) => {
  const clock = new VirtualClock();
  const stack = await startStack(new Runtime({ clock }), { listen: [{ transport: 'tcp', port: 0 }], core: exampleUas(), idleTimeout: 10_000, partialMessageTimeout: Infinity });
  const port = stack.listener('TCP')!.port;
  const { socket, closed } = await open(port);
  t.teardown(async () => {
    socket.destroy();
    await stack.stop();
  });
  await until(() => stack.stats().connections === 1, 'accepted', clock);
  // t = 0: a whole message and its answer
  const answered = once(socket, 'data');
  await deliver(stack, clock, socket, OPTIONS(port, 1));
  await answered;
  // then one octet of the next message every 3 s
  const next = OPTIONS(port, 2);
  await clock.advance(3_000);
  await deliver(stack, clock, socket, next.slice(0, 1));
  await clock.advance(3_000);
  await deliver(stack, clock, socket, next.slice(1, 2));
  await clock.advance(3_000);
  await deliver(stack, clock, socket, next.slice(2, 3));
  t.is(stack.stats().connections, 1, 'open at 9 s');
  await clock.advance(2_000);
  t.is(stack.stats().connections, 0, 'closed 10 s after the last whole message, octets since notwithstanding');
  await until(closed, 'the client saw the close', clock);
  t.pass();
});

test('partialMessageTimeout: a message trickled in too slowly closes the connection; one finished in time does not', async (t) => {
  const clock = new VirtualClock();
  const stack = await startStack(new Runtime({ clock }), { listen: [{ transport: 'tcp', port: 0 }], core: exampleUas(), idleTimeout: Infinity, partialMessageTimeout: 5_000 });
  const port = stack.listener('TCP')!.port;
  const slow = await open(port);
  const fast = await open(port);
  t.teardown(async () => {
    slow.socket.destroy();
    fast.socket.destroy();
    await stack.stop();
  });
  await until(() => stack.stats().connections === 2, 'accepted', clock);
  const message = OPTIONS(port, 3);
  await deliver(stack, clock, slow.socket, message.slice(0, 20));
  await deliver(stack, clock, fast.socket, message.slice(0, 20));
  await clock.advance(4_000);
  // at 4 s: one more octet on the slow one, the rest of the message on the fast one
  await deliver(stack, clock, slow.socket, message.slice(20, 21));
  const answered = once(fast.socket, 'data');
  await deliver(stack, clock, fast.socket, message.slice(20));
  await answered;
  t.is(stack.stats().connections, 2);
  await clock.advance(1_500);
  await until(slow.closed, 'the slow connection was closed', clock);
  t.false(fast.closed(), 'the connection that finished its message stays');
  t.is(stack.stats().connections, 1);
});
