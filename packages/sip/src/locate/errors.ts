// Errors of server location (RFC 3263): a DNS query that failed for a reason other than "no such
// records", kept as the cause when no target is left.
import type { LocateRecordType } from './dns-resolver.js';

/**
 * A DNS query failed (a timeout, a refused or failed server) rather than answering "no such name"
 * or "no records". The lookup goes on as if the records did not exist (RFC 3263 §4.1 falls back
 * from NAPTR to SRV to A/AAAA), and the error becomes the `cause` of the `SipTransportError` a
 * send rejects with when no target is found.
 */
export class DnsLookupError extends Error {
  /** A stable error code, `ERR_SIP_DNS`, to test for instead of the message. */
  readonly code = 'ERR_SIP_DNS';
  /** Builds the error for the query of `type` records of `domain`. */
  constructor(
    /** The record type asked for. */
    readonly type: LocateRecordType,
    /** The name asked about. */
    readonly domain: string,
    /** The resolver's error code (`ETIMEOUT`, `ESERVFAIL`, `ECONNREFUSED`…), when it gave one. */
    readonly dnsCode: string | undefined,
    /** The resolver's error. */
    override readonly cause: unknown,
  ) {
    super(`${type} lookup of ${domain} failed${dnsCode === undefined ? '' : `: ${dnsCode}`}`);
    this.name = 'DnsLookupError';
  }
}
