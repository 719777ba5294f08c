// One SIP WebSocket connection (RFC 7118) as a process, as a TCP connection is one: it owns the
// WebSocket, parses each WebSocket message as one SIP message (§5.1), answers RFC 5626 CRLF
// keep-alives (§6), notes the Contacts its client names so requests reach it over this connection
// (§5), and closes when idle or when part of a frame has waited too long (a slowloris trickle).
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import createDebug from 'debug';
import type { RawData, WebSocket } from 'ws';
import { Result, abortSignal, adopt, trapExit, self, send, type GenServer, type Pid } from '@switchboard/actor';
import { isContactStar } from '../message/headers/name-addr.js';
import { SipParseError } from '../message/errors.js';
import type { SipMessage } from '../message/message.js';
import { parseMessage } from '../message/parser.js';
import { isSipUri, uriParam } from '../message/uri.js';
import type { Connection, Source } from './endpoint.js';
import { IdleCheck, PartialCheck, armIdleCheck, idleExpired, partialExpired, startPartial, type ConnectionProcessArgs, type PartialClock } from './connection-clock.js';
import type { TransportSet } from './transport-set.js';

const log = createDebug('switchboard:sip:ws');

/** WebSocket's OPEN readyState (RFC 6455 §4.1: the connection is established). */
const OPEN = 1;

/** A WebSocket the stack holds (accepted by a WS or WSS listener). */
export class WsConnection implements Connection {
  /** The connection's process, once it runs. */
  pid: Pid | null = null;
  /** The runtime clock's time of the last whole message, ping or write. */
  lastActive: number;
  constructor(
    /** `WS`, or `WSS` over TLS (RFC 7118 §5.2.1). */
    readonly transport: 'WS' | 'WSS',
    /** The WebSocket (the `ws` package's). */
    readonly ws: WebSocket,
    /** The TCP or TLS socket under it. */
    readonly socket: Socket,
    /** The peer's IP address. */
    readonly remoteAddress: string,
    /** The peer's port. */
    readonly remotePort: number,
    now: number,
  ) {
    this.lastActive = now;
  }

  /** True unless the WebSocket is open. */
  get closed(): boolean {
    return this.ws.readyState !== OPEN;
  }

  /**
   * Sends the message as one WebSocket message: a text frame when it is UTF-8 (RFC 7118 §5.1: SIP
   * is mostly text), else a binary frame, which a text frame could not carry.
   */
  write(bytes: Buffer, done: (error?: Error | null) => void): void {
    if (this.closed) {
      queueMicrotask(() => done(new Error('the WebSocket is closed')));
      return;
    }
    this.ws.send(bytes, { binary: !isUtf8(bytes) }, done);
  }
}

/** What a WebSocket connection's process needs. */
export type WsConnectionArgs = ConnectionProcessArgs<WsConnection>;

class Frame {
  constructor(readonly data: Buffer) {}
}
class Octets {}
class Ping {}
class Closed {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {}
}
type Info = Frame | Octets | Ping | Closed | IdleCheck | PartialCheck;
type Protocol = { call: never; reply: never; cast: never; info: Info };

interface State extends PartialClock {
  readonly args: WsConnectionArgs;
  readonly source: Source;
}

/** RFC 5626 §3.5.1, as RFC 7118 §6 allows: a double CRLF is a ping, a CRLF its pong. */
const CRLF = Buffer.from('\r\n');

