// A SIP stack: transports, the transaction supervisor and the core as one supervision tree
// (rest_for_one: the transaction table, the connections, the core, then the listeners), and the
// API a core uses to send requests and responses.
import type { TlsOptions, ConnectionOptions } from 'node:tls';
import type { Socket } from 'node:net';
import createDebug from 'debug';
import { createHash } from 'node:crypto';
import { send, startChild, startDynamicSupervisor, startSupervisor, stop, worker, type ChildSpec, type Pid, type Runtime, type SupervisorPid } from '@switchboard/actor';
import type { WebSocket } from 'ws';
import { MAGIC_COOKIE, newBranch } from './message/builders.js';
import { cancelFor } from './transaction/cancel.js';
import type { SipRequest, SipResponse } from './message/message.js';
import { DEFAULT_LIMITS, type ParseLimits } from './message/parser.js';
import { serializeMessage } from './message/serializer.js';
import { isSipUri, uriParam, type Uri } from './message/uri.js';
import type { Via } from './message/headers/via.js';
import { CoreProcess, type CoreFactory, type CoreProtocol } from './core.js';
import { Router, type CancelHandling } from './router.js';
import { ClientTransactionProcess } from './transaction/client-transaction.js';
import type { CoreMessage, TransactionEnvironment } from './transaction/environment.js';
import { ClientTransaction } from './transaction/handles.js';
import { HeldTransactionsProcess } from './transaction/held-process.js';
import { HeldTransactions } from './transaction/held-transactions.js';
import { clientKeyOfRequest } from './transaction/key.js';
import { TransactionTable } from './transaction/table.js';
import { DEFAULT_TIMERS, transactionTimers, type TimerBase } from './transaction/timers.js';
import { ConnectionProcess, StreamConnection, type ConnectionArgs } from './transport/connection.js';
import { isWebSocket, type Destination, type TransportName } from './transport/endpoint.js';
import { SipTransportError } from './transport/errors.js';
import { nextHopUri, resolveUri } from './transport/next-hop.js';
import { responseTarget } from './transport/response-target.js';
import { StreamListener } from './transport/stream-listener.js';
import { TransportSet, type Listener } from './transport/transport-set.js';
import { DEFAULT_UDP_BUFFER, UdpTransport } from './transport/udp.js';
import { WsConnection, WsConnectionProcess } from './transport/ws-connection.js';
import { WsListener } from './transport/ws-listener.js';
import { Failover, type LocateOption } from './locate/failover.js';

const log = createDebug('switchboard:sip:stack');

/** RFC 3261 §18.1.1: a request over 1300 octets (path MTU unknown) goes over TCP instead of UDP. */
export const UDP_SIZE_LIMIT = 1300;

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

/** A snapshot of what a stack holds, for a status page or metrics. */
export interface StackStats {
  /** Live server transactions. */
  readonly serverTransactions: number;
  /** Live client transactions. */
  readonly clientTransactions: number;
  /** Open connections (TCP, TLS and WebSocket), both directions. */
  readonly connections: number;
}

/** A running stack: the API a core (and its owner) uses. */
export class SipStack {
  /** @internal */ readonly transports: TransportSet;
  /** @internal */ readonly table = new TransactionTable();
  /** @internal the transactions held without a process until their last timer */
  readonly held: HeldTransactions;
  /** @internal */ readonly router: Router;
  /** @internal */ core: Pid<CoreProtocol> | null = null;
  /** @internal */ transactionSupervisor: SupervisorPid | null = null;
  /** @internal */ connectionSupervisor: SupervisorPid | null = null;
  /** The stack's root supervisor. */
  supervisor!: SupervisorPid;
  private readonly env: TransactionEnvironment;
  /** @internal RFC 3263 §4.3 failover; null without `options.locate` */
  readonly failover: Failover | null;

