// Where a request goes (RFC 3261 §8.1.2, §16.12; the address part of RFC 3263 §4): the first Route
// when it is a loose router, else the Request-URI; its maddr, host, port and transport parameter;
// a host name is looked up in the system resolver (A/AAAA). NAPTR and SRV records are not used.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SipRequest } from '../message/message.js';
import { isSipUri, uriParam, type SipUri, type Uri } from '../message/uri.js';
import type { Destination, TransportName } from './endpoint.js';
import { SipTransportError } from './errors.js';

function transportOf(uri: SipUri): TransportName {
  const param = uriParam(uri, 'transport');
  if (typeof param === 'string') {
    const upper = param.toUpperCase();
    if (upper === 'UDP' || upper === 'TCP' || upper === 'TLS') return uri.scheme === 'sips' && upper === 'TCP' ? 'TLS' : upper;
    throw new SipTransportError(`unsupported transport ${param}`);
  }
  return uri.scheme === 'sips' ? 'TLS' : 'UDP';
}

/** The URI a request is sent towards: a loose-routing first Route, else the Request-URI. */
export function nextHopUri(request: SipRequest): Uri {
  const route = request.headers.first('route');
  if (route !== undefined && isSipUri(route.uri) && uriParam(route.uri, 'lr') !== undefined) return route.uri;
  return route?.uri ?? request.uri;
}

/** Resolves a sip: or sips: URI to the transport, address and port to send to. */
export async function resolveUri(uri: Uri): Promise<Destination> {
  if (!isSipUri(uri)) throw new SipTransportError(`cannot send to a ${uri.scheme}: URI`);
  const transport = transportOf(uri);
  const maddr = uriParam(uri, 'maddr');
  let host = typeof maddr === 'string' ? maddr : uri.host;
  if (host.startsWith('[')) host = host.slice(1, -1);
  const port = uri.port ?? (transport === 'TLS' ? 5061 : 5060);
  if (isIP(host) !== 0) return { transport, address: host, port };
  try {
    const { address } = await lookup(host);
    return { transport, address, port };
  } catch (error) {
    throw new SipTransportError(`cannot resolve ${host}: ${(error as Error).message}`, undefined, error);
  }
}
