// The DNS queries server location needs (RFC 3263 §4), as an interface: `node:dns/promises`'
// `Resolver` fits it as is, and tests inject their own (a counting wrapper, canned answers).
import { Resolver } from 'node:dns/promises';
import type { NaptrRecord, RecordWithTtl, SrvRecord } from 'node:dns';

/** The record types server location asks for (RFC 3263 §4.1, §4.2). */
export type LocateRecordType = 'NAPTR' | 'SRV' | 'A' | 'AAAA';

/**
 * The four queries of RFC 3263: NAPTR, SRV (RFC 2782), A and AAAA with their TTLs. A
 * `node:dns/promises` `Resolver` is one; errors with code `ENODATA` or `ENOTFOUND` mean "no such
 * records", any other rejection a failed query.
 *
 * @example
 * ```ts
 * import { Resolver } from 'node:dns/promises';
 * const resolver: DnsResolver = new Resolver();
 * ```
 */
export interface DnsResolver {
  /** NAPTR records of `hostname` (RFC 3403). */
  resolveNaptr(hostname: string): Promise<NaptrRecord[]>;
  /** SRV records of `hostname` (RFC 2782), a name such as `_sip._udp.example.com`. */
  resolveSrv(hostname: string): Promise<SrvRecord[]>;
  /** IPv4 addresses of `hostname` with their TTLs in seconds. */
  resolve4(hostname: string, options: { ttl: true }): Promise<RecordWithTtl[]>;
  /** IPv6 addresses of `hostname` with their TTLs in seconds. */
  resolve6(hostname: string, options: { ttl: true }): Promise<RecordWithTtl[]>;
}

/**
 * A `node:dns/promises` `Resolver`: the system's DNS servers, or `servers` (`'127.0.0.1:5353'`,
 * `'[::1]:53'`) when given.
 */
export function dnsResolver(servers?: readonly string[]): DnsResolver {
  const resolver = new Resolver();
  if (servers !== undefined) resolver.setServers([...servers]);
  return resolver;
}