  /** @internal use startStack */
  constructor(
    /** The runtime the stack's processes run on; its clock drives every transaction timer. */
    readonly runtime: Runtime,
    /** The options the stack was started with. */
    readonly options: StackOptions,
  ) {
    this.transports = new TransportSet(
      { maxConnections: options.maxConnections ?? DEFAULT_STACK_LIMITS.maxConnections, maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? DEFAULT_STACK_LIMITS.maxConnectionsPerAddress },
      options.tlsClient,
      () => runtime.clock.now(),
    );
    const timers: TimerBase = { ...DEFAULT_TIMERS, ...options.timers };
    this.failover = options.locate === undefined ? null : new Failover(this, options.locate);
    // A failover retry (RFC 3263 §4.3) outlives the transaction whose failure starts it: Failover
    // runs it detached from that transaction's process (see failover.ts).
    const toCore = (message: CoreMessage): void => {
      const failover = this.failover;
      if (failover !== null && failover.intercept(message)) return;
      if (this.core !== null) send(this.core, message);
      else log('no core running: %s dropped', message.constructor.name);
    };
    this.held = new HeldTransactions({ table: this.table, transports: this.transports, toCore, now: () => runtime.clock.now() });
    this.env = {
      transports: this.transports,
      table: this.table,
      held: this.held,
      timers,
      unreliableTimers: transactionTimers(timers, false),
      reliableTimers: transactionTimers(timers, true),
      toCore,
    };
    this.router = new Router(this.env, () => this.transactionSupervisor, {
      maxTransactions: options.maxTransactions ?? DEFAULT_STACK_LIMITS.maxTransactions,
      retryAfter: options.retryAfter ?? DEFAULT_STACK_LIMITS.retryAfter,
    }, options.cancel ?? 'answer');
  }

  /** The bound listeners (ports filled in when 0 was asked). */
  get listeners(): readonly Listener[] {
    return this.transports.listeners;
  }

  /** The listener of `transport` (the first one), to learn its port. */
  listener(transport: TransportName): Listener | undefined {
    return this.transports.listeners.find((l) => l.transport === transport);
  }

  /**
   * Sends a request. Every request but an ACK gets a client transaction (returned once it is
   * registered; its responses reach `receiveResponse`). An ACK goes straight to the transport and
   * resolves to null. Rejects with `SipTransportError` when the destination cannot be resolved or
   * no listener serves its transport.
   *
   * Options: `destination` overrides the next hop; `via: 'keep'` keeps the request's own top Via.
   */
  async sendRequest(request: SipRequest, options: SendRequestOptions = {}): Promise<ClientTransaction | null> {
    const target = options.destination ?? nextHopUri(request);
    const webSocket = 'transport' in target ? undefined : this.webSocketDestination(target);
    // RFC 3263 §4: with a locator, the next hop's targets in order, to fail over along (§4.3).
    const located = options.destination === undefined && webSocket === undefined && this.failover !== null ? await this.failover.locate(request) : undefined;
    let destination = 'transport' in target ? target : (webSocket ?? located?.current ?? (await resolveUri(target)));
    if (options.via !== 'keep') this.addVia(request, destination, options.stateless === true);
    else if (request.topVia === undefined) throw new SipTransportError('via: keep, but the request has no Via', destination);
    let bytes = serializeMessage(request);
    // §18.1.1: too large for UDP without a known path MTU: TCP, with the Via saying so.
    if (destination.transport === 'UDP' && bytes.length > UDP_SIZE_LIMIT && this.transports.hasTransport('TCP')) {
      destination = { ...destination, transport: 'TCP' };
      const via = request.headers.shift('via')!;
      request.headers.prepend('Via', { ...via, transport: 'TCP' });
      bytes = serializeMessage(request);
    }
    if (request.method === 'ACK' || options.stateless === true) {
      this.transports.send(destination, bytes, (error) => log('%s not sent: %s', request.method, error.message));
      return null;
    }
    const handle = new ClientTransaction(clientKeyOfRequest(request), request, destination);
    const supervisor = this.transactionSupervisor;
    if (supervisor === null) throw new SipTransportError('the stack is not running', destination);
    this.table.clients.set(handle.key, handle);
    if (located !== undefined) this.failover!.track(handle, located);
    try {
      await startChild(supervisor, {
        id: 'sip-client-transaction',
        restart: 'temporary',
        shutdown: 'brutal_kill',
        start: ({ runtime, supervisor: parent }) => runtime.start(ClientTransactionProcess, { env: this.env, handle, bytes }, { link: parent }),
      });
    } catch (error) {
      if (this.table.clients.get(handle.key) === handle) this.table.clients.delete(handle.key);
      throw error;
    }
    return handle;
  }

