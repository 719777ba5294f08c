// Where messages come from and go to: the transport names of a Via, sources of received messages
// and destinations of sent ones.
import type { Socket } from 'node:net';
import type { Pid } from '@switchboard/actor';

/** Transport names as a Via writes them. */
export type TransportName = 'UDP' | 'TCP' | 'TLS';

export function isReliable(transport: TransportName): boolean {
  return transport !== 'UDP';
}

/** A stream connection (TCP or TLS) the stack holds, in either direction. */
export interface Connection {
  readonly transport: 'TCP' | 'TLS';
  /** The connection's process, once it runs. */
  readonly pid: Pid | null;
  readonly socket: Socket;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The runtime clock's time of the last read or write. */
  lastActive: number;
}

/** Where a received message came from (RFC 3261 §18.2.1 needs the source address and port). */
export interface Source {
  readonly transport: TransportName;
  readonly address: string;
  readonly port: number;
  /** The connection it arrived on (stream transports). */
  readonly connection: Connection | null;
}

/** Where to send a message. */
export interface Destination {
  readonly transport: TransportName;
  readonly address: string;
  readonly port: number;
  /** Send on this connection while it is open (responses, §18.2.2); else one is found or opened. */
  readonly connection?: Connection | null;
}

/** What a listener advertises in the Via of requests it sends (sent-by). */
export interface SentBy {
  readonly host: string;
  readonly port: number;
}

export function formatDestination(destination: Destination): string {
  const host = destination.address.includes(':') ? `[${destination.address}]` : destination.address;
  return `${destination.transport} ${host}:${destination.port}`;
}
