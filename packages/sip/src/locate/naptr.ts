// RFC 3263 §4.1: the NAPTR records of a domain that name a SIP transport this client can use, in
// the order to try them.
import type { NaptrRecord } from 'node:dns';
import type { TransportName } from '../transport/endpoint.js';

/** RFC 3263 §4.1 (and the registry of RFC 3263 §10): the service field of each transport. */
const SERVICES: Readonly<Record<string, { readonly transport: TransportName; readonly secure: boolean }>> = {
  'SIP+D2U': { transport: 'UDP', secure: false },
  'SIP+D2T': { transport: 'TCP', secure: false },
  'SIPS+D2T': { transport: 'TLS', secure: true },
  // RFC 7118 §5: SIP over WebSocket
  'SIP+D2W': { transport: 'WS', secure: false },
  'SIPS+D2W': { transport: 'WSS', secure: true },
};

/** A usable NAPTR record: the transport its service names and the SRV name it points to. */
export interface SipNaptr {
  /**
   * The transport of the record's service (`SIP+D2U` UDP, `SIP+D2T` TCP, `SIPS+D2T` TLS, `SIP+D2W`
   * WS, `SIPS+D2W` WSS).
   */
  readonly transport: TransportName;
  /** The replacement: the SRV name to query next (RFC 3263 §4.1, flag `s`). */
  readonly srvName: string;
}

/**
 * The NAPTR records to follow, best first (RFC 3263 §4.1, RFC 3403 §4.1): flag `s` only (the
 * replacement is an SRV name), a service this client supports (`transports`), only `SIPS+D2T`
 * (and `SIPS+D2W`) for a sips: URI; sorted by order, then preference.
 */
export function sipNaptrs(records: readonly NaptrRecord[], sips: boolean, transports: readonly TransportName[]): SipNaptr[] {
  return records
    .filter((r) => {
      const service = SERVICES[r.service.toUpperCase()];
      return r.flags.toLowerCase() === 's' && r.replacement !== '' && service !== undefined && (!sips || service.secure) && transports.includes(service.transport);
    })
    .sort((a, b) => a.order - b.order || a.preference - b.preference)
    .map((r) => ({ transport: SERVICES[r.service.toUpperCase()]!.transport, srvName: r.replacement }));
}

/**
 * The SRV name of `transport` at `domain` (RFC 3263 §4.1, §4.2): `_sip._udp`, `_sip._tcp`,
 * `_sips._tcp` for TLS; `_sip._ws` and `_sips._ws` for WS and WSS (RFC 7118 §5).
 */
export function srvName(transport: TransportName, domain: string): string {
  switch (transport) {
    case 'TLS':
      return `_sips._tcp.${domain}`;
    case 'WSS':
      return `_sips._ws.${domain}`;
    default:
      return `_sip._${transport.toLowerCase()}.${domain}`;
  }
}
