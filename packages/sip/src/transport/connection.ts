// One stream connection (TCP or TLS, accepted or opened) as a process: it owns the socket and the
// stream framer, answers RFC 5626 keep-alive pings, closes after an idle time, and leaves the
// connection table when the socket closes.
import type { Socket } from 'node:net';
import createDebug from 'debug';
import { Result, trapExit, self, send, sendAfter, type GenServer, type Pid } from '@switchboard/actor';
import { SipParseError } from '../message/errors.js';
import { SipStreamFramer } from '../message/framer.js';
import type { ParseLimits } from '../message/parser.js';
import type { Connection, Source } from './endpoint.js';
import type { Inbound } from './inbound.js';
import type { TransportSet } from './transport-set.js';

const log = createDebug('switchboard:sip:connection');

export class StreamConnection implements Connection {
  pid: Pid | null = null;
  /** The runtime clock's time of the last read or write (the transport set stamps writes). */
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
}

export interface ConnectionArgs {
  readonly connection: StreamConnection;
  readonly transports: TransportSet;
  readonly inbound: Inbound;
  readonly limits: ParseLimits;
  /** Close after this many ms without traffic either way. */
  readonly idleTimeout: number;
  readonly now: () => number;
}

class Chunk {
  constructor(readonly data: Buffer) {}
}
class Closed {}
class IdleCheck {}

interface State {
  readonly args: ConnectionArgs;
  readonly framer: SipStreamFramer;
  readonly source: Source;
}

const CRLF = Buffer.from('\r\n');

export const ConnectionProcess: GenServer<State, { call: never; reply: never; cast: never; info: Chunk | Closed | IdleCheck }, ConnectionArgs> = {
  behaviourName: 'sip_connection',

  init(args) {
    trapExit(true); // so that terminate runs when the stack's supervisor shuts down
    const me = self<{ call: never; reply: never; cast: never; info: Chunk | Closed | IdleCheck }>();
    const { connection } = args;
    connection.pid = me;
    const socket = connection.socket;
    socket.on('data', (data: Buffer) => send(me, new Chunk(data)));
    socket.on('close', () => send(me, new Closed()));
    socket.on('error', (error: Error) => log('%s %s:%d: %s', connection.transport, connection.remoteAddress, connection.remotePort, error.message));
    const state: State = {
      args,
      framer: new SipStreamFramer(args.limits),
      source: { transport: connection.transport, address: connection.remoteAddress, port: connection.remotePort, connection },
    };
    if (socket.destroyed) send(me, new Closed());
    if (args.idleTimeout !== Infinity) sendAfter(me, new IdleCheck(), args.idleTimeout);
    return Result.ok(state);
  },

  handleInfo(message, state) {
    const { connection, transports, inbound } = state.args;
    if (message instanceof Chunk) {
      connection.lastActive = state.args.now();
      try {
        state.framer.push(message.data, {
          message: (m) => inbound.receive(m, state.source),
          ping: () => connection.socket.write(CRLF),
        });
      } catch (error) {
        if (!(error instanceof SipParseError)) throw error;
        // A stream cannot be resynchronised: answer what can be answered, then close.
        inbound.reject(message.data, error, state.source);
        log('%s %s:%d: %s; closing', connection.transport, connection.remoteAddress, connection.remotePort, error.message);
        connection.socket.end();
      }
      return Result.noreply(state);
    }
    if (message instanceof Closed) {
      transports.removeConnection(connection);
      return Result.stop('normal', state);
    }
    if (message instanceof IdleCheck) {
      const idle = state.args.now() - connection.lastActive;
      if (idle >= state.args.idleTimeout) {
        log('%s %s:%d idle for %d ms; closing', connection.transport, connection.remoteAddress, connection.remotePort, idle);
        transports.removeConnection(connection);
        connection.socket.end();
        return Result.stop('normal', state);
      }
      sendAfter(self(), new IdleCheck(), state.args.idleTimeout - idle);
    }
    return Result.noreply(state);
  },

  terminate(_reason, state) {
    state.args.transports.removeConnection(state.args.connection);
    if (!state.args.connection.socket.destroyed) state.args.connection.socket.destroy();
  },
};
