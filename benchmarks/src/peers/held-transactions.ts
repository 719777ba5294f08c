// Heap per live held transaction, in one process: `held-transactions.ts KIND N`. N transactions
// over UDP with a socket in the same process, paced so that none is lost, each brought to the
// state where only its last timer is left, and measured there (the heap after full GCs, the
// ArrayBuffers and the RSS, before and after, over the live transactions the stack counts).
// KIND: `bare` (our stack answering OPTIONS 200: Completed, Timer J), `gateway` (the whole gateway,
// embedded simulator and scratch store, answering OPTIONS itself), `invite` (INVITEs answered 486
// and ACKed: Confirmed, Timer I), `accepted` (INVITEs answered 200, retransmitted until their ACK:
// Accepted, Timer L), `client` (the stack's OPTIONS answered 200 by the socket:
// Completed, Timer K); T4 is raised to 60 s so that I and K outlast the run. `xstate-server`,
// `xstate-invite`, `xstate-accepted`, `xstate-client`: started xstate actors of the same machines, brought to the same
// states, for scale. Prints one JSON line.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActor } from 'xstate';
import { Runtime } from '@switchboard/actor';
import { DEFAULT_TIMERS, createRequest, createResponse, inviteServerMachine, nonInviteClientMachine, nonInviteServerMachine, parseUri, startStack, transactionTimers, type SipStack } from '@switchboard/sip';
import { loadConfig, startGateway } from '@switchboard/gateway';

