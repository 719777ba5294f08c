// Where messages come from and go to: the transport names of a Via, sources of received messages
// and destinations of sent ones, and the connection a stream or WebSocket transport holds.
import type { Socket } from 'node:net';
import type { Pid } from '@switchboard/actor';

/** Transport names as a Via writes them (`WS` and `WSS`: RFC 7118 §5.2.1). */
export type TransportName = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

/** The transports that run over a connection: TCP and TLS streams, WebSockets (RFC 7118). */
export type ConnectionTransport = Exclude<TransportName, 'UDP'>;

/**
 * True for WS and WSS: a WebSocket peer (a browser, most of all) cannot be connected to, so a
 * message reaches it only over a connection it opened (RFC 7118 §5).
 */
export function isWebSocket(transport: TransportName): transport is 'WS' | 'WSS' {
  return transport === 'WS' || transport === 'WSS';
}

/** True for every transport but UDP (RFC 3261 §17: the transaction timers differ). */
export function isReliable(transport: TransportName): boolean {
  return transport !== 'UDP';
}

/** A connection (TCP, TLS, WS or WSS) the stack holds, in either direction. */
export interface Connection {
  /** The transport the connection runs. */
  readonly transport: ConnectionTransport;
  /** The connection's process, once it runs. */
  readonly pid: Pid | null;
  /** The connection's socket (under a WebSocket, the TCP or TLS one); the connection's process owns it. */
  readonly socket: Socket;
  /** True once the connection can carry nothing more (closed, closing or destroyed). */
  readonly closed: boolean;
  /**
   * Sends one whole message: written to a stream, or as one WebSocket message (RFC 7118 §5.1).
   * `done` hears of the write's end, with the error when it failed.
   */
  write(bytes: Buffer, done: (error?: Error | null) => void): void;
  /** The peer's IP address. */
  readonly remoteAddress: string;
  /** The peer's port. */
  readonly remotePort: number;
  /** The runtime clock's time of the last read or write. */
  lastActive: number;
}

/** Where a received message came from (RFC 3261 §18.2.1 needs the source address and port). */
export interface Source {
  /** The transport the message arrived on. */
  readonly transport: TransportName;
  /**
   * The IP address it came from: what RFC 3261 §18.2.1 compares with the Via's sent-by, and writes
   * in `received`.
   */
  readonly address: string;
  /** The port it came from, for `rport` (RFC 3581). */
  readonly port: number;
  /** The connection it arrived on (stream transports). */
  readonly connection: Connection | null;
}

/** Where to send a message. */
export interface Destination {
  /** The transport to send on. */
  readonly transport: TransportName;
  /** The IP address to send to (names are resolved before a destination is made). */
  readonly address: string;
  /** The port to send to. */
  readonly port: number;
  /** Send on this connection while it is open (responses, §18.2.2); else one is found or opened. */
  readonly connection?: Connection | null;
}

/** What a listener advertises in the Via of requests it sends (sent-by). */
export interface SentBy {
  /** The host written in the Via: a name or an address. */
  readonly host: string;
  /** The port written in the Via. */
  readonly port: number;
}

/** `WS 192.0.2.1:5060`, for logs and error messages. */
export function formatDestination(destination: Destination): string {
  const host = destination.address.includes(':') ? `[${destination.address}]` : destination.address;
  return `${destination.transport} ${host}:${destination.port}`;
}
