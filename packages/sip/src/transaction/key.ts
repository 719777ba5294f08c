// Transaction keys (RFC 3261 §17.1.3, §17.2.3): what makes a message belong to a transaction.
// Server side: the top Via's branch and sent-by and the method (an ACK belongs to its INVITE);
// for a branch without the magic cookie, the RFC 2543 fields. Client side: the branch and the
// CSeq method.
import { formatUri } from '../message/uri.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { paramValue } from '../message/params.js';
import { hasRfc3261Branch } from '../message/validate.js';
import type { Via } from '../message/headers/via.js';

/** A server transaction key: a string, one per transaction (RFC 3261 §17.2.3). */
export type ServerKey = string & {
  /** A type-only brand, never set: keeps a server key from being mistaken for a client key or any string. */
  readonly __serverKey?: never;
};
/** A client transaction key: a string, one per transaction (RFC 3261 §17.1.3). */
export type ClientKey = string & {
  /** A type-only brand, never set: keeps a client key from being mistaken for a server key or any string. */
  readonly __clientKey?: never;
};

function sentBy(via: Via): string {
  return `${via.host.toLowerCase()}:${via.port ?? (via.transport === 'TLS' ? 5061 : 5060)}`;
}

/** The method a request's transaction is keyed by: an ACK (and, for lookups, a CANCEL's target) is INVITE's. */
function keyMethod(method: string): string {
  return method === 'ACK' ? 'INVITE' : method;
}

/**
 * The server transaction a request belongs to (RFC 3261 §17.2.3). `method` overrides the request's
 * own: a CANCEL is looked up under INVITE to find the transaction it cancels.
 */
export function serverKey(request: SipRequest, method: string = request.method): ServerKey {
  const via = request.topVia!;
  if (hasRfc3261Branch(via)) return `${paramValue(via.params, 'branch')}\u0000${sentBy(via)}\u0000${keyMethod(method)}`;
  return rfc2543Key(request, via, keyMethod(method));
}

/**
 * RFC 3261 §17.2.3 for RFC 2543 peers: Request-URI, From tag, Call-ID, CSeq number and top Via; the
 * To tag too, except for INVITE and ACK (the ACK's To tag is the one the response carried, which
 * the transaction checks itself).
 */
function rfc2543Key(request: SipRequest, via: Via, method: string): ServerKey {
  const to = method === 'INVITE' ? '' : (paramValue(request.to?.params ?? [], 'tag') ?? '');
  const from = paramValue(request.from?.params ?? [], 'tag') ?? '';
  const topVia = `${via.transport}/${sentBy(via)};${paramValue(via.params, 'branch') ?? ''}`;
  return `2543\u0000${formatUri(request.uri)}\u0000${to}\u0000${from}\u0000${request.callId}\u0000${request.cseq?.seq}\u0000${topVia}\u0000${method}`;
}

/** The client transaction of a request it sends: its own branch and method. */
export function clientKeyOfRequest(request: SipRequest): ClientKey {
  const via = request.topVia!;
  return `${paramValue(via.params, 'branch')}\u0000${keyMethod(request.method)}`;
}

/** The client transaction a response belongs to (RFC 3261 §17.1.3): top Via branch and CSeq method. */
export function clientKeyOfResponse(response: SipResponse): ClientKey | undefined {
  const via = response.topVia;
  const branch = via === undefined ? undefined : paramValue(via.params, 'branch');
  const method = response.cseq?.method;
  if (typeof branch !== 'string' || method === undefined) return undefined;
  return `${branch}\u0000${method}`;
}
