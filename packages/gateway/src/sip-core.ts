// The gateway's SIP Core: REGISTER goes to the registrar, MESSAGE (RFC 3428) becomes a submit_sm
// answered once the SMSC has answered, OPTIONS is answered; and MESSAGEs the gateway itself sends
// (mobile-originated texts) resolve when their final response arrives.
import createDebug from 'debug';
import { createRequest, createResponse, parseUri, type ClientTransaction, type Core, type ServerTransaction, type SipRequest, type SipResponse, type SipStack } from '@switchboard/sip';
import { destinationOf, sourceOf } from './addressing.js';
import { IMDN_CONTENT_TYPE } from './imdn.js';
import { canonicalAor, register, type RegistrarLimits } from './registrar.js';
import type { Outbox } from './outbox.js';
import { sipAnswerFor } from './status-mapping.js';
import type { Store } from './store.js';

const log = createDebug('switchboard:gateway:sip');

const ALLOW = 'REGISTER, MESSAGE, OPTIONS';
const TEXT_TYPES = new Set(['text/plain']);

export interface GatewayCoreContext {
  readonly store: Store;
  readonly outbox: Outbox;
  readonly limits: RegistrarLimits;
  readonly defaultSource: string;
  readonly now: () => number;
  /** A user became reachable: deliver what waits for them. */
  readonly onReachable: (aor: string) => void;
}

export class GatewayCore implements Core {
  private readonly waiting = new Map<ClientTransaction['key'], (response: SipResponse | Error) => void>();

  constructor(
    private readonly stack: SipStack,
    private readonly context: GatewayCoreContext,
  ) {}

  receiveRequest(request: SipRequest, transaction: ServerTransaction | null): void {
    if (transaction === null) return; // an ACK: we send no 2xx to INVITEs
    switch (request.method) {
      case 'REGISTER':
        return this.register(request, transaction);
      case 'MESSAGE':
        return this.message(request, transaction);
      case 'OPTIONS':
        return transaction.respond(createResponse(request, 200, { headers: [['Allow', ALLOW], ['Accept', 'text/plain']] }));
      default:
        return transaction.respond(createResponse(request, 405, { headers: [['Allow', ALLOW]] }));
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

  private register(request: SipRequest, transaction: ServerTransaction): void {
    const outcome = register(request, this.context.store, this.context.now(), this.context.limits);
    transaction.respond(createResponse(request, outcome.status, { ...(outcome.reason === undefined ? {} : { reason: outcome.reason }), headers: outcome.headers }));
    if (outcome.status === 200 && outcome.reachable && outcome.aor !== undefined) this.context.onReachable(outcome.aor);
  }

  private message(request: SipRequest, transaction: ServerTransaction): void {
    const type = request.headers.first('content-type');
    if (type !== undefined && !TEXT_TYPES.has(`${type.type}/${type.subtype}`.toLowerCase())) {
      transaction.respond(createResponse(request, 415, { headers: [['Accept', 'text/plain']] }));
      return;
    }
    let destination;
    try {
      destination = destinationOf(request.uri);
    } catch (error) {
      const answer = sipAnswerFor(error);
      transaction.respond(createResponse(request, answer.status, { ...(answer.reason === undefined ? {} : { reason: answer.reason }), headers: answer.headers }));
      return;
    }
    const source = sourceOf(request.from!.uri, this.context.defaultSource);
    const outcome = this.context.outbox.take({
      senderAor: canonicalAor(request.from!.uri, this.context.limits.domain) ?? null,
      source: source.addr,
      sourceTon: source.ton,
      sourceNpi: source.npi,
      destination: destination.addr,
      destinationTon: destination.ton,
      text: request.body.toString('utf8'),
      sipMessageId: request.callId!,
      createdAt: this.context.now(),
    });
    // 202 once the SMSC has it, or once it is stored for the next bind (RFC 3428 §7: accepted, not delivered).
    void outcome.then((result) => {
      if (result.type !== 'refused') {
        transaction.respond(createResponse(request, 202));
        return;
      }
      const answer = sipAnswerFor(result.error);
      log('MESSAGE to %s refused: %s', destination.addr, result.error instanceof Error ? result.error.message : String(result.error));
      transaction.respond(createResponse(request, answer.status, { ...(answer.reason === undefined ? {} : { reason: answer.reason }), headers: answer.headers }));
    });
  }
}
