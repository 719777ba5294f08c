// The stack's transports as one table (like an ETS table the transport processes share): the
// listeners, the open connections by remote address for reuse (RFC 3261 §18.1.1, §18.2.2) and
// counted per remote address for the limits, the hosts WebSocket clients name in their Contacts
// (RFC 7118 §5: reachable only over their own connection), and `send`, which picks the socket,
// the connection, or opens one.
import type { Socket as DatagramSocket } from 'node:dgram';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import createDebug from 'debug';
import { isWebSocket, type Connection, type Destination, type SentBy, type TransportName } from './endpoint.js';
import { SipTransportError } from './errors.js';

const log = createDebug('switchboard:sip:transport');

/** A listening socket of the stack. */
export interface Listener {
  /** The transport the listener serves. */
  readonly transport: TransportName;
  /** The IP version of the bound address. */
  readonly family: 4 | 6;
  /** The bound address and port. */
  readonly address: string;
  /** The bound port (the one the OS chose, when 0 was asked for). */
  readonly port: number;
  /** What goes in the sent-by of Vias this listener's requests carry. */
  readonly sentBy: SentBy;
  /** UDP listeners: the socket sends go out on. */
  readonly socket?: DatagramSocket;
}

/** Opens an outgoing stream connection; the stack starts its process. */
export type ConnectionOpener = (transport: 'TCP' | 'TLS', socket: Socket, address: string, port: number) => Connection;

/** How many stream connections the stack holds. */
export interface ConnectionLimits {
  /** In all, both directions. */
  readonly maxConnections: number;
  /** With one remote address, both directions. */
  readonly maxConnectionsPerAddress: number;
}

export class TransportSet {
  readonly listeners: Listener[] = [];
  private readonly connections = new Map<string, Connection>();
  /** Connections in `connections` by lower-cased remote address. */
  private readonly perAddress = new Map<string, number>();
  /** WebSocket connections by the `host:port` their clients' Contacts name (see `claimAlias`). */
  private readonly aliases = new Map<string, Connection>();
  /** The aliases each connection holds, to drop them when it closes. */
  private readonly aliasesOf = new Map<Connection, string[]>();
  /** Set by the stack once its connection supervisor runs. */
  opener: ConnectionOpener | undefined;
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;

  constructor(
    limits: ConnectionLimits,
    private readonly tlsClient: ConnectionOptions | undefined,
    private readonly now: () => number,
  ) {
    this.maxConnections = limits.maxConnections;
    this.maxConnectionsPerAddress = limits.maxConnectionsPerAddress;
  }

  static connectionKey(transport: TransportName, address: string, port: number): string {
    return `${transport}|${address.toLowerCase()}|${port}`;
  }

  addListener(listener: Listener): void {
    this.listeners.push(listener);
  }

  removeListener(listener: Listener): void {
    const at = this.listeners.indexOf(listener);
    if (at >= 0) this.listeners.splice(at, 1);
  }

  /** The listener whose Via a request sent over `transport` to `address` carries. */
  listenerFor(transport: TransportName, address: string): Listener | undefined {
    // an address here is an IP literal (resolved): only IPv6's hold a colon (net.isIPv6's
    // regular expression cost 3 µs on every UDP send)
    const family = address.includes(':') ? 6 : 4;
    return this.listeners.find((l) => l.transport === transport && l.family === family) ?? this.listeners.find((l) => l.transport === transport);
  }

  hasTransport(transport: TransportName): boolean {
    return this.listeners.some((l) => l.transport === transport);
  }

