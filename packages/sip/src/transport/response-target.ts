// RFC 3261 §18.2.2 and RFC 3581 §4: where a server sends a response — the connection the request
// came on while it is open, else the Via's maddr, else the received address and the rport or
// sent-by port.
import type { Via } from '../message/headers/via.js';
import { paramValue } from '../message/params.js';
import type { Destination, Source, TransportName } from './endpoint.js';

function defaultPort(transport: TransportName): number {
  return transport === 'TLS' ? 5061 : 5060;
}

function unbracket(host: string): string {
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/**
 * The destination of responses to a request whose (stamped) top Via is `via`, received from
 * `source`. Without a source (a response sent statelessly), the Via alone decides.
 */
export function responseTarget(via: Via, source: Source | null): Destination {
  const transport = (source?.transport ?? (via.transport === 'TCP' || via.transport === 'TLS' ? via.transport : 'UDP')) as TransportName;
  const sentByPort = via.port ?? defaultPort(transport);
  const received = paramValue(via.params, 'received');
  const rport = paramValue(via.params, 'rport');
  if (source !== null && source.connection !== null) {
    // A stream: the same connection; if it has closed, a new one to the received address and sent-by port.
    return { transport, address: typeof received === 'string' ? received : source.address, port: sentByPort, connection: source.connection };
  }
  const maddr = paramValue(via.params, 'maddr');
  if (typeof maddr === 'string') return { transport, address: unbracket(maddr), port: sentByPort };
  const address = typeof received === 'string' ? received : (source?.address ?? unbracket(via.host));
  // RFC 3581 §4: to the source port when rport was filled in.
  const port = typeof rport === 'string' && rport !== '' ? Number(rport) : sentByPort;
  return { transport, address, port };
}
