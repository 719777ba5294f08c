// RFC 3261 §18.2.2 and RFC 3581 §4: where a server sends a response — the connection the request
// came on while it is open, else a multicast maddr of the Via, else the address the request came
// from and the rport or sent-by port. With a known source, the address is the source's own (what
// `stampReceived` wrote as `received`), never one read from what the sender wrote.
import { isIPv4, isIPv6 } from 'node:net';
import createDebug from 'debug';
import type { Via } from '../message/headers/via.js';
import { paramValue } from '../message/params.js';
import type { Destination, Source, TransportName } from './endpoint.js';

const log = createDebug('switchboard:sip:response-target');

function defaultPort(transport: TransportName): number {
  return transport === 'TLS' ? 5061 : 5060;
}

function unbracket(host: string): string {
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** 224.0.0.0/4 or ff00::/8. */
export function isMulticast(address: string): boolean {
  if (isIPv4(address)) {
    const first = Number(address.slice(0, address.indexOf('.')));
    return first >= 224 && first <= 239;
  }
  return isIPv6(address) && address.slice(0, 2).toLowerCase() === 'ff';
}

/**
 * The destination of responses to a request whose (stamped) top Via is `via`, received from
 * `source`. Without a source (a response sent statelessly), the Via alone decides.
 *
 * `maddr` (§18.2.2: "sent to the address indicated by the maddr parameter") is honoured only when
 * it is a multicast address, the case the RFC writes it for. A unicast maddr in a request anyone
 * can send over UDP would let them aim our responses at a third party (reflection and
 * amplification), so the response goes back to the source instead.
 */
export function responseTarget(via: Via, source: Source | null): Destination {
  const transport = (source?.transport ?? (via.transport === 'TCP' || via.transport === 'TLS' ? via.transport : 'UDP')) as TransportName;
  const sentByPort = via.port ?? defaultPort(transport);
  if (source !== null && source.connection !== null) {
    // A stream: the same connection; if it has closed, a new one to the source address (the
    // received address) and the sent-by port.
    return { transport, address: source.address, port: sentByPort, connection: source.connection };
  }
  const maddr = paramValue(via.params, 'maddr');
  if (typeof maddr === 'string') {
    const group = unbracket(maddr);
    if (isMulticast(group)) return { transport, address: group, port: sentByPort };
    log('Via maddr=%s is not a multicast address: ignored, the response goes to the source', maddr);
  }
  const rport = paramValue(via.params, 'rport');
  if (source !== null) {
    // RFC 3581 §4: to the source port when rport was asked for (stampReceived filled it in).
    return { transport, address: source.address, port: rport === undefined ? sentByPort : source.port };
  }
  const received = paramValue(via.params, 'received');
  const address = typeof received === 'string' ? received : unbracket(via.host);
  const port = typeof rport === 'string' && rport !== '' ? Number(rport) : sentByPort;
  return { transport, address, port };
}