  /** True when `host:port` is the sent-by of one of this stack's listeners (RFC 3261 §18.1.2). */
  isOwnSentBy(host: string, port: number | null, transport: string): boolean {
    const lower = host.toLowerCase();
    return this.listeners.some((l) => l.sentBy.host.toLowerCase() === lower && (port ?? (transport === 'TLS' ? 5061 : 5060)) === l.sentBy.port);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Open connections with `address` (either direction). */
  connectionsWith(address: string): number {
    return this.perAddress.get(address.toLowerCase()) ?? 0;
  }

  /**
   * Why a new connection with `address` may not be added (the limit reached), or undefined when
   * it may.
   */
  refusal(address: string): string | undefined {
    if (this.connections.size >= this.maxConnections) return `at most ${this.maxConnections} connections`;
    if (this.connectionsWith(address) >= this.maxConnectionsPerAddress) return `at most ${this.maxConnectionsPerAddress} connections with ${address}`;
    return undefined;
  }

  addConnection(connection: Connection): void {
    const key = TransportSet.connectionKey(connection.transport, connection.remoteAddress, connection.remotePort);
    const replaced = this.connections.get(key);
    this.connections.set(key, connection);
    // the per-address count follows the table: a connection replacing another under its key adds none
    if (replaced === undefined) {
      const address = connection.remoteAddress.toLowerCase();
      this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    }
  }

  removeConnection(connection: Connection): void {
    const key = TransportSet.connectionKey(connection.transport, connection.remoteAddress, connection.remotePort);
    if (this.connections.get(key) !== connection) return;
    this.connections.delete(key);
    const address = connection.remoteAddress.toLowerCase();
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
    for (const alias of this.aliasesOf.get(connection) ?? []) if (this.aliases.get(alias) === connection) this.aliases.delete(alias);
    this.aliasesOf.delete(connection);
  }

  static aliasKey(host: string, port: number | null | undefined): string {
    return `${host.toLowerCase()}:${port ?? ''}`;
  }

  /**
   * Notes that a Contact received over the WebSocket `connection` names `host:port` (RFC 7118 §5: a
   * browser's `sip:x@abc.invalid;transport=ws`), so that requests to it go over that connection.
   * The first live connection to claim a name keeps it until it closes: another cannot take its
   * requests over by naming the same host. Returns false when the name is held by another.
   */
  claimAlias(host: string, port: number | null | undefined, connection: Connection): boolean {
    const key = TransportSet.aliasKey(host, port);
    const holder = this.aliases.get(key);
    if (holder === connection) return true;
    if (holder !== undefined && !holder.closed) return false;
    this.aliases.set(key, connection);
    const held = this.aliasesOf.get(connection);
    if (held === undefined) this.aliasesOf.set(connection, [key]);
    else held.push(key);
    return true;
  }

  /** The live WebSocket connection whose client named `host:port` in a Contact, if any. */
  aliasConnection(host: string, port: number | null | undefined): Connection | undefined {
    const connection = this.aliases.get(TransportSet.aliasKey(host, port));
    return connection === undefined || connection.closed ? undefined : connection;
  }

  findConnection(transport: TransportName, address: string, port: number): Connection | undefined {
    return this.connections.get(TransportSet.connectionKey(transport, address, port));
  }

  allConnections(): Connection[] {
    return [...this.connections.values()];
  }

  /**
   * Sends `bytes` to `destination`. Failures — none reported synchronously — reach `onError`: a
   * missing listener, a refused or reset connection, a socket error.
   */
  send(destination: Destination, bytes: Buffer, onError: (error: SipTransportError) => void): void {
    if (destination.transport === 'UDP') {
      const listener = this.listenerFor('UDP', destination.address);
      if (listener?.socket === undefined) return fail(onError, new SipTransportError('no UDP listener', destination));
      listener.socket.send(bytes, destination.port, destination.address, (error) => {
        if (error) onError(new SipTransportError(`UDP send failed: ${error.message}`, destination, error));
      });
      return;
    }
    let connection = destination.connection;
    if (connection === undefined || connection === null || connection.closed) {
      const found = this.findConnection(destination.transport, destination.address, destination.port);
      connection = found !== undefined && !found.closed ? found : isWebSocket(destination.transport) ? this.unreachable(destination, onError) : this.open(destination, onError);
      if (connection === undefined) return;
    }
    connection.lastActive = this.now();
    connection.write(bytes, (error) => {
      if (error) onError(new SipTransportError(`write failed: ${error.message}`, destination, error));
    });
  }

  /** RFC 7118 §5: the stack does not open WebSocket connections; a closed one cannot be replaced. */
  private unreachable(destination: Destination, onError: (error: SipTransportError) => void): undefined {
    return fail(onError, new SipTransportError('no open WebSocket connection (a WebSocket client is reachable only over its own connection)', destination));
  }

  private open(destination: Destination, onError: (error: SipTransportError) => void): Connection | undefined {
    if (this.opener === undefined) return fail(onError, new SipTransportError('the stack is not running', destination));
    const refused = this.refusal(destination.address);
    if (refused !== undefined) {
      log('not opening %s to %s:%d: %s', destination.transport, destination.address, destination.port, refused);
      return fail(onError, new SipTransportError(refused, destination));
    }
    const transport = destination.transport as 'TCP' | 'TLS';
    if (transport === 'TLS' && this.tlsClient === undefined && !this.hasTransport('TLS')) return fail(onError, new SipTransportError('no TLS configured', destination));
    log('opening %s to %s:%d', transport, destination.address, destination.port);
    // Writes made while connecting are buffered by the socket; a failed connect fails them.
    const socket: Socket =
      transport === 'TLS' ? connectTls({ ...this.tlsClient, host: destination.address, port: destination.port }) : connectTcp({ host: destination.address, port: destination.port });
    socket.setNoDelay(true);
    const connection = this.opener(transport, socket, destination.address, destination.port);
    this.addConnection(connection);
    return connection;
  }
}

function fail(onError: (error: SipTransportError) => void, error: SipTransportError): undefined {
  queueMicrotask(() => onError(error));
  return undefined;
}
