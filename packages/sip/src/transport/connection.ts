// One stream connection (TCP or TLS, accepted or opened) as a process: it owns the socket and the
// stream framer, answers RFC 5626 keep-alive pings, closes after an idle time (only whole messages
// and pings count as traffic) or when part of a message has waited too long (a slowloris
// trickle), and leaves the connection table when the socket closes.
import type { Socket } from 'node:net';
import createDebug from 'debug';
import { Result, abortSignal, adopt, trapExit, self, send, type GenServer, type Pid } from '@switchboard/actor';
import { SipParseError } from '../message/errors.js';
import { SipStreamFramer, type FramerEvents } from '../message/framer.js';
import type { Connection, Source } from './endpoint.js';
import { IdleCheck, PartialCheck, armIdleCheck, idleExpired, partialExpired, startPartial, type ConnectionProcessArgs, type PartialClock } from './connection-clock.js';

const log = createDebug('switchboard:sip:connection');

export class StreamConnection implements Connection {
  pid: Pid | null = null;
  /**
   * The runtime clock's time of the last whole message or keep-alive ping read, or of the last
   * write (the transport set stamps writes).
   */
  lastActive: number;
  constructor(
    readonly transport: 'TCP' | 'TLS',
    readonly socket: Socket,
    readonly remoteAddress: string,
    readonly remotePort: number,
    now: number,
  ) {
    this.lastActive = now;
  }

  /** True once the socket is destroyed. */
  get closed(): boolean {
    return this.socket.destroyed;
  }

  /**
   * Writes the message to the stream (its Content-Length frames it, RFC 3261 §18.3). The messages
   * written during one turn of the event loop leave in one writev: the turn's first write corks
   * the socket and a tick uncorks it once the turn's work (every process's) is done. Answers to
   * a read of several requests, or a proxy's burst over one connection, cost one system call on
   * this side and one wake-up on the other instead of one each.
   */
  write(bytes: Buffer, done: (error?: Error | null) => void): void {
    const socket = this.socket;
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(uncork, socket);
    }
    socket.write(bytes, done);
  }
}

function uncork(socket: Socket): void {
  socket.uncork();
}

/** What a TCP or TLS connection's process needs. */
export type ConnectionArgs = ConnectionProcessArgs<StreamConnection>;

class Chunk {
  constructor(readonly data: Buffer) {}
}
class Closed {}

type Info = Chunk | Closed | IdleCheck | PartialCheck;

interface State extends PartialClock {
  readonly args: ConnectionArgs;
  readonly framer: SipStreamFramer;
  readonly source: Source;
  readonly events: FramerEvents;
  /** Messages the framer handed out (to tell whether a push completed one). */
  messages: number;
}

const CRLF = Buffer.from('\r\n');

export const ConnectionProcess: GenServer<State, { call: never; reply: never; cast: never; info: Info }, ConnectionArgs> = {
  behaviourName: 'sip_connection',

  init(args) {
    trapExit(true); // so that terminate runs when the stack's supervisor shuts down
    const me = self<{ call: never; reply: never; cast: never; info: Info }>();
    const { connection } = args;
    connection.pid = me;
    const socket = connection.socket;
    // Accepted by a listener process, or opened by the transport set: its events act for this process.
    socket.on('data', adopt((data: Buffer) => send(me, new Chunk(data))));
    socket.on('close', adopt(() => send(me, new Closed())));
    socket.on('error', (error: Error) => log('%s %s:%d: %s', connection.transport, connection.remoteAddress, connection.remotePort, error.message));
    // Killed without terminate (brutal_kill, a kill): the socket goes with the process.
    abortSignal().addEventListener(
      'abort',
      () => {
        args.transports.removeConnection(connection);
        if (!socket.destroyed) socket.destroy();
      },
      { once: true },
    );
    const source: Source = { transport: connection.transport, address: connection.remoteAddress, port: connection.remotePort, connection };
    const state: State = {
      args,
      framer: new SipStreamFramer(args.limits),
      source,
      // Made once: a chunk is framed without allocating callbacks.
      events: {
        message: (m) => {
          state.messages++;
          connection.lastActive = args.now();
          args.inbound.receive(m, source);
        },
        ping: () => {
          connection.lastActive = args.now();
          connection.socket.write(CRLF);
        },
      },
      messages: 0,
      partialSince: null,
      partialCheckArmed: false,
    };
    if (socket.destroyed) send(me, new Closed());
    armIdleCheck(args);
    return Result.ok(state);
  },

  handleInfo(message, state) {
    const { connection, transports, inbound } = state.args;
    if (message instanceof Chunk) {
      // Octets alone are not traffic (lastActive moves on whole messages and pings only).
      const before = state.messages;
      try {
        state.framer.push(message.data, state.events);
      } catch (error) {
        if (!(error instanceof SipParseError)) throw error;
        // A stream cannot be resynchronised: answer what can be answered, then close.
        inbound.reject(message.data, error, state.source);
        log('%s %s:%d: %s; closing', connection.transport, connection.remoteAddress, connection.remotePort, error.message);
        connection.socket.end();
        return Result.noreply(state);
      }
      notePartial(state, state.messages !== before);
      return Result.noreply(state);
    }
    if (message instanceof PartialCheck) {
      const held = partialExpired(state, state.args);
      if (held === undefined) return Result.noreply(state);
      log('%s %s:%d: part of a message (%d octets) held for %d ms; closing', connection.transport, connection.remoteAddress, connection.remotePort, state.framer.buffered, held);
      transports.removeConnection(connection);
      connection.socket.destroy();
      return Result.stop('normal', state);
    }
    if (message instanceof Closed) {
      transports.removeConnection(connection);
      return Result.stop('normal', state);
    }
    if (message instanceof IdleCheck) {
      const idle = idleExpired(state.args);
      if (idle === undefined) return Result.noreply(state);
      log('%s %s:%d idle for %d ms; closing', connection.transport, connection.remoteAddress, connection.remotePort, idle);
      transports.removeConnection(connection);
      connection.socket.end();
      return Result.stop('normal', state);
    }
    return Result.noreply(state);
  },

  terminate(_reason, state) {
    state.args.transports.removeConnection(state.args.connection);
    if (!state.args.connection.socket.destroyed) state.args.connection.socket.destroy();
  },
};

/**
 * After a push: the partial-message clock starts when the framer is left holding part of a
 * message, restarts when a message completed and another began, and stops when nothing is held.
 */
function notePartial(state: State, completed: boolean): void {
  if (state.framer.buffered === 0) {
    state.partialSince = null;
    return;
  }
  if (state.partialSince !== null && !completed) return;
  startPartial(state, state.args);
}
