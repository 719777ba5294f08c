// The gateway's SIP Core: REGISTER goes to the registrar, MESSAGE (RFC 3428) becomes a submit_sm
// answered once the SMSC has answered, OPTIONS is answered; and MESSAGEs the gateway itself sends
// (mobile-originated texts) resolve when their final response arrives. REGISTER and MESSAGE wait
// on the store, so they run beside the core rather than in it (the core takes the next request
// meanwhile); their correctness under concurrency rests on the store's atomic steps, and a store
// that fails gets them answered 503 with Retry-After.
import createDebug from 'debug';
import { MessageTooLongError, splitMessage } from '@switchboard/smpp';
import { SipParseError, createRequest, createResponse, paramValue, parseUri, type ClientTransaction, type Core, type ServerTransaction, type SipRequest, type SipResponse, type SipStack } from '@switchboard/sip';
import { destinationOf, sourceOf } from './addressing.js';
import { IMDN_CONTENT_TYPE } from './imdn.js';
import { canonicalAor, register, type RegistrarLimits } from './registrar.js';
import type { Outbox } from './outbox.js';
import { sipAnswerFor, type SipAnswer } from './status-mapping.js';
import type { MessageOutcome } from './metrics.js';
import type { Store } from './store.js';
import { STORE_RETRY_AFTER, StoreError } from './store-error.js';

const log = createDebug('switchboard:gateway:sip');

const ALLOW = 'REGISTER, MESSAGE, OPTIONS';
const TEXT_TYPES = new Set(['text/plain']);

export interface GatewayCoreContext {
  readonly store: Store;
  readonly outbox: Outbox;
  readonly limits: RegistrarLimits;
  readonly defaultSource: string;
  /** Most SMS parts one MESSAGE may become (513 past it). */
  readonly maxParts: number;
  /** How long a MESSAGE's identity is kept to answer its retransmissions (ms). */
  readonly dedupeFor: number;
  /**
   * Whether the request may go on: true, or false once it has been answered (401 with a
   * challenge, 403…). REGISTER and MESSAGE go through it.
   */
  readonly authorize: (request: SipRequest, transaction: ServerTransaction) => boolean | Promise<boolean>;
  readonly now: () => number;
  /** A user became reachable: deliver what waits for them. */
  readonly onReachable: (aor: string) => void;
  /** Told how each MESSAGE ended (metrics). */
  readonly onMessage?: (outcome: MessageOutcome) => void;
}

export class GatewayCore implements Core {
  private readonly waiting = new Map<ClientTransaction['key'], (response: SipResponse | Error) => void>();

  constructor(
    private readonly stack: SipStack,
    private readonly context: GatewayCoreContext,
  ) {}

  receiveRequest(request: SipRequest, transaction: ServerTransaction | null): void | Promise<void> {
    if (transaction === null) return; // an ACK: we send no 2xx to INVITEs
    switch (request.method) {
      case 'REGISTER':
        return this.beside(request, transaction, this.register(request, transaction));
      case 'MESSAGE':
        return this.beside(request, transaction, this.message(request, transaction), () => this.context.onMessage?.('unavailable'));
      case 'OPTIONS':
        return answer(request, transaction, { status: 200, headers: [['Allow', ALLOW], ['Accept', 'text/plain']] });
      default:
        return answer(request, transaction, { status: 405, headers: [['Allow', ALLOW]] });
    }
  }

  receiveResponse(response: SipResponse, transaction: ClientTransaction | null): void {
    if (transaction === null || response.status < 200) return;
    const resolve = this.waiting.get(transaction.key);
    if (resolve === undefined) return;
    this.waiting.delete(transaction.key);
    resolve(response);
  }

  receiveError(error: Error, transaction: ServerTransaction | ClientTransaction): void {
    const resolve = this.waiting.get(transaction.key as ClientTransaction['key']);
    if (resolve === undefined) return;
    this.waiting.delete(transaction.key as ClientTransaction['key']);
    resolve(error);
  }

  /** Lets `work` go on without holding the core; a failure is answered (503 for the store's). */
  private beside(request: SipRequest, transaction: ServerTransaction, work: Promise<void>, onStoreFailure?: () => void): void {
    work.catch((error: unknown) => {
      if (error instanceof StoreError) onStoreFailure?.();
      answerFailure(request, transaction, error);
    });
  }

  /** Sends a MESSAGE to `contact` and resolves with its final status (0 for a transport error or timeout). */
  async sendMessage(contact: string, from: string, to: string, body: string, contentType: string): Promise<number> {
    const request = createRequest({
      method: 'MESSAGE',
      uri: parseUri(contact),
      from: { displayName: null, uri: parseUri(from), params: [] },
      to: { displayName: null, uri: parseUri(to), params: [] },
      body,
      contentType,
      ...(contentType === IMDN_CONTENT_TYPE ? { headers: [['Content-Disposition', 'notification']] } : {}),
    });
    const transaction = await this.stack.sendRequest(request);
    if (transaction === null) return 0;
    const outcome = await new Promise<SipResponse | Error>((resolve) => this.waiting.set(transaction.key, resolve));
    if (outcome instanceof Error) {
      log('MESSAGE to %s failed: %s', contact, outcome.message);
      return 0;
    }
    return outcome.status;
  }

  private async register(request: SipRequest, transaction: ServerTransaction): Promise<void> {
    if (!(await this.context.authorize(request, transaction))) return;
    const outcome = await register(request, this.context.store, this.context.now(), this.context.limits);
    answer(request, transaction, outcome);
    if (outcome.status === 200 && outcome.reachable && outcome.aor !== undefined) this.context.onReachable(outcome.aor);
  }