const [kind = 'bare', countText = '20000'] = process.argv.slice(2);
const count = Number(countText);
/** Requests in flight at once: what a UDP socket buffer takes without dropping. */
const WINDOW = 200;

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run with node --expose-gc');
function gc(): void {
  collect!();
  collect!();
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Figures {
  readonly kind: string;
  readonly live: number;
  readonly heapPerTransaction: number;
  readonly arrayBuffersPerTransaction: number;
  /** Resident set growth per transaction: what an operator sees (allocator slack and GC headroom included). */
  readonly rssPerTransaction: number;
  readonly seconds: number;
}

/** The machine of each held kind, as a started xstate actor brought to the same state. */
function startActor(timers: ReturnType<typeof transactionTimers>): { stop(): void } {
  if (kind === 'xstate-invite') {
    const actor = createActor(inviteServerMachine, { input: { timers } }).start();
    actor.send({ type: 'failure' });
    actor.send({ type: 'ack' });
    return actor;
  }
  if (kind === 'xstate-accepted') {
    const actor = createActor(inviteServerMachine, { input: { timers } }).start();
    actor.send({ type: 'success' });
    return actor;
  }
  const machine = kind === 'xstate-client' ? nonInviteClientMachine : nonInviteServerMachine;
  const actor = createActor(machine, { input: { timers } }).start();
  actor.send({ type: 'final' });
  return actor;
}

async function xstateActors(): Promise<Figures> {
  const timers = transactionTimers(DEFAULT_TIMERS, false);
  gc();
  const before = process.memoryUsage();
  const actors = [];
  for (let i = 0; i < count; i++) actors.push(startActor(timers));
  gc();
  const after = process.memoryUsage();
  const figures = { kind, live: actors.length, heapPerTransaction: Math.round((after.heapUsed - before.heapUsed) / count), arrayBuffersPerTransaction: Math.round((after.arrayBuffers - before.arrayBuffers) / count), rssPerTransaction: Math.round((after.rss - before.rss) / count), seconds: 0 };
  for (const actor of actors) actor.stop();
  return figures;
}

/** One way of making transactions that end up held: a stack, and what the socket sends and answers. */
interface Scenario {
  readonly stack: SipStack;
  /** Starts exchange `i` (the stack or the socket sends its first message). */
  start(i: number, socket: Socket, port: number, own: number): void;
  /** A datagram from the stack; returns the exchange it finished, if it finished one. */
  receive(bytes: Buffer, socket: Socket, port: number): number | undefined;
  /** Exchanges finished outside `receive` (a client transaction's response reaching the core). */
  readonly finished: { count: number };
}

const run = `${process.pid}x${Date.now()}`;

function line(text: string, name: string): string {
  const at = text.indexOf(`\r\n${name}: `);
  return at < 0 ? '' : text.slice(at + name.length + 4, text.indexOf('\r\n', at + 2));
}

/** Which exchange a message belongs to: its Call-ID ends with the number. */
function exchangeOf(text: string): number {
  return Number(line(text, 'Call-ID').split('-').pop());
}

function serverRequest(method: string, i: number, port: number, own: number, toTag = '', extra = ''): Buffer {
  const user = method === 'REGISTER' ? '447700900123@127.0.0.1' : 'probe@127.0.0.1';
  return Buffer.from(
    `${method} sip:gateway@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK${run}s${i};rport\r\n` +
      `From: <sip:${user}>;tag=p${i}\r\nTo: <sip:${method === 'REGISTER' ? user : 'gateway@127.0.0.1'}>${toTag}\r\nCall-ID: held-${run}-${i}\r\nCSeq: 1 ${method}\r\n${extra}Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
  );
}

async function scenario(runtime: Runtime): Promise<Scenario> {
  const finished = { count: 0 };
  const noResponses = { receiveResponse: () => {}, receiveError: () => {} };
  if (kind === 'bare' || kind === 'invite' || kind === 'accepted') {
    const stack = await startStack(runtime, {
      listen: [{ transport: 'udp', port: 0 }],
      maxTransactions: count + 10_000,
      // T4 (Timer I) long enough to outlast the run
      timers: { t4: 60_000 },
      core: () => ({
        receiveRequest: (request, transaction) => {
          if (kind === 'accepted' && request.method === 'INVITE') transaction?.respond(createResponse(request, 200, { toTag: 'busy' }), { retransmitUntilAck: true });
          else transaction?.respond(createResponse(request, request.method === 'INVITE' ? 486 : 200, { toTag: 'busy' }));
        },
        ...noResponses,
      }),
    });
    if (kind === 'bare') return { stack, finished, start: (i, socket, port, own) => socket.send(serverRequest('OPTIONS', i, port, own), port, '127.0.0.1'), receive: (bytes) => exchangeOf(bytes.toString('latin1')) };
    // INVITE answered 486 (Confirmed until Timer I) or 200 (Accepted until Timer L), each copy ACKed (a
    // Timer G retransmission is ACKed again); the ACK of a 2xx is a transaction of its own: another branch.
    return {
      stack,
      finished,
      start: (i, socket, port, own) => socket.send(serverRequest('INVITE', i, port, own), port, '127.0.0.1'),
      receive: (bytes, socket, port) => {
        const i = exchangeOf(bytes.toString('latin1'));
        const ack = serverRequest('ACK', i, port, socket.address().port, ';tag=busy');
        socket.send(kind === 'accepted' ? Buffer.from(ack.toString('latin1').replace(`;branch=z9hG4bK${run}s${i};`, `;branch=z9hG4bK${run}a${i};`), 'latin1') : ack, port, '127.0.0.1');
        return i;
      },
    };
  }
  if (kind === 'client') {
    // The stack sends OPTIONS to the socket, which answers 200: Completed until Timer K (T4).
    let stack!: SipStack;
    stack = await startStack(runtime, {
      listen: [{ transport: 'udp', port: 0 }],
      maxTransactions: count + 10_000,
      timers: { t4: 60_000 },
      core: () => ({ receiveRequest: () => {}, receiveResponse: (response) => void (response.status >= 200 && finished.count++), receiveError: () => {} }),
    });
    return {
      stack,
      finished,
      start: (i, _socket, _port, own) => {
        const uri = parseUri(`sip:probe@127.0.0.1:${own}`);
        const request = createRequest({ method: 'OPTIONS', uri, from: { displayName: null, uri: parseUri('sip:stack@127.0.0.1'), params: [] }, to: { displayName: null, uri, params: [] }, callId: `held-${run}-${i}` });
        void stack.sendRequest(request);
      },
      receive: (bytes, socket, port) => {
        const text = bytes.toString('latin1');
        const head = text.slice(0, text.indexOf('\r\n\r\n'));
        const rows = head.split('\r\n').filter((row) => /^(Via|From|To|Call-ID|CSeq):/i.test(row));
        socket.send(Buffer.from(`SIP/2.0 200 OK\r\n${rows.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`), port, '127.0.0.1');
        return undefined;
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-held-'));
  const env = { SWITCHBOARD_SIP_PORT: '0', SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_AUTH_MODE: 'off', SWITCHBOARD_SIP_MAX_TRANSACTIONS: String(count + 10_000) };
  const gateway = await startGateway(runtime, loadConfig({ env }));
  while (gateway.pool.boundCount === 0) await pause(10);
  // REGISTER: one user refreshing one Contact, so that only the transactions grow, not the bindings.
  const contact = kind === 'gateway-register' ? ['REGISTER', 'Contact: <sip:447700900123@127.0.0.1:5999>\r\nExpires: 3600\r\n'] as const : (['OPTIONS', ''] as const);
  return { stack: gateway.stack, finished, start: (i, socket, port, own) => socket.send(serverRequest(contact[0], i, port, own, '', contact[1]), port, '127.0.0.1'), receive: (bytes) => exchangeOf(bytes.toString('latin1')) };
}

async function heldTransactions(): Promise<Figures> {
  const test = await scenario(new Runtime());
  const { stack } = test;
  const port = stack.listener('UDP')!.port;
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const own = socket.address().port;
  const seen = new Set<number>();
  socket.on('message', (bytes) => {
    const i = test.receive(bytes, socket, port);
    if (i !== undefined) seen.add(i);
  });
  const done = (): number => seen.size + test.finished.count;
  const load = async (from: number, n: number): Promise<void> => {
    const target = done() + n;
    for (let i = from; i < from + n; i++) {
      test.start(i, socket, port, own);
      while (i - from + 1 - (done() - (target - n)) >= WINDOW) await new Promise((resolve) => setImmediate(resolve));
    }
    const deadline = Date.now() + 10_000;
    while (done() < target && Date.now() < deadline) await pause(5);
    if (done() < target) throw new Error(`${target - done()} exchanges not finished`);
  };
  await load(1_000_000, 1000); // warm-up: code paths compiled, pools and tables grown
  await pause(200);
  seen.clear();
  gc();
  const before = process.memoryUsage();
  const liveBefore = live(stack);
  const started = Date.now();
  await load(0, count);
  const seconds = (Date.now() - started) / 1000;
  await pause(200);
  seen.clear();
  gc();
  const after = process.memoryUsage();
  const held = live(stack) - liveBefore;
  socket.close();
  return { kind, live: held, heapPerTransaction: Math.round((after.heapUsed - before.heapUsed) / held), arrayBuffersPerTransaction: Math.round((after.arrayBuffers - before.arrayBuffers) / held), rssPerTransaction: Math.round((after.rss - before.rss) / held), seconds };
}

function live(stack: SipStack): number {
  const stats = stack.stats();
  return stats.serverTransactions + stats.clientTransactions;
}

const figures = kind.startsWith('xstate') ? await xstateActors() : await heldTransactions();
process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exit(0);
