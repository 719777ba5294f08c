// RFC 3261 §18.2.1 and RFC 3581 §4: a server notes in the top Via where a request really came from,
// so that its responses find their way back.
import { isIP } from 'node:net';
import type { Via } from '../message/headers/via.js';
import type { SipRequest } from '../message/message.js';
import { paramValue, withParam } from '../message/params.js';
import type { Source } from './endpoint.js';

function sameAddress(host: string, address: string): boolean {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  return isIP(bare) !== 0 && bare.toLowerCase() === address.toLowerCase();
}

/**
 * Adds `received` when the sent-by host is a name or another address than the packet's source,
 * and, only when the request asked with a bare `rport`, fills `rport` with the source port (and
 * then always adds `received`, RFC 3581 §4). Returns the request's new top Via, or undefined when
 * it is left alone.
 */
export function stampReceived(request: SipRequest, source: Source): Via | undefined {
  const via = request.topVia;
  if (via === undefined) return undefined;
  const rport = paramValue(via.params, 'rport');
  const wantsRport = rport === null;
  if (!wantsRport && sameAddress(via.host, source.address)) return undefined;
  let params = withParam(via.params, 'received', source.address);
  if (wantsRport) params = withParam(params, 'rport', String(source.port));
  const stamped: Via = { ...via, params };
  request.headers.shift('via');
  request.headers.prepend('Via', stamped);
  return stamped;
}
