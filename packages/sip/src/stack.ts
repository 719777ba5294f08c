// A running SIP stack: the API a core uses to send requests and responses (RFC 3261 §18 and §17),
// over the transports, transaction table and core that stack-tree.ts starts as one supervision tree.
import createDebug from 'debug';
import { createHash } from 'node:crypto';
import { send, startChild, stop, type Pid, type Runtime, type SupervisorPid } from '@switchboard/actor';
import { MAGIC_COOKIE, newBranch } from './message/builders.js';
import { cancelFor } from './transaction/cancel.js';
import type { SipRequest, SipResponse } from './message/message.js';
import { serializeMessage } from './message/serializer.js';
import { isSipUri, uriParam, type Uri } from './message/uri.js';
import type { Via } from './message/headers/via.js';
import type { CoreProtocol } from './core.js';
import { Router } from './router.js';
import { DEFAULT_STACK_LIMITS, type SendRequestOptions, type StackOptions } from './stack-options.js';
import { ClientTransactionProcess } from './transaction/client-transaction.js';
import type { CoreMessage, TransactionEnvironment } from './transaction/environment.js';
import { ClientTransaction } from './transaction/handles.js';
import { HeldTransactions } from './transaction/held-transactions.js';
import { clientKeyOfRequest } from './transaction/key.js';
import { TransactionTable } from './transaction/table.js';
import { DEFAULT_TIMERS, transactionTimers, type TimerBase } from './transaction/timers.js';
import { isWebSocket, type Destination, type TransportName } from './transport/endpoint.js';
import { SipTransportError } from './transport/errors.js';
import { nextHopUri, resolveUri } from './transport/next-hop.js';
import { responseTarget } from './transport/response-target.js';
import { TransportSet, type Listener } from './transport/transport-set.js';
import { Failover } from './locate/failover.js';

const log = createDebug('switchboard:sip:stack');

/** RFC 3261 §18.1.1: a request over 1300 octets (path MTU unknown) goes over TCP instead of UDP. */
export const UDP_SIZE_LIMIT = 1300;

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
}

/** §16.11: the same branch for every retransmission of a request a stateless proxy forwards. */
function statelessBranch(request: SipRequest): string {
  const hash = createHash('sha1');
  hash.update(request.headers.values('Via')[0] ?? '');
  hash.update(`\u0000${request.callId}\u0000${request.headers.get('CSeq')}\u0000${request.method}`);
  return `${MAGIC_COOKIE}${hash.digest('base64url').slice(0, 22)}`;
}