  /**
   * CANCELs an INVITE this stack sent (RFC 3261 §9.1): same Request-URI, Call-ID, From, To, CSeq
   * number, Route and top Via as the INVITE, sent to the same destination in its own client
   * transaction.
   */
  cancel(invite: ClientTransaction): Promise<ClientTransaction | null> {
    if (invite.method !== 'INVITE') throw new TypeError(`only an INVITE can be cancelled, not ${invite.method}`);
    return this.sendRequest(cancelFor(invite.request), { destination: invite.destination, via: 'keep' });
  }

  /**
   * Sends a response with no server transaction (a stateless proxy, §16.11): to the connection it
   * came on if still open, else by its top Via (§18.2.2). A Via of WS or WSS names a WebSocket
   * client: the response goes over its connection, found by the received address and rport, or
   * by the Via host its Contacts named (RFC 7118 §5).
   */
  sendResponse(response: SipResponse): void {
    const via = response.topVia;
    if (via === undefined) throw new SipTransportError('a response without a Via');
    let target = responseTarget(via, null);
    const transport = via.transport.toUpperCase() as TransportName;
    if (isWebSocket(transport)) {
      const connection = this.transports.findConnection(transport, target.address, target.port) ?? this.transports.aliasConnection(via.host, via.port);
      target = connection === undefined ? { ...target, transport } : { transport: connection.transport, address: connection.remoteAddress, port: connection.remotePort };
    }
    const connection = target.transport === 'UDP' ? null : (this.transports.findConnection(target.transport, target.address, target.port) ?? null);
    this.transports.send({ ...target, connection }, serializeMessage(response), (error) => log('response not sent: %s', error.message));
  }

  /**
   * RFC 7118 §5: a URI with `;transport=ws` or `wss` names a WebSocket client, reachable only over
   * the connection whose client named that host in a Contact. Returns that connection's
   * destination, undefined for any other URI; throws when no such connection is open.
   */
  private webSocketDestination(uri: Uri): Destination | undefined {
    if (!isSipUri(uri)) return undefined;
    const param = uriParam(uri, 'transport');
    if (typeof param !== 'string' || !/^wss?$/i.test(param)) return undefined;
    const connection = this.transports.aliasConnection(uri.host, uri.port);
    if (connection === undefined) throw new SipTransportError(`no open WebSocket connection from the client ${uri.host}${uri.port === null ? '' : `:${uri.port}`} (RFC 7118 §5: it is reachable only over its own)`);
    return { transport: connection.transport, address: connection.remoteAddress, port: connection.remotePort, connection };
  }

  /** Counts what the stack holds now; cheap enough to call on every scrape. */
  stats(): StackStats {
    return { serverTransactions: this.table.serverCount, clientTransactions: this.table.clientCount, connections: this.transports.connectionCount };
  }

  /** Stops the whole tree: listeners, core, connections, transactions (in reverse start order). */
  async stop(): Promise<void> {
    await stop(this.supervisor, 'shutdown');
  }

  private addVia(request: SipRequest, destination: Destination, stateless: boolean): void {
    const listener = this.transports.listenerFor(destination.transport, destination.address);
    if (listener === undefined) throw new SipTransportError(`no ${destination.transport} listener`, destination);
    const branch = stateless ? statelessBranch(request) : newBranch();
    const via: Via = { protocol: 'SIP/2.0', transport: destination.transport, host: listener.sentBy.host, port: listener.sentBy.port, params: [['branch', branch], ['rport', null]] };
    request.headers.prepend('Via', via);
  }

