// The CANCEL of an INVITE (RFC 3261 §9.1): it must match the INVITE's server transaction
// downstream, so it copies the Request-URI, Call-ID, From, To, CSeq number, Route set and the
// single top Via (with its branch) of the INVITE.
import { HeaderList } from '../message/header-list.js';
import { SipRequest } from '../message/message.js';

export function cancelFor(invite: SipRequest): SipRequest {
  const headers = new HeaderList();
  headers.append('Via', invite.headers.values('Via')[0]!);
  for (const route of invite.headers.getAll('Route')) headers.append('Route', route);
  headers.append('Max-Forwards', invite.headers.get('Max-Forwards') ?? '70');
  headers.append('From', invite.headers.get('From')!);
  headers.append('To', invite.headers.get('To')!);
  headers.append('Call-ID', invite.headers.get('Call-ID')!);
  headers.append('CSeq', { seq: invite.cseq!.seq, method: 'CANCEL' });
  return new SipRequest('CANCEL', invite.uri, headers);
}
