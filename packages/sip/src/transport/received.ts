// RFC 3261 §18.2.1 and RFC 3581 §4: a server notes in the top Via where a request really came from,
// so that its responses find their way back. Only this stack writes `received` and the value of
// `rport` in the top Via of a request it receives: what the sender wrote there is replaced by what
// the transport saw, or a forged address would have our responses reflected to it.
import { isIP } from 'node:net';
import createDebug from 'debug';
import type { Via } from '../message/headers/via.js';
import type { SipRequest } from '../message/message.js';
import { sameName, withParam, type Param } from '../message/params.js';
import type { Source } from './endpoint.js';

const log = createDebug('switchboard:sip:received');

function sameAddress(host: string, address: string): boolean {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  return isIP(bare) !== 0 && bare.toLowerCase() === address.toLowerCase();
}

function isReceived(name: string): boolean {
  return name.length === 8 && sameName(name, 'received');
}

function isRport(name: string): boolean {
  return name.length === 5 && sameName(name, 'rport');
}

/**
 * Stamps the top Via of a received request from its real source:
 * - `received` is set to the source address when the sent-by host is a name or another address
 *   (§18.2.1), or when `rport` is asked for (RFC 3581 §4); otherwise any `received` the sender
 *   wrote is removed;
 * - `rport`, when present — bare, as RFC 3581 asks, or with a value the sender wrote — is set to
 *   the source port.
 *
 * Returns the request's new top Via, or undefined when it is left alone (the common case: sent-by
 * is the source address, and neither parameter is there). The response target
 * (`responseTarget`) then follows §18.2.2 from the source itself.
 */
export function stampReceived(request: SipRequest, source: Source): Via | undefined {
  const via = request.topVia;
  if (via === undefined) return undefined;
  let claimedReceived: string | null | undefined;
  let claimedRport: string | null | undefined;
  for (const [name, value] of via.params) {
    if (isReceived(name)) claimedReceived = value;
    else if (isRport(name)) claimedRport = value;
  }
  const wantsRport = claimedRport !== undefined;
  const addReceived = wantsRport || !sameAddress(via.host, source.address);
  if (!addReceived && claimedReceived === undefined) return undefined;
  if ((claimedReceived !== undefined && claimedReceived !== source.address) || (typeof claimedRport === 'string' && claimedRport !== String(source.port))) {
    log('%s from %s:%d: the Via claimed received=%s rport=%s; replaced by the source', request.method, source.address, source.port, claimedReceived, claimedRport);
  }
  let params: Param[] = addReceived ? withParam(via.params, 'received', source.address) : via.params.filter(([name]) => !isReceived(name));
  if (wantsRport) params = withParam(params, 'rport', String(source.port));
  const stamped: Via = { ...via, params };
  request.headers.shift('via');
  request.headers.prepend('Via', stamped);
  return stamped;
}
