// What a SIP stack is started with: its listeners, its core, its timers and the limits that keep a
// flood from the network bounded, with their defaults; and the options of sending a request.
import type { TlsOptions, ConnectionOptions } from 'node:tls';
import type { ParseLimits } from './message/parser.js';
import type { Uri } from './message/uri.js';
import type { CoreFactory } from './core.js';
import type { CancelHandling } from './router.js';
import type { TimerBase } from './transaction/timers.js';
import type { Destination } from './transport/endpoint.js';
import type { LocateOption } from './locate/failover.js';

/**
 * The defaults of the stack's limits (`StackOptions`), each sized so that a flood from the network
 * is refused before it exhausts memory or file descriptors:
 * - `maxTransactions`: a live transaction costs about 7.6 kB of heap (the sip-stack benchmark) and
 *   12.5 kB of resident memory under load (an OPTIONS flood held 95,926 in 1.2 GB), so 50,000 stay
 *   within about 625 MB. Each lives up to 64·T1 (32 s, Timers J and L) after its final response,
 *   so 50,000 sustain about 750 calls/s or 1,500 non-INVITE requests/s over UDP; raise it for more.
 * - `retryAfter`: seconds in the Retry-After of the 503 sent past `maxTransactions`.
 * - `maxConnections` and `maxConnectionsPerAddress`: stream connections in all, and with one
 *   remote address (both directions).
 * - `idleTimeout`: ms without a whole message or keep-alive ping either way before a stream
 *   connection is closed.
 * - `partialMessageTimeout`: ms a stream connection may hold part of a message (a slowloris
 *   trickle): 64·T1 with the default T1, by when the sender's Timer B or F has given up on it.
 */
export const DEFAULT_STACK_LIMITS = {
  maxTransactions: 50_000,
  retryAfter: 10,
  maxConnections: 1024,
  maxConnectionsPerAddress: 64,
  idleTimeout: 120_000,
  partialMessageTimeout: 32_000,
} as const;

/**
 * One listener of a stack: a transport bound to an address and port (RFC 3261 §18: UDP and TCP on
 * 5060, TLS on 5061 by default; RFC 7118: SIP over WebSocket, `ws` and `wss`, on HTTP's 80 and 443).
 *
 * A `ws` or `wss` listener takes WebSocket upgrades (on any path) that ask for the `sip`
 * subprotocol and refuses others with a 400 (RFC 7118 §4.1); each WebSocket message carries one
 * SIP message, text or binary, with or without Content-Length (§5.1); our Vias say `WS` or `WSS`
 * (§5.2.1). The stack never opens a WebSocket: a request to a Contact with `;transport=ws` (or
 * `wss`) goes over the open WebSocket whose client sent that Contact (§5), and fails with
 * `SipTransportError` once it has closed. WebSockets count against the same connection limits as
 * TCP (`maxConnections`, `maxConnectionsPerAddress`, `idleTimeout`, `partialMessageTimeout`);
 * a WebSocket message over `limits.maxMessageSize` closes the connection with 1009.
 *
 * @example
 * const listen: ListenOptions[] = [{ transport: 'udp', port: 5060 }, { transport: 'ws', port: 5066 }];
 */
export interface ListenOptions {
  /** The transport to listen on; `tls` and `wss` need `tls` certificates. */
  readonly transport: 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';
  /** Default 127.0.0.1; '::1' or '::' for IPv6. */
  readonly host?: string;
  /**
   * Default 5060 (5061 for TLS, 80 for WS, 443 for WSS); 0 picks a free port (read it from
   * `stack.listeners`).
   */
  readonly port?: number;
  /** The sent-by host of our Vias (default the bound address). */
  readonly advertise?: string;
  /** Certificates for a TLS or WSS listener. */
  readonly tls?: TlsOptions;
  /** UDP: socket buffer sizes in bytes (default 4 MiB, capped by the kernel). */
  readonly bufferSize?: number;
}

/**
 * Options of {@link startStack} and {@link stackChild}: the listeners, the core, the timers and the
 * limits that keep a flood from the network bounded.
 */
export interface StackOptions {
  /** One or more listeners; several of one transport are allowed (IPv4 and IPv6, say). */
  readonly listen: readonly ListenOptions[];
  /**
   * Makes the core that receives requests, responses and errors (see {@link Core}); called again on
   * each restart of the core process.
   */
  readonly core: CoreFactory;
  /** T1, T2 and T4 in ms (defaults 500, 4000, 5000). */
  readonly timers?: Partial<TimerBase>;
  /** Parser limits for every transport. */
  readonly limits?: ParseLimits;
  /** Most stream connections open at once, both directions (default 1024). */
  readonly maxConnections?: number;
  /**
   * Most stream connections open at once with one remote address, both directions (default 64);
   * past it a new connection from that address is refused.
   */
  readonly maxConnectionsPerAddress?: number;
  /**
   * A stream connection with no whole message and no keep-alive ping either way for this long is
   * closed (default 120,000 ms). Octets of a message still incomplete do not count.
   */
  readonly idleTimeout?: number;
  /**
   * A stream connection holding part of a message for this long is closed (default 32,000 ms,
   * 64·T1): a peer trickling a message octet by octet cannot hold a connection.
   */
  readonly partialMessageTimeout?: number;
  /**
   * Most live transactions, server and client; past it a new request is answered `503 Service
   * Unavailable` with a Retry-After, statelessly, and no process is started (default 50,000; see
   * `DEFAULT_STACK_LIMITS` for the sizing; `Infinity` for no limit).
   */
  readonly maxTransactions?: number;
  /** Seconds in the Retry-After of the 503 sent past `maxTransactions` (default 10). */
  readonly retryAfter?: number;
  /**
   * Who answers a CANCEL (RFC 3261 §9.2): `'answer'` (default): the stack answers 200 (481 when no
   * INVITE matches) and hands the core the INVITE's server transaction; `'core'`: the CANCEL gets
   * its own server transaction and reaches the core like any request, as a stateless proxy that
   * forwards it needs (§16.11).
   */
  readonly cancel?: CancelHandling;
  /** Options for TLS connections the stack opens (CA, servername…). */
  readonly tlsClient?: ConnectionOptions;
  /**
   * Server location (RFC 3263): a `ServerLocator`, or its options for one on the runtime's clock.
   * With it, `sendRequest` finds the next hop through NAPTR, SRV and A/AAAA records and fails over
   * to the next target on a transport error, a timeout or a 503 (§4.3). Without it a host name
   * gets an A/AAAA lookup and one target.
   */
  readonly locate?: LocateOption;
}

/** Options of {@link SipStack.sendRequest}. */
export interface SendRequestOptions {
  /** Send here instead of the next hop the Route set or Request-URI names. */
  readonly destination?: Destination | Uri;
  /**
   * `'add'` (default): the stack puts its own top Via (sent-by, a new branch, rport). `'keep'`: the
   * request already carries it (a CANCEL, a request the core numbered itself).
   */
  readonly via?: 'add' | 'keep';
  /**
   * Send without a client transaction (a stateless proxy, RFC 3261 §16.11): straight to the
   * transport, resolving to null; responses reach `receiveResponse` with a null transaction. The
   * added Via's branch is derived from the request's own top Via, so a retransmission forwarded
   * again carries the same branch.
   */
  readonly stateless?: boolean;
}
