// The one router between the layers (Sippet's Router): messages from the transports are checked,
// matched to their transaction (RFC 3261 §17.1.3, §17.2.3) or given a new one, and the rest go
// to the core. It runs in the transport process that received the message. A transaction held
// without a process (transaction/held-entries.ts) answers its retransmissions right here.
import createDebug from 'debug';
import { cast, startChild, type ChildSpec, type SupervisorPid } from '@switchboard/actor';
import { createResponse } from './message/builders.js';
import { SipParseError } from './message/errors.js';
import type { SipMessage, SipRequest, SipResponse } from './message/message.js';
import { paramValue } from './message/params.js';
import { serializeMessage } from './message/serializer.js';
import type { TransactionEnvironment } from './transaction/environment.js';
import { ServerTransaction, type ClientTransaction } from './transaction/handles.js';
import { clientKeyOfResponse, serverKey } from './transaction/key.js';
import { AckForSuccess, AckReceived, CoreRequest, CoreResponse, ResponseReceived, Retransmission } from './transaction/messages.js';
import { ServerTransactionProcess, type ServerTransactionArgs } from './transaction/server-transaction.js';
import { TransactionTable } from './transaction/table.js';
import { badRequestResponse } from './transport/bad-request.js';
import type { Destination, Source } from './transport/endpoint.js';
import type { Inbound } from './transport/inbound.js';
import { stampReceived } from './transport/received.js';

const log = createDebug('switchboard:sip:router');

const REQUIRED = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;

/** What the router admits. */
export interface RouterLimits {
  /** Live transactions (server and client) past which a new request is answered 503. */
  readonly maxTransactions: number;
  /** Seconds in the Retry-After of that 503 (RFC 3261 §21.5.4, §20.33). */
  readonly retryAfter: number;
}

const UNLIMITED: RouterLimits = { maxTransactions: Infinity, retryAfter: 0 };

/**
 * Who answers a CANCEL (RFC 3261 §9.2): `'answer'` (the default) — the stack answers 200 (or 481
 * when no INVITE matches) and hands the core the INVITE's server transaction; `'core'` — the CANCEL
 * gets its own server transaction like any request and the core answers it, as a stateless proxy
 * that forwards it downstream must (§16.11).
 */
export type CancelHandling = 'answer' | 'core';

export class Router implements Inbound {
  constructor(
    private readonly env: TransactionEnvironment,
    /** The stack's transaction supervisor (null until it runs; a restart replaces it). */
    private readonly transactionSupervisor: () => SupervisorPid | null,
    private readonly limits: RouterLimits = UNLIMITED,
    /** Who answers a CANCEL; see {@link CancelHandling}. */
    private readonly cancel: CancelHandling = 'answer',
  ) {}

  receive(message: SipMessage, source: Source): void {
    try {
      if (message.kind === 'request') this.receiveRequest(message, source);
      else this.receiveResponse(message);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      // A header read on first use was bad: a request is answered, a response dropped.
      if (message.kind === 'request') this.answerStatelessly(message, source, error.status, error.reasonPhrase);
      else log('response dropped: %s', error.message);
    }
  }

  reject(bytes: Buffer, error: SipParseError, source: Source): void {
    try {
      const answer = badRequestResponse(bytes, error);
      log('unparseable message from %s:%d (%s)%s', source.address, source.port, error.message, answer === undefined ? '; dropped' : '; answered');
      if (answer !== undefined) this.env.transports.send(sourceDestination(source), answer, (e) => log('could not answer: %s', e.message));
    } catch (failure) {
      // The transport's process must not fall over a message it could not even answer.
      log('unparseable message from %s:%d (%s) not answered: %s', source.address, source.port, error.message, describe(failure));
    }
  }

  private receiveRequest(request: SipRequest, source: Source): void {
    const problem = checkRequest(request);
    if (problem !== undefined) {
      if (request.method !== 'ACK') this.answerStatelessly(request, source, 400, `Bad Request (${problem})`);
      log('%s from %s:%d refused: %s', request.method, source.address, source.port, problem);
      return;
    }
    stampReceived(request, source);
    const { table, held } = this.env;
    const key = serverKey(request);
    const existing = table.servers.get(key);
    if (request.method === 'ACK') {
      // An ACK for a non-2xx matches its INVITE's transaction; an ACK for a 2xx has its own branch.
      const toTag = paramValue(request.to!.params, 'tag');
      if (existing !== undefined && (existing.toTag === undefined || existing.toTag === toTag)) {
        castTo(existing, new AckReceived(request));
        return;
      }
      if (existing === undefined && held.receiveAck(key, toTag)) return;
      const retransmitting = table.awaitingAck.get(TransactionTable.ackKey(request.callId, request.cseq!.seq, paramValue(request.from!.params, 'tag')));
      if (retransmitting !== undefined) castTo(retransmitting, new AckForSuccess());
      this.env.toCore(new CoreRequest<ServerTransaction>(request, null));
      return;
    }
    if (existing !== undefined) {
      castTo(existing, new Retransmission(request));
      return;
    }
    if (held.receiveRequest(key)) return;
    if (request.method === 'CANCEL' && this.cancel === 'answer') {
      // §9.2: a CANCEL matching an INVITE server transaction is answered 200 and reaches the core
      // with that INVITE's transaction; one matching nothing is answered 481.
      const inviteKey = serverKey(request, 'INVITE');
      const invite = table.servers.get(inviteKey) ?? held.invite(inviteKey);
      const started = this.startServer(new ServerTransaction(key, request, source), createResponse(request, invite === undefined ? 481 : 200));
      if (started && invite !== undefined) this.env.toCore(new CoreRequest(request, invite));
      return;
    }
    this.startServer(new ServerTransaction(key, request, source));
  }