function isKeepAlive(data: Buffer): boolean {
  if (data.length === 0 || data.length % 2 !== 0) return false;
  for (let i = 0; i < data.length; i += 2) if (data[i] !== 0x0d || data[i + 1] !== 0x0a) return false;
  return true;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** The connection's process: one per WebSocket, under the stack's connection supervisor. */
export const WsConnectionProcess: GenServer<State, Protocol, WsConnectionArgs> = {
  behaviourName: 'sip_ws_connection',

  init(args) {
    trapExit(true); // so that terminate runs when the stack's supervisor shuts down
    const me = self<Protocol>();
    const { connection } = args;
    connection.pid = me;
    const { ws, socket } = connection;
    // Before the WebSocket's own listener, so that octets are seen before the message they end.
    // The WebSocket was accepted by the listener process: its events act for this process (adopt).
    socket.prependListener('data', adopt(() => send(me, new Octets())));
    ws.on('message', adopt((data: RawData) => send(me, new Frame(toBuffer(data)))));
    ws.on('ping', adopt(() => send(me, new Ping())));
    ws.on('pong', adopt(() => send(me, new Ping())));
    ws.on('close', adopt((code: number, reason: Buffer) => send(me, new Closed(code, reason.toString()))));
    // Killed without terminate (brutal_kill, a kill): the WebSocket goes with the process.
    abortSignal().addEventListener(
      'abort',
      () => {
        args.transports.removeConnection(connection);
        if (ws.readyState !== 3) ws.terminate();
      },
      { once: true },
    );
    ws.on('error', (error: Error) => log('%s %s:%d: %s', connection.transport, connection.remoteAddress, connection.remotePort, error.message));
    const source: Source = { transport: connection.transport, address: connection.remoteAddress, port: connection.remotePort, connection };
    if (connection.closed) send(me, new Closed(1006, 'closed before its process ran'));
    armIdleCheck(args);
    return Result.ok({ args, source, partialSince: null, partialCheckArmed: false });
  },

  handleInfo(message, state) {
    const { connection, transports, inbound, now } = state.args;
    if (message instanceof Frame) {
      state.partialSince = null;
      connection.lastActive = now();
      if (isKeepAlive(message.data)) {
        if (message.data.length >= 4) connection.write(CRLF, (error) => error && log('pong not sent: %s', error.message));
        return Result.noreply(state);
      }
      // RFC 7118 §5.1: the WebSocket message frames the SIP message, so Content-Length may be left
      // out, as in a datagram; a message that does not parse costs only itself.
      let parsed: SipMessage;
      try {
        parsed = parseMessage(message.data, state.args.limits);
      } catch (error) {
        if (!(error instanceof SipParseError)) throw error;
        inbound.reject(message.data, error, state.source);
        return Result.noreply(state);
      }
      if (parsed.kind === 'request') noteContacts(parsed, connection, transports);
      inbound.receive(parsed, state.source);
      return Result.noreply(state);
    }
    if (message instanceof Octets) {
      if (state.partialSince === null) startPartial(state, state.args);
      return Result.noreply(state);
    }
    if (message instanceof Ping) {
      state.partialSince = null;
      connection.lastActive = now();
      return Result.noreply(state);
    }
    if (message instanceof PartialCheck) {
      const held = partialExpired(state, state.args);
      if (held === undefined) return Result.noreply(state);
      log('%s %s:%d: part of a frame held for %d ms; closing', connection.transport, connection.remoteAddress, connection.remotePort, held);
      transports.removeConnection(connection);
      connection.ws.terminate();
      return Result.stop('normal', state);
    }
    if (message instanceof Closed) {
      log('%s %s:%d closed (%d %s)', connection.transport, connection.remoteAddress, connection.remotePort, message.code, message.reason);
      transports.removeConnection(connection);
      return Result.stop('normal', state);
    }
    if (message instanceof IdleCheck) {
      const idle = idleExpired(state.args);
      if (idle === undefined) return Result.noreply(state);
      log('%s %s:%d idle for %d ms; closing', connection.transport, connection.remoteAddress, connection.remotePort, idle);
      transports.removeConnection(connection);
      // RFC 6455 §7.4.1: 1001, the endpoint is going away.
      connection.ws.close(1001, 'idle');
      return Result.stop('normal', state);
    }
    log('unexpected message %O', message);
    return Result.noreply(state);
  },

  terminate(_reason, state) {
    const { connection, transports } = state.args;
    transports.removeConnection(connection);
    if (connection.ws.readyState !== 3) connection.ws.terminate();
  },
};

/**
 * RFC 7118 §5: a WebSocket client cannot be connected to, and names itself in its Contact with a
 * host of its own making (SIP.js: `sip:x@abc.invalid;transport=ws`); each such Contact host is
 * mapped to this connection, for the requests the stack later sends to it. A Contact header
 * that does not parse is left to the core to answer.
 */
function noteContacts(request: SipMessage, connection: WsConnection, transports: TransportSet): void {
  if (!request.headers.has('contact')) return;
  try {
    for (const contact of request.headers.all('contact')) {
      if (isContactStar(contact) || !isSipUri(contact.uri)) continue;
      const transport = uriParam(contact.uri, 'transport');
      if (typeof transport !== 'string' || !/^wss?$/i.test(transport)) continue;
      if (!transports.claimAlias(contact.uri.host, contact.uri.port, connection)) {
        log('%s %s:%d: Contact host %s is held by another connection; not mapped', connection.transport, connection.remoteAddress, connection.remotePort, contact.uri.host);
      }
    }
  } catch (error) {
    if (!(error instanceof SipParseError)) throw error;
  }
}
