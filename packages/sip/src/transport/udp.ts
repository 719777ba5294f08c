// The UDP transport (RFC 3261 §18): one process owning one datagram socket. Each datagram is one
// message (§18.3: without Content-Length the body runs to the end); what does not parse is handed
// to `reject`, which answers a request 400 and drops anything else.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { isIPv6 } from 'node:net';
import createDebug from 'debug';
import { Result, abortSignal, trapExit, self, send, type GenServer } from '@switchboard/actor';
import { SipParseError } from '../message/errors.js';
import { parseMessage, type ParseLimits } from '../message/parser.js';
import type { Inbound } from './inbound.js';
import { advertisedSentBy } from './sent-by.js';
import type { Listener, TransportSet } from './transport-set.js';

const log = createDebug('switchboard:sip:udp');

export interface UdpArgs {
  readonly transports: TransportSet;
  readonly inbound: Inbound;
  readonly host: string;
  readonly port: number;
  readonly advertise: string | undefined;
  readonly limits: ParseLimits;
  /** SO_RCVBUF / SO_SNDBUF in bytes (the kernel caps them at net.core.rmem_max / wmem_max). */
  readonly bufferSize: number;
}

/**
 * A datagram socket's default receive buffer (about 200 kB on Linux) overflows in the bursts a
 * few thousand calls a second bring while the event loop is busy: the kernel then drops requests
 * and the peer retransmits. 4 MiB absorbs tens of milliseconds of such a burst.
 */
export const DEFAULT_UDP_BUFFER = 4 * 1024 * 1024;

class Datagram {
  constructor(
    readonly bytes: Buffer,
    readonly from: RemoteInfo,
  ) {}
}

interface State {
  readonly args: UdpArgs;
  readonly socket: Socket;
  readonly listener: Listener;
}

export const UdpTransport: GenServer<State, { call: never; reply: never; cast: never; info: Datagram }, UdpArgs> = {
  behaviourName: 'sip_udp',
  // its code after the await (listening) names no process: a program of synchronous callbacks
  // pays no tracking of awaits (GenServer.tracksAwaits)
  tracksAwaits: false,

  async init(args) {
    trapExit(true); // so that terminate runs when the stack's supervisor shuts down
    const me = self<{ call: never; reply: never; cast: never; info: Datagram }>();
    const family = isIPv6(args.host) ? 6 : 4;
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', reuseAddr: false, recvBufferSize: args.bufferSize, sendBufferSize: args.bufferSize });
    socket.on('message', (bytes, from) => send(me, new Datagram(bytes, from)));
    socket.on('error', (error) => log('UDP %s:%d: %s', args.host, args.port, error.message));
    // Killed without terminate: the socket is closed as the process dies, so the port is freed.
    abortSignal().addEventListener('abort', () => closeQuietly(socket), { once: true });
    socket.bind(args.port, args.host);
    await once(socket, 'listening');
    const address = socket.address();
    const listener: Listener = { transport: 'UDP', family, address: address.address, port: address.port, sentBy: advertisedSentBy(address.address, address.port, family, args.advertise), socket };
    args.transports.addListener(listener);
    log('UDP listening on %s:%d', address.address, address.port);
    return Result.ok({ args, socket, listener });
  },

  handleInfo(message, state) {
    if (!(message instanceof Datagram)) return Result.noreply(state);
    const source = { transport: 'UDP' as const, address: message.from.address, port: message.from.port, connection: null };
    let parsed;
    try {
      parsed = parseMessage(message.bytes, state.args.limits);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      state.args.inbound.reject(message.bytes, error, source);
      return Result.noreply(state);
    }
    state.args.inbound.receive(parsed, source);
    return Result.noreply(state);
  },

  terminate(_reason, state) {
    state.args.transports.removeListener(state.listener);
    closeQuietly(state.socket);
  },
};

/** Closes a datagram socket that may be closed already (terminate, then the abort signal). */
function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // ERR_SOCKET_DGRAM_NOT_RUNNING: already closed
  }
}
