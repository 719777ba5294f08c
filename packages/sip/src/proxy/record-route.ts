// Record-Route insertion (RFC 3261 §16.6 step 4): a proxy that wants to stay on the dialog's path
// puts a URI that reaches it, with `lr` (a loose router, §19.1.1), on top of the Record-Route set.
import type { SipRequest } from '../message/message.js';
import { sipUri, type SipUri } from '../message/uri.js';
import type { TransportName } from '../transport/endpoint.js';
import type { SipStack } from '../stack.js';

/**
 * The URI this proxy records for `transport` (RFC 3261 §16.6 step 4): the sent-by of the stack's
 * listener of that transport, with `lr` and, past UDP, `transport=`. Undefined when the stack has
 * no such listener.
 */
export function recordRouteUri(stack: SipStack, transport: TransportName): SipUri | undefined {
  const listener = stack.listener(transport) ?? stack.listeners[0];
  if (listener === undefined) return undefined;
  const params: [string, string | null][] = [['lr', null]];
  if (listener.transport !== 'UDP') params.unshift(['transport', listener.transport.toLowerCase()]);
  return sipUri({ host: listener.sentBy.host, port: listener.sentBy.port, params, scheme: listener.transport === 'TLS' ? 'sips' : 'sip' });
}

/**
 * Puts `uri` on top of `request`'s Record-Route set (RFC 3261 §16.6 step 4), as
 * `Record-Route: <uri>`. A URI without `lr` is refused: this proxy routes loosely.
 *
 * @example
 * ```ts fragment
 * addRecordRoute(copy, recordRouteUri(stack, 'UDP')!);
 * ```
 */
export function addRecordRoute(request: SipRequest, uri: SipUri): void {
  if (!uri.params.some(([name]) => name.toLowerCase() === 'lr')) throw new TypeError('a Record-Route URI of this proxy needs the lr parameter (RFC 3261 §16.6 step 4)');
  request.headers.prepend('Record-Route', { displayName: null, uri, params: [] });
}
