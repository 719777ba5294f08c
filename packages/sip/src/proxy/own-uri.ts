// Whether a URI names this element (RFC 3261 §16.4): its host and port are the sent-by of one of
// the stack's listeners. Route preprocessing and strict-route detection ask it.
import { isSipUri, uriParam, type Uri } from '../message/uri.js';
import type { SipStack } from '../stack.js';

/** True when `uri` is a sip:/sips: URI whose host and port are one of `stack`'s listeners. */
export function isOwnUri(stack: SipStack, uri: Uri): boolean {
  if (!isSipUri(uri)) return false;
  const param = uriParam(uri, 'transport');
  const transport = uri.scheme === 'sips' ? 'TLS' : typeof param === 'string' ? param.toUpperCase() : 'UDP';
  let host = uri.host;
  if (host.startsWith('[')) host = host.slice(1, -1);
  return stack.transports.isOwnSentBy(host, uri.port, transport) || stack.transports.isOwnSentBy(uri.host, uri.port, transport);
}