  private async message(request: SipRequest, transaction: ServerTransaction): Promise<void> {
    if (!(await this.context.authorize(request, transaction))) return;
    const type = request.headers.first('content-type');
    if (type !== undefined && !TEXT_TYPES.has(`${type.type}/${type.subtype}`.toLowerCase())) {
      answer(request, transaction, { status: 415, headers: [['Accept', 'text/plain']] });
      return;
    }
    let destination;
    try {
      destination = destinationOf(request.uri);
    } catch (error) {
      this.context.onMessage?.('invalid');
      answer(request, transaction, sipAnswerFor(error));
      return;
    }
    const text = request.body.toString('utf8');
    const tooLong = this.tooLong(text);
    if (tooLong !== undefined) {
      this.context.onMessage?.('invalid');
      answer(request, transaction, tooLong);
      return;
    }
    // A retransmission that reaches a restarted gateway (its transaction died with the process), or
    // another node, gets the answer the first copy got, and is not submitted twice: the identity
    // is recorded with the stored MESSAGE in one step of the store.
    const now = this.context.now();
    const key = messageKey(request);
    const source = sourceOf(request.from!.uri, this.context.defaultSource);
    const taken = await this.context.outbox.take(
      {
        senderAor: canonicalAor(request.from!.uri, this.context.limits.domain) ?? null,
        source: source.addr,
        sourceTon: source.ton,
        sourceNpi: source.npi,
        destination: destination.addr,
        destinationTon: destination.ton,
        text,
        sipMessageId: request.callId!,
        createdAt: now,
      },
      { key, expiresAt: now + this.context.dedupeFor },
    );
    if (taken.type === 'seen') {
      const status = taken.taken.status === 0 ? 202 : taken.taken.status;
      log('MESSAGE %s seen before: answered %d again', key, status);
      answer(request, transaction, { status, headers: [] });
      return;
    }
    // 202 once the SMSC has it, or once it is stored for the next bind (RFC 3428 §7: accepted, not delivered).
    const result = await taken.submitted;
    this.context.onMessage?.(result.type === 'accepted' ? 'accepted' : result.type === 'queued' ? 'queued' : 'refused');
    let sip: SipAnswer;
    if (result.type !== 'refused') sip = { status: 202, headers: [] };
    else {
      log('MESSAGE to %s refused: %s', destination.addr, result.error instanceof Error ? result.error.message : String(result.error));
      sip = sipAnswerFor(result.error);
    }
    if (sip.status >= 300) {
      // A refusal is recorded before it is sent: a proxy in front (Kamailio's failover on 503) may
      // give the same request to another node at once, which must answer it the same, not 202.
      await this.context.store.answeredMessage(key, sip.status).catch((error: unknown) => log('MESSAGE %s: its answer %d not recorded: %O', key, sip.status, error));
      answer(request, transaction, sip);
      return;
    }
    // 202: the record's status 0 (stored) already answers a copy 202, so nothing more is written
    answer(request, transaction, sip);
  }

  /** 513 when `text` needs more SMS parts than the gateway allows (or than SMPP can join: 255). */
  private tooLong(text: string): SipAnswer | undefined {
    let parts: number;
    try {
      parts = splitMessage(text).parts.length;
    } catch (error) {
      if (!(error instanceof MessageTooLongError)) throw error;
      parts = Infinity;
    }
    const most = this.context.maxParts;
    return parts <= most ? undefined : { status: 513, reason: `Message Too Large (more than ${most} SMS parts)`, headers: [] };
  }
}

/** A MESSAGE's identity across retransmissions (RFC 3261 §17.2.3 without the branch: a restart loses nothing else). */
function messageKey(request: SipRequest): string {
  return `${request.callId!}\n${request.cseq!.seq}\n${paramValue(request.from!.params, 'tag') ?? ''}`;
}

/**
 * Answers a request whose handling failed: 503 with Retry-After when the store failed (the client
 * may try again: nothing was stored, or what was is answered the same again); the status of a
 * header found bad late (400…); else 500. The core itself would do the same for a callback it
 * awaited.
 */
function answerFailure(request: SipRequest, transaction: ServerTransaction, error: unknown): void {
  if (error instanceof StoreError) {
    log('%s: %s; answered 503', request.method, error.message);
    answer(request, transaction, { status: 503, reason: 'Service Unavailable (the store is unavailable)', headers: [['Retry-After', String(STORE_RETRY_AFTER)]] });
  } else if (error instanceof SipParseError) {
    answer(request, transaction, { status: error.status, reason: error.reasonPhrase, headers: [] });
  } else {
    log('%s failed: %O', request.method, error);
    answer(request, transaction, { status: 500, reason: 'Server Internal Error (the request could not be handled)', headers: [] });
  }
}

/**
 * Answers through the transaction. Building the response reads the request's headers again; should
 * that fail, the transaction is ended rather than left open.
 */
function answer(request: SipRequest, transaction: ServerTransaction, sip: { readonly status: number; readonly reason?: string | undefined; readonly headers: [string, string][] }): void {
  let response: SipResponse;
  try {
    response = createResponse(request, sip.status, { ...(sip.reason === undefined ? {} : { reason: sip.reason }), headers: sip.headers });
  } catch (error) {
    log('%s: no answer %d possible (%s); transaction ended', request.method, sip.status, error instanceof Error ? error.message : String(error));
    transaction.terminate();
    return;
  }
  transaction.respond(response);
}
