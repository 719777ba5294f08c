// An example UAC core: places a call (INVITE; ACK for the 2xx, built per RFC 3261 §13.2.2.4;
// BYE), or sends one OPTIONS, and resolves with the final statuses. Non-2xx finals are ACKed by
// the INVITE client transaction itself (§17.1.1.3).
import { createRequest, createResponse } from '../message/builders.js';
import { HeaderList } from '../message/header-list.js';
import { SipRequest, type SipResponse } from '../message/message.js';
import { parseUri, type Uri } from '../message/uri.js';
import type { Core, CoreFactory } from '../core.js';
import type { ClientTransaction } from '../transaction/handles.js';
import type { SipStack } from '../stack.js';

/** The final statuses of an example call: the INVITE's and, when it was answered, the BYE's. */
export interface CallOutcome {
  /** The INVITE's final status. */
  readonly invite: number;
  /** The BYE's final status, when the call was answered. */
  readonly bye?: number;
}

interface Waiter {
  resolve(response: SipResponse): void;
  reject(error: Error): void;
}

/**
 * An example UAC core (RFC 3261 §8.1): places a call (INVITE, ACK, BYE) or sends an OPTIONS and
 * resolves with the final statuses. Get one from {@link exampleUac}.
 */
export class ExampleUac implements Core {
  private readonly waiting = new Map<ClientTransaction['key'], Waiter>();

  /** Creates the core for `stack`; {@link exampleUac} does this for you. */
  constructor(private readonly stack: SipStack) {}

  /** Sends `request` and resolves with its final response (or rejects with the transaction's error). */
  async request(request: SipRequest): Promise<SipResponse> {
    const transaction = await this.stack.sendRequest(request);
    if (transaction === null) throw new TypeError('an ACK has no response');
    return new Promise((resolve, reject) => this.waiting.set(transaction.key, { resolve, reject }));
  }

  /** INVITE `target`; on a 2xx, ACK and then BYE. `callId` reuses a Call-ID (a REGISTER's, say). */
  async call(target: string, from = 'sip:uac@switchboard.invalid', callId?: string): Promise<CallOutcome> {
    const local = this.stack.listeners[0]!.sentBy;
    const invite = createRequest({
      method: 'INVITE',
      uri: parseUri(target),
      from: { displayName: null, uri: parseUri(from), params: [] },
      to: { displayName: null, uri: parseUri(target), params: [] },
      contact: { displayName: null, uri: parseUri(`sip:uac@${local.host}:${local.port}`), params: [] },
      body: `v=0\r\no=uac 1 1 IN IP4 ${local.host}\r\ns=-\r\nc=IN IP4 ${local.host}\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n`,
      contentType: 'application/sdp',
      ...(callId === undefined ? {} : { callId, cseq: 2 }),
    });
    const answer = await this.request(invite);
    if (answer.status < 200 || answer.status >= 300) return { invite: answer.status };
    await this.stack.sendRequest(inDialog(invite, answer, 'ACK', invite.cseq!.seq));
    const bye = await this.request(inDialog(invite, answer, 'BYE', invite.cseq!.seq + 1));
    return { invite: answer.status, bye: bye.status };
  }

  receiveRequest(request: SipRequest, transaction: Parameters<Core['receiveRequest']>[1]): void {
    // A UAC here takes no calls; answer what needs answering.
    if (transaction !== null && request.method !== 'ACK') transaction.respond(createResponseFor(request));
  }

  receiveResponse(response: SipResponse, transaction: ClientTransaction | null): void {
    if (transaction === null || response.status < 200) return; // provisional, or a 2xx retransmission
    const waiter = this.waiting.get(transaction.key);
    if (waiter === undefined) return;
    this.waiting.delete(transaction.key);
    waiter.resolve(response);
  }

  receiveError(error: Error, transaction: Parameters<Core['receiveError']>[1]): void {
    const waiter = this.waiting.get(transaction.key as ClientTransaction['key']);
    if (waiter === undefined) return;
    this.waiting.delete(transaction.key as ClientTransaction['key']);
    waiter.reject(error);
  }
}

function createResponseFor(request: SipRequest): SipResponse {
  return createResponse(request, request.method === 'OPTIONS' ? 200 : 405);
}

/**
 * A request inside the dialog the 2xx set up (§12.2.1.1): to the remote target (the 2xx's
 * Contact), the route set from Record-Route in reverse, the To tag of the response.
 */
function inDialog(invite: SipRequest, answer: SipResponse, method: string, seq: number): SipRequest {
  const headers = new HeaderList();
  const contact = answer.headers.first('contact');
  const target: Uri = contact !== undefined && 'uri' in contact ? contact.uri : invite.uri;
  for (const route of answer.headers.getAll('Record-Route').reverse()) headers.append('Route', route);
  headers.append('Max-Forwards', 70);
  headers.append('From', invite.headers.get('From')!);
  headers.append('To', answer.headers.get('To')!);
  headers.append('Call-ID', invite.callId!);
  headers.append('CSeq', { seq, method });
  return new SipRequest(method, target, headers);
}

/** The core factory; `ready` receives the core, to place calls with. */
export function exampleUac(ready: (uac: ExampleUac) => void): CoreFactory {
  return (stack) => {
    const uac = new ExampleUac(stack);
    ready(uac);
    return uac;
  };
}
