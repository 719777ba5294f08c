// A TCP or TLS listener (RFC 3261 §18) as a process: it accepts connections, refuses those past the
// stack's connection limits (in all, and per remote address), and starts one connection process
// for each under the stack's connection supervisor.
import { once } from 'node:events';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import createDebug from 'debug';
import { Result, abortSignal, trapExit, type GenServer } from '@switchboard/actor';
import type { StreamConnection } from './connection.js';
import { advertisedSentBy } from './sent-by.js';
import type { Listener, TransportSet } from './transport-set.js';

const log = createDebug('switchboard:sip:listener');

export interface StreamListenerArgs {
  readonly transport: 'TCP' | 'TLS';
  readonly transports: TransportSet;
  readonly host: string;
  readonly port: number;
  readonly advertise: string | undefined;
  readonly tls: TlsOptions | undefined;
  /** Starts the process of an accepted connection. */
  readonly accept: (transport: 'TCP' | 'TLS', socket: Socket) => StreamConnection;
}

interface State {
  readonly args: StreamListenerArgs;
  readonly server: Server;
  readonly listener: Listener;
}

export const StreamListener: GenServer<State, { call: never; reply: never; cast: never; info: never }, StreamListenerArgs> = {
  behaviourName: 'sip_stream_listener',
  // its code after the await (listening) names no process: a program of synchronous callbacks
  // pays no tracking of awaits (GenServer.tracksAwaits)
  tracksAwaits: false,

  async init(args) {
    trapExit(true); // so that terminate runs when the stack's supervisor shuts down
    const onConnection = (socket: Socket): void => {
      const refused = args.transports.refusal(socket.remoteAddress ?? '');
      if (refused !== undefined) {
        log('%s connection from %s:%d refused: %s', args.transport, socket.remoteAddress, socket.remotePort, refused);
        socket.destroy();
        return;
      }
      socket.setNoDelay(true);
      args.transports.addConnection(args.accept(args.transport, socket));
    };
    const server = args.transport === 'TLS' ? createTlsServer(args.tls ?? {}, onConnection) : createServer(onConnection);
    server.on('error', (error) => log('%s %s:%d: %s', args.transport, args.host, args.port, error.message));
    // Killed without terminate: stop listening as the process dies, so the port is freed.
    abortSignal().addEventListener('abort', () => server.close(), { once: true });
    // A backstop that also counts TLS handshakes still in progress, which the table does not hold yet.
    server.maxConnections = args.transports.maxConnections;
    server.listen(args.port, args.host);
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new TypeError('a stream listener without an address');
    const family = isIPv6(address.address) ? 6 : 4;
    const listener: Listener = { transport: args.transport, family, address: address.address, port: address.port, sentBy: advertisedSentBy(address.address, address.port, family, args.advertise) };
    args.transports.addListener(listener);
    log('%s listening on %s:%d', args.transport, address.address, address.port);
    return Result.ok({ args, server, listener });
  },

  terminate(_reason, state) {
    state.args.transports.removeListener(state.listener);
    state.server.close();
  },
};