  /** @internal an accepted WebSocket: its process under the connection supervisor */
  startWsConnection(transport: 'WS' | 'WSS', ws: WebSocket, socket: Socket): WsConnection {
    const connection = new WsConnection(transport, ws, socket, socket.remoteAddress ?? '', socket.remotePort ?? 0, this.runtime.clock.now());
    this.superviseConnection('sip-ws-connection', connection, (runtime, common, parent) => runtime.start(WsConnectionProcess, { ...common, connection }, { link: parent }), () => ws.terminate());
    return connection;
  }

  /** @internal a stream connection opened or accepted: its process under the connection supervisor */
  startConnection(transport: 'TCP' | 'TLS', socket: Socket, address: string, port: number): StreamConnection {
    const connection = new StreamConnection(transport, socket, address, port, this.runtime.clock.now());
    this.superviseConnection('sip-connection', connection, (runtime, common, parent) => runtime.start(ConnectionProcess, { ...common, connection }, { link: parent }), () => socket.destroy());
    return connection;
  }

  /**
   * Starts a connection's process under the connection supervisor with the stack's limits; when it
   * cannot run (the stack stopping, the supervisor refusing), the connection leaves the table and
   * `abandon` closes its socket.
   */
  private superviseConnection(
    id: string,
    connection: StreamConnection | WsConnection,
    start: (runtime: Runtime, common: Omit<ConnectionArgs, 'connection'>, parent: Pid) => Promise<Pid>,
    abandon: () => void,
  ): void {
    const supervisor = this.connectionSupervisor;
    if (supervisor === null) {
      abandon();
      return;
    }
    const spec: ChildSpec = {
      id,
      restart: 'temporary',
      // Not brutal_kill: terminate must run to close the socket.
      shutdown: 1000,
      start: ({ runtime, supervisor: parent }) =>
        start(
          runtime,
          {
            transports: this.transports,
            inbound: this.router,
            limits: this.options.limits ?? {},
            idleTimeout: this.options.idleTimeout ?? DEFAULT_STACK_LIMITS.idleTimeout,
            partialMessageTimeout: this.options.partialMessageTimeout ?? DEFAULT_STACK_LIMITS.partialMessageTimeout,
            now: () => runtime.clock.now(),
          },
          parent,
        ),
    };
    startChild(supervisor, spec).catch((error: unknown) => {
      log('%s process not started: %s', id, error instanceof Error ? error.message : String(error));
      this.transports.removeConnection(connection);
      abandon();
    });
  }
}

/** The port of a listener that names none: RFC 3261 §19.1.2 for SIP, HTTP's for WebSocket (RFC 6455 §3). */
const DEFAULT_PORTS = { udp: 5060, tcp: 5060, tls: 5061, ws: 80, wss: 443 } as const;

function finite(limit: number): number | undefined {
  return Number.isFinite(limit) ? limit : undefined;
}

/** §16.11: the same branch for every retransmission of a request a stateless proxy forwards. */
function statelessBranch(request: SipRequest): string {
  const hash = createHash('sha1');
  hash.update(request.headers.values('Via')[0] ?? '');
  hash.update(`\u0000${request.callId}\u0000${request.headers.get('CSeq')}\u0000${request.method}`);
  return `${MAGIC_COOKIE}${hash.digest('base64url').slice(0, 22)}`;
}

/**
 * Starts a stack: a supervisor over the transaction supervisor, the connection supervisor, the
 * core process and one process per listener. Resolves once every listener is bound.
 *
 * @example
 * const stack = await startStack(runtime, { listen: [{ transport: 'udp', port: 5060 }], core: (stack) => new MyCore(stack) });
 */
