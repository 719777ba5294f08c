// An example UAS core: answers OPTIONS, INVITE (180 Ringing, then 200 OK with an SDP answer,
// retransmitted until its ACK), BYE, and CANCEL (487 for the INVITE); anything else 405. It counts
// what it saw, so tests and the sip-stack benchmark can read it.
import { createResponse, newTag } from '../message/builders.js';
import type { SipRequest } from '../message/message.js';
import type { Core, CoreFactory } from '../core.js';
import type { ServerTransaction } from '../transaction/handles.js';
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

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS';

function sdpAnswer(host: string): string {
  return `v=0\r\no=switchboard 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
}

/**
 * An example UAS core (RFC 3261 §8.2): answers OPTIONS, INVITE (180, then 200 with an SDP answer),
 * BYE and CANCEL, and 405 to anything else. Build it with {@link exampleUas}.
 */
export class ExampleUas implements Core {
  /** Creates the core for `stack`; {@link exampleUas} does this for you. */
  constructor(
    private readonly stack: SipStack,
    /** The counters this core increments. */
    readonly counters: UasCounters,
    private readonly options: { readonly ring: boolean },
  ) {}

  receiveRequest(request: SipRequest, transaction: ServerTransaction | null): void {
    switch (request.method) {
      case 'ACK':
        this.counters.acks++;
        return;
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
        transaction?.respond(createResponse(request, 200));
        return;
      case 'CANCEL':
        // The stack answered the CANCEL itself; `transaction` is the INVITE's (§9.2).
        this.counters.cancels++;
        transaction?.respond(createResponse(transaction.request, 487));
        return;
      default:
        transaction?.respond(createResponse(request, 405, { headers: [['Allow', ALLOW]] }));
    }
  }

  receiveResponse(): void {}

  receiveError(): void {
    this.counters.errors++;
  }

  private answer(request: SipRequest, transaction: ServerTransaction): void {
    const tag = newTag();
    const listener = this.stack.listener(transaction.source.transport) ?? this.stack.listeners[0]!;
    const contact = `<sip:uas@${listener.sentBy.host}:${listener.sentBy.port}${transaction.source.transport === 'UDP' ? '' : `;transport=${transaction.source.transport.toLowerCase()}`}>`;
    if (this.options.ring) transaction.respond(createResponse(request, 180, { toTag: tag, headers: [['Contact', contact]] }));
    const ok = createResponse(request, 200, { toTag: tag, headers: [['Contact', contact]], body: sdpAnswer(listener.sentBy.host.replace(/^\[|\]$/g, '')), contentType: 'application/sdp' });
    transaction.respond(ok, { retransmitUntilAck: true });
  }
}

/** The core factory, with counters the caller can read; `ring: false` skips the 180. */
export function exampleUas(counters: UasCounters = newUasCounters(), options: { ring?: boolean } = {}): CoreFactory {
  return (stack) => new ExampleUas(stack, counters, { ring: options.ring ?? true });
}

/** A fresh set of counters, all zero, to pass to {@link exampleUas} and read afterwards. */
export function newUasCounters(): UasCounters {
  return { invites: 0, acks: 0, byes: 0, cancels: 0, options: 0, errors: 0 };
}
