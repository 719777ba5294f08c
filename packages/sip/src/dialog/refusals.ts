// The answers a core gives to requests the dialog layer refuses: 481 for no dialog (§12.2.2), 500
// for a CSeq out of order (§12.2.2), 503 when the dialog table is full.
import { createResponse } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';

/**
 * `481 Call/Transaction Does Not Exist` for a request with a To tag that matches no dialog
 * (RFC 3261 §12.2.2). Never send it for an ACK: an ACK is not answered (§17.2.3).
 *
 * @example
 * const match = dialogs.receiveRequest(request);
 * if (match.outcome === 'no-dialog' && match.response !== null) transaction?.respond(match.response); // built here
 */
export function noDialogResponse(request: SipRequest): SipResponse {
  return createResponse(request, 481);
}

/**
 * `500 Server Internal Error` for a request whose CSeq number is lower than the dialog's remote
 * sequence number: it is out of order (RFC 3261 §12.2.2).
 *
 * @example
 * if (match.outcome === 'out-of-order' && match.response !== null) transaction?.respond(match.response);
 */
export function outOfOrderResponse(request: SipRequest): SipResponse {
  return createResponse(request, 500, { reason: 'Server Internal Error (CSeq out of order)' });
}

/**
 * `503 Service Unavailable` with a Retry-After (RFC 3261 §21.5.4, §20.33) for a request whose
 * dialog a full {@link DialogTable} refused ({@link DialogLimitError}).
 *
 * @example
 * catch (error) { if (error instanceof DialogLimitError) transaction.respond(dialogLimitResponse(request)); }
 */
export function dialogLimitResponse(request: SipRequest, retryAfter = 10): SipResponse {
  return createResponse(request, 503, { reason: 'Service Unavailable (too many dialogs)', headers: [['Retry-After', String(retryAfter)]] });
}
