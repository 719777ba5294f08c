// An example UAS core with dialogs (RFC 3261 §12): answers OPTIONS, INVITE (180 Ringing, then 200
// OK with an SDP answer, retransmitted until its ACK), re-INVITE and UPDATE within the dialog, BYE
// (481 without a dialog), and CANCEL (487 for the INVITE); anything else 405. It counts what it
// saw, so tests and the sip-stack benchmark can read it.
import { createResponse } from '../message/builders.js';
import type { SipRequest } from '../message/message.js';
import { parseUri } from '../message/uri.js';
import type { Core, CoreFactory } from '../core.js';
import { DialogLimitError } from '../dialog/errors.js';
import { dialogLimitResponse } from '../dialog/refusals.js';
import { DialogTable } from '../dialog/table.js';
import type { Dialog } from '../dialog/dialog.js';
import type { ClientTransaction, ServerTransaction } from '../transaction/handles.js';
import type { SipStack } from '../stack.js';

/**
 * What the example UAS has seen, by kind; counts only go up, so a test or benchmark reads them at
 * any time.
 */
export interface UasCounters {
  /** INVITE requests received, retransmissions absorbed by the transaction not included. */
  invites: number;
  /** ACK requests received (for the 2xx answers). */
  acks: number;
  /** BYE requests received. */
  byes: number;
  /** CANCEL requests that reached the core (each INVITE they cancel is answered 487). */
  cancels: number;
  /** OPTIONS requests received. */
  options: number;
  /** Transport and transaction errors the stack reported to the core. */
  errors: number;
}

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE';

