// The ACK an INVITE client transaction sends for a non-2xx final response (RFC 3261 §17.1.1.3).
import { HeaderList } from '../message/header-list.js';
import { SipRequest, type SipResponse } from '../message/message.js';

/**
 * Request-URI, Call-ID, From and CSeq number of the INVITE; To of the response; the INVITE's top
 * Via only; its Route rows; CSeq method ACK.
 */
export function ackForFailure(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new HeaderList();
  headers.append('Via', invite.headers.values('Via')[0]!);
  for (const route of invite.headers.getAll('Route')) headers.append('Route', route);
  const maxForwards = invite.headers.get('Max-Forwards');
  if (maxForwards !== undefined) headers.append('Max-Forwards', maxForwards);
  headers.append('From', invite.headers.get('From')!);
  headers.append('To', response.headers.get('To')!);
  headers.append('Call-ID', invite.headers.get('Call-ID')!);
  headers.append('CSeq', { seq: invite.cseq!.seq, method: 'ACK' });
  return new SipRequest('ACK', invite.uri, headers);
}
