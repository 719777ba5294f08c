// Peers that deliver hostile traffic to a server on loopback and count what comes back: SIP
// datagrams from one socket, SIP streams over TCP, SMPP streams; and the OPTIONS watch that
// measures how fast the server still answers while it is under attack.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { SipProbe } from './sip-probe.js';
import { okFor, readSip, SipStreamSplitter, type SipText } from './sip-reader.js';
import { bindBody, smppPdu, SMPP_COMMAND, type SmppCredentials, type SmppStream } from './smpp-mutation.js';

/**
 * Final responses seen, by status; 202s counted once per MESSAGE identity — Call-ID, CSeq number
 * and From tag, as the gateway tells a retransmission or a duplicate from a new message.
 */
export class ResponseTally {
  readonly statuses = new Map<number, number>();
  private readonly accepted = new Set<string>();

  count(message: SipText): void {
    if (message.status === null) return;
    this.statuses.set(message.status, (this.statuses.get(message.status) ?? 0) + 1);
    if (message.status === 202 && message.method === 'MESSAGE') {
      const tag = /;\s*tag=([^;\s]*)/i.exec(message.headers.get('from')?.[0] ?? '')?.[1] ?? '';
      this.accepted.add(`${message.callId}\n${message.cseq}\n${tag}`);
    }
  }

  /** MESSAGEs answered 202 Accepted (distinct transactions). */
  get accepted202(): number {
    return this.accepted.size;
  }

  summary(): string {
    return [...this.statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ');
  }
}

/** One UDP socket sending datagrams; answers are tallied, requests from the server answered 200. */
export class SipUdpSender {
  readonly tally = new ResponseTally();

  private constructor(private readonly socket: UdpSocket) {
    socket.on('message', (bytes, from) => {
      const message = readSip(bytes);
      if (message === null) return;
      if (message.status !== null) this.tally.count(message);
      else {
        const ok = okFor(message);
        if (ok !== null) socket.send(ok, from.port, from.address);
      }
    });
    socket.on('error', () => undefined);
  }

  static async open(): Promise<SipUdpSender> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new SipUdpSender(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Resolves once the datagram has left (so a sender loop never piles up unsent buffers). */
  send(bytes: Buffer, port: number, host = '127.0.0.1'): Promise<void> {
    return new Promise((done) => this.socket.send(bytes, port, host, () => done()));
  }

  close(): void {
    this.socket.close();
  }
}

/** Opens a loopback TCP connection, or null when refused (within `limitMs`). */
export function openTcp(port: number, limitMs = 2000): Promise<Socket | null> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      done(null);
    }, limitMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      done(socket);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      done(null);
    });
  });
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Writes `chunks` on one TCP connection (each its own write, a turn of the event loop apart),
 * then reads for `readMs`, then closes; SIP answers are tallied and server requests answered.
 * Resolves with whether the connection could be opened.
 */
export async function sipTcpSession(port: number, chunks: readonly Buffer[], tally: ResponseTally, readMs: number): Promise<boolean> {
  const socket = await openTcp(port);
  if (socket === null) return false;
  const splitter = new SipStreamSplitter();
  socket.on('data', (chunk: Buffer) => {
    for (const bytes of splitter.push(chunk)) {
      const message = readSip(bytes);
      if (message === null) continue;
      if (message.status !== null) tally.count(message);
      else {
        const ok = okFor(message);
        if (ok !== null && socket.writable) socket.write(ok);
      }
    }
  });
  socket.on('error', () => undefined);
  // not events.once: it rejects on 'error', and a reset is an expected answer here
  const closed = new Promise<void>((done) => socket.once('close', () => done()));
  for (const chunk of chunks) {
    if (socket.destroyed) break;
    socket.write(chunk);
    await new Promise((r) => setImmediate(r));
  }
  await Promise.race([closed, pause(readMs)]);
  socket.destroy();
  return true;
}

/** Writes an SMPP stream's chunks, reads for `readMs` (counting octets), then closes. */
export async function smppSession(port: number, stream: SmppStream, readMs: number): Promise<{ opened: boolean; received: number; closedByPeer: boolean }> {
  const socket = await openTcp(port);
  if (socket === null) return { opened: false, received: 0, closedByPeer: false };
  let received = 0;
  let closedByPeer = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((done) =>
    socket.once('close', () => {
      closedByPeer = true;
      done();
    }),
  );
  for (const chunk of stream.chunks) {
    if (socket.destroyed) break;
    socket.write(chunk);
    await new Promise((r) => setImmediate(r));
  }
  await Promise.race([closed, pause(readMs)]);
  socket.destroy();
  return { opened: true, received, closedByPeer };
}

/** Runs `work` over `items` with at most `concurrency` at once. */
export async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}

export interface WatchResult {
  /** OPTIONS sent and answered. */
  readonly sent: number;
  readonly answered: number;
  /** The slowest answer, ms (an unanswered probe counts as its limit). */
  readonly worst: number;
}

/**
 * Sends OPTIONS every `intervalMs`, one at a time, while an attack runs; `stop()` ends it and
 * gives the worst latency seen.
 */
export function watchOptions(probe: SipProbe, intervalMs = 100, limitMs = 2000): { stop(): Promise<WatchResult> } {
  let running = true;
  let sent = 0;
  let answered = 0;
  let worst = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      sent++;
      const answer = await probe.options(limitMs);
      if (answer !== null) answered++;
      worst = Math.max(worst, answer?.latency ?? limitMs);
      const spent = performance.now() - started;
      if (spent < intervalMs) await pause(intervalMs - spent);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { sent, answered, worst };
    },
  };
}

/**
 * A well-behaved ESME's first minute, shortened: bind_transceiver, enquire_link, unbind, each
 * answered with status 0 within `limitMs`. Resolves with what went wrong, or null.
 */
export async function smppBindCheck(port: number, credentials: SmppCredentials, limitMs = 2000): Promise<string | null> {
  const socket = await openTcp(port, limitMs);
  if (socket === null) return 'SMPP connection refused';
  let buffer = Buffer.alloc(0);
  const responses: { id: number; status: number; sequence: number }[] = [];
  let wake: (() => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 16 && buffer.length >= buffer.readUInt32BE(0) && buffer.readUInt32BE(0) >= 16) {
      responses.push({ id: buffer.readUInt32BE(4), status: buffer.readUInt32BE(8), sequence: buffer.readUInt32BE(12) });
      buffer = buffer.subarray(buffer.readUInt32BE(0));
    }
    wake?.();
  });
  socket.on('error', () => undefined);
  const answer = async (id: number, sequence: number): Promise<string | null> => {
    const deadline = Date.now() + limitMs;
    for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
      const found = responses.find((r) => r.sequence === sequence);
      if (found !== undefined) return found.id === (id | 0x8000_0000) >>> 0 && found.status === 0 ? null : `command 0x${id.toString(16)} answered 0x${found.id.toString(16)} status 0x${found.status.toString(16)}`;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
    return `no answer to command 0x${id.toString(16)} within ${limitMs} ms`;
  };
  try {
    socket.write(smppPdu(SMPP_COMMAND.bind_transceiver, 1, bindBody(credentials)));
    const bind = await answer(SMPP_COMMAND.bind_transceiver, 1);
    if (bind !== null) return bind;
    socket.write(smppPdu(SMPP_COMMAND.enquire_link, 2));
    const link = await answer(SMPP_COMMAND.enquire_link, 2);
    if (link !== null) return link;
    socket.write(smppPdu(SMPP_COMMAND.unbind, 3));
    return await answer(SMPP_COMMAND.unbind, 3);
  } finally {
    socket.destroy();
  }
}
