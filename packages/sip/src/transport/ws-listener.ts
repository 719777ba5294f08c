// A SIP WebSocket listener (RFC 7118) as a process: an HTTP (WS) or HTTPS (WSS) server that takes
// WebSocket upgrades asking for the `sip` subprotocol (§4.1) and refuses the rest, refuses those
// past the stack's connection limits (in all, and per remote address), and starts one connection
// process for each WebSocket under the stack's connection supervisor.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIPv6, type Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import createDebug from 'debug';
import { WebSocketServer, type WebSocket } from 'ws';
import { Result, abortSignal, trapExit, type GenServer } from '@switchboard/actor';
import { advertisedSentBy } from './sent-by.js';
import type { Listener, TransportSet } from './transport-set.js';
import type { WsConnection } from './ws-connection.js';

const log = createDebug('switchboard:sip:ws-listener');

/** The WebSocket subprotocol of SIP (RFC 7118 §4.1, registered in §10.1). */
export const SIP_SUBPROTOCOL = 'sip';

/** What a WebSocket listener's process needs. */
export interface WsListenerArgs {
  /** `WS` (HTTP) or `WSS` (HTTPS, with `tls`). */
  readonly transport: 'WS' | 'WSS';
  /** The stack's transports: the listener joins them, and asks them whether a connection may be added. */
  readonly transports: TransportSet;
  /** The address to bind. */
  readonly host: string;
  /** The port to bind (0: a free one). */
  readonly port: number;
  /** The sent-by host of our Vias, when not the bound address. */
  readonly advertise: string | undefined;
  /** Certificates of a WSS listener. */
  readonly tls: TlsOptions | undefined;
  /** Largest WebSocket message taken; a larger one closes the connection with 1009 (RFC 6455 §7.4.1). */
  readonly maxMessageSize: number;
  /** How long the HTTP upgrade request may take to arrive (ms): a slow handshake holds no socket for long. */
  readonly handshakeTimeout: number;
  /** Starts the process of an accepted WebSocket. */
  readonly accept: (transport: 'WS' | 'WSS', ws: WebSocket, socket: Socket) => WsConnection;
}

interface State {
  readonly args: WsListenerArgs;
  readonly server: Server;
  readonly sockets: WebSocketServer;
  readonly listener: Listener;
}

/** True when the upgrade request's Sec-WebSocket-Protocol lists `sip` (RFC 6455 §4.1, §11.3.4). */
export function offersSip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((p) => p.trim() === SIP_SUBPROTOCOL);
}

/** Answers an upgrade with an HTTP error and closes the socket (RFC 6455 §4.2.2: no handshake). */
function refuse(socket: Socket, status: number, reason: string, detail: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(detail)}\r\n\r\n${detail}`);
}

/** The listener's process: one per `ws` or `wss` entry of the stack's `listen`. */
export const WsListener: GenServer<State, { call: never; reply: never; cast: never; info: never }, WsListenerArgs> = {
  behaviourName: 'sip_ws_listener',
  // its code after the await (listening) names no process: a program of synchronous callbacks
  // pays no tracking of awaits (GenServer.tracksAwaits)
  tracksAwaits: false,

  async init(args) {
    trapExit(true); // so that terminate runs when the stack's supervisor shuts down
    const sockets = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: args.maxMessageSize,
      handleProtocols: (protocols) => (protocols.has(SIP_SUBPROTOCOL) ? SIP_SUBPROTOCOL : false),
    });
    // A plain HTTP request: this port speaks only WebSocket (RFC 7231 §6.5.15, 426).
    const onRequest = (_request: IncomingMessage, response: ServerResponse): void => {
      response.writeHead(426, { Upgrade: 'websocket', Connection: 'Upgrade', 'Content-Type': 'text/plain' });
      response.end('SIP over WebSocket (RFC 7118): upgrade with Sec-WebSocket-Protocol: sip\n');
    };
    const server = args.transport === 'WSS' ? createHttpsServer(args.tls ?? {}, onRequest) : createServer(onRequest);
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      const address = socket.remoteAddress ?? '';
      // RFC 7118 §4.1: the handshake must agree on the `sip` subprotocol; without it, no WebSocket.
      if (!offersSip(request.headers['sec-websocket-protocol'])) {
        log('%s upgrade from %s:%d refused: no "sip" subprotocol', args.transport, address, socket.remotePort);
        refuse(socket, 400, 'Bad Request', 'Sec-WebSocket-Protocol must include "sip" (RFC 7118 section 4.1)\n');
        return;
      }
      const refused = args.transports.refusal(address);
      if (refused !== undefined) {
        log('%s connection from %s:%d refused: %s', args.transport, address, socket.remotePort, refused);
        refuse(socket, 503, 'Service Unavailable', `${refused}\n`);
        return;
      }
      socket.setNoDelay(true);
      sockets.handleUpgrade(request, socket, head, (ws) => {
        // The limits again: another upgrade may have been taken while this one completed.
        if (args.transports.refusal(address) !== undefined) {
          ws.close(1013, 'try again later');
          return;
        }
        args.transports.addConnection(args.accept(args.transport, ws, socket));
      });
    });
    server.on('clientError', (error: Error, socket: Socket) => {
      log('%s %s:%d: %s', args.transport, socket.remoteAddress, socket.remotePort, error.message);
      socket.destroy();
    });
    server.on('error', (error) => log('%s %s:%d: %s', args.transport, args.host, args.port, error.message));
    // Killed without terminate: stop listening as the process dies, so the port is freed.
    abortSignal().addEventListener(
      'abort',
      () => {
        server.close();
        sockets.close();
      },
      { once: true },
    );
    // A backstop that also counts handshakes still in progress, which the table does not hold yet.
    server.maxConnections = args.transports.maxConnections;
    if (Number.isFinite(args.handshakeTimeout)) {
      server.headersTimeout = args.handshakeTimeout;
      server.requestTimeout = args.handshakeTimeout;
    }
    server.listen(args.port, args.host);
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new TypeError('a WebSocket listener without an address');
    const family = isIPv6(address.address) ? 6 : 4;
    const listener: Listener = { transport: args.transport, family, address: address.address, port: address.port, sentBy: advertisedSentBy(address.address, address.port, family, args.advertise) };
    args.transports.addListener(listener);
    log('%s listening on %s:%d', args.transport, address.address, address.port);
    return Result.ok({ args, server, sockets, listener });
  },

  terminate(_reason, state) {
    state.args.transports.removeListener(state.listener);
    state.server.close();
    state.sockets.close();
  },
};