  /** Starts a server transaction, or answers 503 statelessly; false when none was started. */
  private startServer(handle: ServerTransaction, answer?: SipResponse): boolean {
    const supervisor = this.transactionSupervisor();
    if (supervisor === null) {
      this.answerStatelessly(handle.request, handle.source, 503, 'Service Unavailable (starting)');
      return false;
    }
    const { table } = this.env;
    // Admission before any process starts: at the limit a request costs a stateless 503 (RFC 3261
    // §21.5.4), and the table counts the transactions still starting, which the supervisor does not.
    if (table.size >= this.limits.maxTransactions) {
      log('%s from %s:%d answered 503: at most %d transactions', handle.method, handle.source.address, handle.source.port, this.limits.maxTransactions);
      this.answerStatelessly(handle.request, handle.source, 503, 'Service Unavailable (transaction limit)', this.limits.retryAfter);
      return false;
    }
    table.servers.set(handle.key, handle);
    const args: ServerTransactionArgs = answer === undefined ? { env: this.env, handle } : { env: this.env, handle, answer };
    const spec: ChildSpec = {
      id: 'sip-server-transaction',
      restart: 'temporary',
      shutdown: 'brutal_kill',
      type: 'worker', // every field set: resolveChildSpec takes it as it is, no copy per start
      start: ({ runtime, supervisor: parent }) => runtime.start(ServerTransactionProcess, args, { link: parent }),
    };
    startChild(supervisor, spec).catch((error: unknown) => {
      if (this.env.table.servers.get(handle.key) === handle) this.env.table.servers.delete(handle.key);
      log('%s server transaction not started: %s', handle.method, error instanceof Error ? error.message : String(error));
      this.answerStatelessly(handle.request, handle.source, 503, 'Service Unavailable (transaction limit)', this.limits.retryAfter);
    });
    return true;
  }

  private receiveResponse(response: SipResponse): void {
    const via = response.topVia;
    // §18.1.2: a response whose top Via is not ours is discarded.
    if (via === undefined || !this.env.transports.isOwnSentBy(via.host, via.port, via.transport)) {
      log('response %d dropped: top Via %s is not this stack', response.status, via === undefined ? '(none)' : `${via.host}:${via.port ?? ''}`);
      return;
    }
    const key = clientKeyOfResponse(response);
    if (key === undefined) {
      this.env.toCore(new CoreResponse<ClientTransaction>(response, null));
      return;
    }
    const transaction = this.env.table.clients.get(key);
    if (transaction !== undefined && transaction.pid !== null) {
      cast(transaction.pid, new ResponseReceived(response));
      return;
    }
    if (transaction === undefined && this.env.held.receiveResponse(key, response.status)) return;
    this.env.toCore(new CoreResponse<ClientTransaction>(response, null));
  }

  /**
   * Answers a request outside any transaction (it was refused before one could be made), to the
   * address and port it came from. `retryAfter` (seconds) adds a Retry-After (§20.33). A failure
   * to build, serialize or send the answer is logged, never thrown into the transport's process.
   */
  private answerStatelessly(request: SipRequest, source: Source, status: number, reason: string, retryAfter?: number): void {
    try {
      const headers = retryAfter === undefined || !(retryAfter > 0 && Number.isFinite(retryAfter)) ? undefined : ([['Retry-After', String(Math.ceil(retryAfter))]] as const);
      const bytes = serializeMessage(createResponse(request, status, headers === undefined ? { reason } : { reason, headers }));
      this.env.transports.send(sourceDestination(source), bytes, (e) => log('could not answer: %s', e.message));
    } catch (error) {
      // e.g. not even the headers a response copies could be read
      log('%s from %s:%d: no %d sent: %s', request.method, source.address, source.port, status, describe(error));
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sourceDestination(source: Source): Destination {
  return { transport: source.transport, address: source.address, port: source.port, connection: source.connection };
}

/** Retransmissions that arrive before the transaction's process runs are absorbed. */
function castTo(transaction: ServerTransaction, message: Retransmission | AckReceived | AckForSuccess): void {
  if (transaction.pid !== null) cast(transaction.pid, message);
}

/**
 * What the transaction layer relies on (RFC 3261 §8.1.1, §8.2): the mandatory headers, each
 * readable, and the CSeq method equal to the request's. Returns the fault, or undefined.
 */
function checkRequest(request: SipRequest): string | undefined {
  const headers = request.headers;
  for (const name of REQUIRED) if (!headers.has(name)) return `missing ${name}`;
  const cseq = request.cseq!;
  if (cseq.method !== request.method) return `CSeq method ${cseq.method} does not match ${request.method}`;
  void request.topVia;
  void request.from;
  void request.to;
  void request.uri;
  return undefined;
}
