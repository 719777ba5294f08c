// Where a request goes (RFC 3261 §8.1.2, §16.12; RFC 3263 §4): the first Route when it is a loose
// router, else the Request-URI; its maddr, host, port and transport parameter. Without a server
// locator a host name is looked up in the system resolver (A/AAAA) here; with one (`src/locate/`),
// NAPTR, SRV and A/AAAA records give an ordered list of targets to fail over along (RFC 3263 §4.3).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SipRequest } from '../message/message.js';
import { isSipUri, uriParam, type SipUri, type Uri } from '../message/uri.js';
import type { Destination, TransportName } from './endpoint.js';
import { SipTransportError } from './errors.js';

/**
 * The transport a URI's `transport` parameter names (RFC 3261 §19.1.1; `ws`, `wss`: RFC 7118 §5.2),
 * TLS for `transport=tcp` in a sips: URI; undefined when it names none. An unknown one throws
 * `SipTransportError`.
 */
export function uriTransport(uri: SipUri): TransportName | undefined {
  const param = uriParam(uri, 'transport');
  if (typeof param !== 'string') return undefined;
  const upper = param.toUpperCase();
  const secure = uri.scheme === 'sips';
  if (upper === 'UDP' || upper === 'TLS') return upper;
  if (upper === 'TCP') return secure ? 'TLS' : 'TCP';
  if (upper === 'WS' || upper === 'WSS') return secure ? 'WSS' : upper;
  throw new SipTransportError(`unsupported transport ${param}`);
}

/** The default port of a transport (RFC 3261 §19.1.2, RFC 3263 §4.2): 5061 over TLS, else 5060. */
export function defaultPort(transport: TransportName): number {
  return transport === 'TLS' || transport === 'WSS' ? 5061 : 5060;
}

/**
 * The host a URI sends to (RFC 3263 §4: its `maddr` when present, else its host), without the
 * brackets of an IPv6 reference.
 */
export function uriTargetHost(uri: SipUri): string {
  const maddr = uriParam(uri, 'maddr');
  const host = typeof maddr === 'string' ? maddr : uri.host;
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** The URI a request is sent towards: a loose-routing first Route, else the Request-URI. */
export function nextHopUri(request: SipRequest): Uri {
  const route = request.headers.first('route');
  if (route !== undefined && isSipUri(route.uri) && uriParam(route.uri, 'lr') !== undefined) return route.uri;
  return route?.uri ?? request.uri;
}

/**
 * Resolves a sip: or sips: URI to the transport, address and port to send to, with the system
 * resolver's A/AAAA lookup for a host name (no NAPTR, no SRV: the stack's `locate` option does
 * those).
 */
export async function resolveUri(uri: Uri): Promise<Destination> {
  if (!isSipUri(uri)) throw new SipTransportError(`cannot send to a ${uri.scheme}: URI`);
  const transport = uriTransport(uri) ?? (uri.scheme === 'sips' ? 'TLS' : 'UDP');
  const host = uriTargetHost(uri);
  const port = uri.port ?? defaultPort(transport);
  if (isIP(host) !== 0) return { transport, address: host, port };
  try {
    const { address } = await lookup(host);
    return { transport, address, port };
  } catch (error) {
    throw new SipTransportError(`cannot resolve ${host}: ${(error as Error).message}`, undefined, error);
  }
}