function sdpAnswer(host: string): string {
  return `v=0\r\no=switchboard 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
}

/**
 * An example UAS core (RFC 3261 §8.2) with dialogs (§12): answers OPTIONS, INVITE (180, then 200
 * with an SDP answer), re-INVITE and UPDATE within a dialog, BYE and CANCEL, and 405 to anything
 * else; a request with a To tag and no dialog gets 481, one out of order 500, and past the
 * dialog table's limit a new INVITE gets 503. Build it with {@link exampleUas}.
 */
export class ExampleUas implements Core {
  /** The dialogs of the calls this core answered; a BYE ends each. */
  readonly dialogs: DialogTable;

  /** Creates the core for `stack`; {@link exampleUas} does this for you. */
  constructor(
    private readonly stack: SipStack,
    /** The counters this core increments. */
    readonly counters: UasCounters,
    private readonly options: { readonly ring: boolean; readonly maxDialogs?: number },
  ) {
    this.dialogs = new DialogTable(options.maxDialogs === undefined ? {} : { maxDialogs: options.maxDialogs });
  }

  receiveRequest(request: SipRequest, transaction: ServerTransaction | null): void {
    if (request.method === 'ACK') this.counters.acks++;
    if (request.method === 'CANCEL') {
      // The stack answered the CANCEL itself; `transaction` is the INVITE's (§9.2).
      this.counters.cancels++;
      transaction?.respond(createResponse(transaction.request, 487));
      return;
    }
    const match = this.dialogs.receiveRequest(request);
    if (match.outcome === 'no-dialog' || match.outcome === 'out-of-order') {
      if (request.method === 'BYE') this.counters.byes++;
      if (match.response !== null) transaction?.respond(match.response); // 481 or 500 (§12.2.2)
      return;
    }
    if (match.outcome === 'dialog') return this.inDialog(match.dialog, request, transaction);
    switch (request.method) {
      case 'ACK':
        return; // an ACK outside any dialog: nothing to do
      case 'OPTIONS':
        this.counters.options++;
        transaction?.respond(createResponse(request, 200, { headers: [['Allow', ALLOW], ['Accept', 'application/sdp']] }));
        return;
      case 'INVITE':
        this.counters.invites++;
        if (transaction !== null) this.answer(request, transaction);
        return;
      case 'BYE':
        this.counters.byes++;
        transaction?.respond(createResponse(request, 481)); // a BYE without a To tag is within no dialog
        return;
      default:
        transaction?.respond(createResponse(request, 405, { headers: [['Allow', ALLOW]] }));
    }
  }

  receiveResponse(response: Parameters<Core['receiveResponse']>[0], transaction: ClientTransaction | null): void {
    // the answer to a BYE we sent (a 2xx never ACKed, §13.3.1.4)
    this.dialogs.receiveResponse(response, transaction?.request ?? null);
  }

  receiveError(_error: Error, transaction: ServerTransaction | ClientTransaction): void {
    this.counters.errors++;
    for (const dialog of this.dialogs.receiveError(transaction)) {
      // §13.3.1.4: our 2xx was never ACKed: the dialog is confirmed, but the session ends with a BYE.
      if (dialog.state === 'confirmed') void this.stack.sendRequest(dialog.createRequest('BYE'), { destination: dialog.nextHop }).catch(() => dialog.terminate());
    }
  }

  private inDialog(dialog: Dialog, request: SipRequest, transaction: ServerTransaction | null): void {
    switch (request.method) {
      case 'ACK':
        return;
      case 'BYE':
        this.counters.byes++; // the table ended the dialog (§15.1.2)
        transaction?.respond(createResponse(request, 200));
        return;
      case 'INVITE': {
        // a re-INVITE (§14.2): our Contact again, our SDP again, retransmitted until its ACK
        this.counters.invites++;
        const host = this.stack.listeners[0]!.sentBy.host.replace(/^\[|\]$/g, '');
        transaction?.respond(dialog.createResponse(request, 200, { body: sdpAnswer(host), contentType: 'application/sdp' }), { retransmitUntilAck: true });
        return;
      }
      case 'UPDATE':
      case 'OPTIONS':
        transaction?.respond(dialog.createResponse(request, 200));
        return;
      default:
        transaction?.respond(dialog.createResponse(request, 405, { headers: [['Allow', ALLOW]] }));
    }
  }

  private answer(request: SipRequest, transaction: ServerTransaction): void {
    const listener = this.stack.listener(transaction.source.transport) ?? this.stack.listeners[0]!;
    const contact = parseUri(`sip:uas@${listener.sentBy.host}:${listener.sentBy.port}${transaction.source.transport === 'UDP' ? '' : `;transport=${transaction.source.transport.toLowerCase()}`}`);
    let dialog: Dialog;
    try {
      dialog = this.dialogs.createUas(request, { contact, transport: transaction.source.transport });
    } catch (error) {
      if (!(error instanceof DialogLimitError)) throw error;
      transaction.respond(dialogLimitResponse(request));
      return;
    }
    if (this.options.ring) transaction.respond(dialog.createResponse(request, 180));
    const ok = dialog.createResponse(request, 200, { body: sdpAnswer(listener.sentBy.host.replace(/^\[|\]$/g, '')), contentType: 'application/sdp' });
    transaction.respond(ok, { retransmitUntilAck: true });
  }
}

/**
 * The core factory, with counters the caller can read; `ring: false` skips the 180; `maxDialogs`
 * bounds its dialog table (default `DEFAULT_MAX_DIALOGS`, 10,000); `ready` receives each core made.
 */
export function exampleUas(counters: UasCounters = newUasCounters(), options: { ring?: boolean; maxDialogs?: number; ready?: (uas: ExampleUas) => void } = {}): CoreFactory {
  return (stack) => {
    const uas = new ExampleUas(stack, counters, { ring: options.ring ?? true, ...(options.maxDialogs === undefined ? {} : { maxDialogs: options.maxDialogs }) });
    options.ready?.(uas);
    return uas;
  };
}

/** A fresh set of counters, all zero, to pass to {@link exampleUas} and read afterwards. */
export function newUasCounters(): UasCounters {
  return { invites: 0, acks: 0, byes: 0, cancels: 0, options: 0, errors: 0 };
}
