// An example UAC core with dialogs (RFC 3261 §12): places a call (INVITE; the ACK for each 2xx,
// §13.2.2.4; an optional re-INVITE; BYE, all through the dialog's route set), or sends one
// request, and resolves with the final statuses. Non-2xx finals are ACKed by the INVITE client
// transaction itself (§17.1.1.3).
import { createRequest, createResponse } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { paramValue } from '../message/params.js';
import { parseUri } from '../message/uri.js';
import type { Core, CoreFactory } from '../core.js';
import type { Dialog } from '../dialog/dialog.js';
import { DialogTable } from '../dialog/table.js';
import { firstAttempt } from '../locate/failover.js';
import type { ClientTransaction, ServerTransaction } from '../transaction/handles.js';
import type { SipStack } from '../stack.js';
import type { SendRequestOptions } from '../stack-options.js';

/** The final statuses of an example call: the INVITE's and, when it was answered, the BYE's. */
export interface CallOutcome {
  /** The INVITE's final status. */
  readonly invite: number;
  /** The re-INVITE's final status, when one was asked for and the call was answered. */
  readonly reinvite?: number;
  /** The BYE's final status, when the call was answered. */
  readonly bye?: number;
}

/** Options of {@link ExampleUac.call}. */
export interface CallOptions {
  /** Send a re-INVITE in the dialog (a target refresh, §14.1) before the BYE. Default false. */
  readonly reinvite?: boolean;
}

interface Waiter {
  resolve(response: SipResponse): void;
  reject(error: Error): void;
}

/**
 * An example UAC core (RFC 3261 §8.1) with dialogs (§12): places a call (INVITE, ACK, BYE, through
 * the route set the 2xx set up) or sends a request and resolves with the final statuses. Get one
 * from {@link exampleUac}.
 */
export class ExampleUac implements Core {
  /** The dialogs of the calls this core placed (early ones included, one per fork). */
  readonly dialogs = new DialogTable();
  private readonly waiting = new Map<ClientTransaction['key'], Waiter>();

  /** Creates the core for `stack`; {@link exampleUac} does this for you. */
  constructor(private readonly stack: SipStack) {}

  /**
   * Sends `request` and resolves with its final response (or rejects with the transaction's
   * error). `options` go to the stack's `sendRequest` (a `destination`, say).
   */
  async request(request: SipRequest, options: SendRequestOptions = {}): Promise<SipResponse> {
    const transaction = await this.stack.sendRequest(request, options);
    if (transaction === null) throw new TypeError('an ACK has no response');
    return new Promise((resolve, reject) => this.waiting.set(transaction.key, { resolve, reject }));
  }

  /**
   * INVITE `target`; on a 2xx, the ACK (sent as the 2xx arrives), a re-INVITE when asked, then
   * BYE, each within the dialog. `callId` reuses a Call-ID (a REGISTER's, say).
   */
  async call(target: string, from = 'sip:uac@switchboard.invalid', callId?: string, options: CallOptions = {}): Promise<CallOutcome> {
    const local = this.stack.listeners[0]!.sentBy;
    const invite = createRequest({
      method: 'INVITE',
      uri: parseUri(target),
      from: { displayName: null, uri: parseUri(from), params: [] },
      to: { displayName: null, uri: parseUri(target), params: [] },
      contact: { displayName: null, uri: parseUri(`sip:uac@${local.host}:${local.port}`), params: [] },
      body: sdp(local.host),
      contentType: 'application/sdp',
      ...(callId === undefined ? {} : { callId, cseq: 2 }),
    });
    const answer = await this.request(invite);
    if (answer.status < 200 || answer.status >= 300) return { invite: answer.status };
    const dialog = this.dialogs.get({ callId: invite.callId!, localTag: paramValue(invite.from!.params, 'tag')!, remoteTag: paramValue(answer.to!.params, 'tag') ?? '' });
    if (dialog === undefined) return { invite: answer.status }; // refused by a full table: ACKed and BYEd already
    let reinvite: number | undefined;
    if (options.reinvite === true) reinvite = (await this.request(dialog.createRequest('INVITE', { body: sdp(local.host), contentType: 'application/sdp' }), { destination: dialog.nextHop })).status;
    const bye = await this.request(dialog.createRequest('BYE'), { destination: dialog.nextHop });
    return { invite: answer.status, ...(reinvite === undefined ? {} : { reinvite }), bye: bye.status };
  }

  receiveRequest(request: SipRequest, transaction: ServerTransaction | null): void {
    const match = this.dialogs.receiveRequest(request);
    if (match.outcome === 'no-dialog' || match.outcome === 'out-of-order') {
      if (match.response !== null) transaction?.respond(match.response);
      return;
    }
    if (transaction === null || request.method === 'ACK') return;
    // A UAC here takes no calls: a BYE from the callee ends its dialog (the table did), 200;
    // OPTIONS 200; anything else 405.
    const ok = request.method === 'OPTIONS' || (match.outcome === 'dialog' && request.method === 'BYE');
    transaction.respond(createResponse(request, ok ? 200 : 405));
  }

  async receiveResponse(response: SipResponse, transaction: ClientTransaction | null): Promise<void> {
    const outcome = this.dialogs.receiveResponse(response, transaction?.request ?? null);
    // §13.2.2.4: an ACK for every 2xx, retransmissions included (RFC 6026), through the route set.
    if (outcome.outcome === 'ack') {
      await this.send(outcome.ack, outcome.dialog);
      if (outcome.forked && !outcome.retransmission) await this.send(outcome.dialog.createRequest('BYE'), outcome.dialog); // a second fork: not wanted
    } else if (outcome.outcome === 'refused' && outcome.ack !== null && outcome.bye !== null) {
      await this.stack.sendRequest(outcome.ack).catch(() => undefined);
      await this.stack.sendRequest(outcome.bye).catch(() => undefined);
    }
    if (transaction === null || response.status < 200) return; // provisional, or a 2xx retransmission
    // after an RFC 3263 failover the response comes on the retry's transaction: the waiter is under the first one's key
    const key = firstAttempt(transaction).key;
    const waiter = this.waiting.get(key);
    if (waiter === undefined) return;
    this.waiting.delete(key);
    waiter.resolve(response);
  }

  receiveError(error: Error, transaction: ServerTransaction | ClientTransaction): void {
    this.dialogs.receiveError(transaction); // §12.2.1.2: a request in a dialog that timed out ends it
    if (transaction.kind !== 'client') return;
    const key = firstAttempt(transaction).key;
    const waiter = this.waiting.get(key);
    if (waiter === undefined) return;
    this.waiting.delete(key);
    waiter.reject(error);
  }

  private async send(request: SipRequest, dialog: Dialog): Promise<void> {
    await this.stack.sendRequest(request, { destination: dialog.nextHop }).catch(() => undefined);
  }
}

function sdp(host: string): string {
  const address = host.replace(/^\[|\]$/g, '');
  return `v=0\r\no=uac 1 1 IN IP4 ${address}\r\ns=-\r\nc=IN IP4 ${address}\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n`;
}

/** The core factory; `ready` receives the core, to place calls with. */
export function exampleUac(ready: (uac: ExampleUac) => void): CoreFactory {
  return (stack) => {
    const uac = new ExampleUac(stack);
    ready(uac);
    return uac;
  };
}