export async function startStack(runtime: Runtime, options: StackOptions, startOptions: { readonly link?: Pid } = {}): Promise<SipStack> {
  const stack = new SipStack(runtime, options);
  stack.transports.opener = (transport, socket, address, port) => stack.startConnection(transport, socket, address, port);
  const dynamic = (id: string, set: (pid: SupervisorPid, runtime: Runtime) => unknown, maxChildren?: number): ChildSpec => ({
    id,
    type: 'supervisor',
    shutdown: 'infinity',
    start: async ({ runtime: rt, supervisor }) => {
      const pid = await startDynamicSupervisor(rt, { intensity: 1_000_000, period: 1, ...(maxChildren === undefined ? {} : { maxChildren }) }, { link: supervisor });
      await set(pid, rt);
      return pid;
    },
  });
  const children: ChildSpec[] = [
    // The router admits by the same count before starting anything; the supervisor's cap backs it up.
    // The held transactions' process lives and dies with the transaction supervisor, linked to it.
    dynamic(
      'transactions',
      (pid, rt) => {
        stack.transactionSupervisor = pid;
        return rt.start(HeldTransactionsProcess, stack.held, { link: pid });
      },
      finite(options.maxTransactions ?? DEFAULT_STACK_LIMITS.maxTransactions),
    ),
    dynamic('connections', (pid) => (stack.connectionSupervisor = pid)),
    worker('core', CoreProcess, { factory: options.core, stack, started: (pid) => (stack.core = pid) }),
  ];
  for (const [index, listen] of options.listen.entries()) {
    const host = listen.host ?? '127.0.0.1';
    const port = listen.port ?? DEFAULT_PORTS[listen.transport];
    if (listen.transport === 'ws' || listen.transport === 'wss') {
      const transport = listen.transport === 'wss' ? 'WSS' : 'WS';
      children.push(
        worker(`${listen.transport}-${index}`, WsListener, {
          transport,
          transports: stack.transports,
          host,
          port,
          advertise: listen.advertise,
          tls: listen.tls,
          maxMessageSize: options.limits?.maxMessageSize ?? DEFAULT_LIMITS.maxMessageSize,
          handshakeTimeout: options.partialMessageTimeout ?? DEFAULT_STACK_LIMITS.partialMessageTimeout,
          accept: (t: 'WS' | 'WSS', ws: WebSocket, socket: Socket) => stack.startWsConnection(t, ws, socket),
        }),
      );
    } else if (listen.transport === 'udp') {
      children.push(worker(`udp-${index}`, UdpTransport, { transports: stack.transports, inbound: stack.router, host, port, advertise: listen.advertise, limits: options.limits ?? {}, bufferSize: listen.bufferSize ?? DEFAULT_UDP_BUFFER }));
    } else {
      const transport = listen.transport === 'tls' ? 'TLS' : 'TCP';
      children.push(
        worker(`${listen.transport}-${index}`, StreamListener, {
          transport,
          transports: stack.transports,
          host,
          port,
          advertise: listen.advertise,
          tls: listen.tls,
          accept: (t: 'TCP' | 'TLS', socket: Socket) => stack.startConnection(t, socket, socket.remoteAddress ?? '', socket.remotePort ?? 0),
        }),
      );
    }
  }
  stack.supervisor = await startSupervisor(runtime, { strategy: 'rest_for_one', children, intensity: 10, period: 5000 }, startOptions.link === undefined ? {} : { link: startOptions.link });
  return stack;
}

/**
 * A child spec that runs a stack under a supervisor of yours (an application's tree, say);
 * `started` hears of each stack it starts, restarts included.
 *
 * @example
 * await startApplication({ children: [stackChild('sip', { listen, core }, (stack) => (current = stack))] });
 */
export function stackChild(id: string, options: StackOptions, started?: (stack: SipStack) => void): ChildSpec {
  return {
    id,
    type: 'supervisor',
    shutdown: 'infinity',
    start: async ({ runtime, supervisor }) => {
      const stack = await startStack(runtime, options, { link: supervisor });
      started?.(stack);
      return stack.supervisor;
    },
  };
}
