// RFC 3263 §4: from a SIP URI to an ordered list of targets (transport, address, port) through
// NAPTR, SRV and A/AAAA records, the answers cached for their TTL on the runtime's clock.
import { isIP } from 'node:net';
import type { NaptrRecord, RecordWithTtl, SrvRecord } from 'node:dns';
import createDebug from 'debug';
import { systemClock } from '@switchboard/actor';
import { isSipUri, type SipUri, type Uri } from '../message/uri.js';
import type { TransportName } from '../transport/endpoint.js';
import { SipTransportError } from '../transport/errors.js';
import { defaultPort, uriTargetHost, uriTransport } from '../transport/next-hop.js';
import { DnsCache, type CacheClock } from './dns-cache.js';
import { dnsResolver, type DnsResolver, type LocateRecordType } from './dns-resolver.js';
import { DnsLookupError } from './errors.js';
import { sipNaptrs, srvName } from './naptr.js';
import { orderSrv } from './srv-order.js';
import { TargetList, type LocatedTarget, type LocateProgress } from './target-list.js';

const log = createDebug('switchboard:sip:locate');

/**
 * The defaults of {@link ServerLocatorOptions}: 1,000 cached answers; NAPTR and SRV answers kept
 * 5 minutes (Node's resolver does not report their TTL); A/AAAA answers for their own TTL, at most
 * an hour; "no such records" for 30 s (RFC 2308 negative caching); UDP, then TCP, then TLS
 * preferred when a domain has no NAPTR records.
 */
export const DEFAULT_LOCATE_OPTIONS = {
  maxEntries: 1000,
  recordTtl: 300_000,
  maxTtl: 3_600_000,
  negativeTtl: 30_000,
  transports: ['UDP', 'TCP', 'TLS'] as readonly TransportName[],
} as const;

/** Options of {@link ServerLocator}. */
export interface ServerLocatorOptions {
  /** The DNS client (default a `node:dns/promises` `Resolver` on `servers`). */
  readonly resolver?: DnsResolver;
  /** DNS servers for the default resolver (`'127.0.0.1:5353'`); default the system's. */
  readonly servers?: readonly string[];
  /**
   * The clock TTLs run on; a stack passes its runtime's (so a `VirtualClock` drives expiry in
   * tests). Default real time.
   */
  readonly clock?: CacheClock;
  /** A number in [0, 1) for the weighted SRV draw (RFC 2782); default `Math.random`. */
  readonly random?: () => number;
  /** The most DNS answers cached at once (default 1,000; least recently used evicted first). */
  readonly maxEntries?: number;
  /** How long NAPTR and SRV answers are kept, in ms (default 300,000). */
  readonly recordTtl?: number;
  /** The longest any answer is kept, in ms, whatever its TTL (default 3,600,000). */
  readonly maxTtl?: number;
  /** How long "no such name" and "no records" answers are kept, in ms (default 30,000). */
  readonly negativeTtl?: number;
  /**
   * The transports to ask SRV records for when a domain has no NAPTR records, in order of
   * preference (RFC 3263 §4.1; default UDP, TCP, TLS).
   */
  readonly transports?: readonly TransportName[];
}

/** What a client can use, so that a lookup offers only targets it can send to. */
export interface LocateFilter {
  /**
   * The transports the client can send on (a stack: those it has listeners for). NAPTR records
   * and SRV queries of other transports are skipped (RFC 3263 §4.1). Default every transport.
   */
  readonly transports?: readonly TransportName[];
  /** The address families to look up: 4 asks A, 6 asks AAAA, in this order (default both, A first). */
  readonly families?: readonly (4 | 6)[];
}

interface Answer<T> {
  readonly records: readonly T[];
  readonly error?: DnsLookupError;
}

/**
 * Finds the servers a SIP URI names (RFC 3263 §4): transport selection from NAPTR records (§4.1),
 * SRV records ordered by priority and weight (§4.2, RFC 2782), A/AAAA with the default port when
 * there are none; numeric hosts and explicit ports skip the lookups they make pointless, and the
 * `transport` and `maddr` parameters are honoured. Answers are cached for their TTL.
 *
 * Pass one (or its options) as a stack's `locate` option to make `sendRequest` use it, with
 * failover to the next target on a transport error, a timeout or a 503 (RFC 3263 §4.3).
 *
 * @example
 * ```ts fragment
 * const locator = new ServerLocator({ servers: ['127.0.0.1:5353'] });
 * const targets = await locator.locate(parseUri('sip:bob@example.com'));
 * for (let t: Destination | undefined = targets.current; t !== undefined; t = await targets.next()) console.log(t);
 * ```
 */
export class ServerLocator {
  private readonly resolver: DnsResolver;
  private readonly cache: DnsCache;
  private readonly random: () => number;
  private readonly recordTtl: number;
  private readonly maxTtl: number;
  private readonly negativeTtl: number;
  private readonly preference: readonly TransportName[];
  private readonly pending = new Map<string, Promise<Answer<unknown>>>();

  /** Makes a locator; see {@link ServerLocatorOptions} for the defaults. */
  constructor(options: ServerLocatorOptions = {}) {
    this.resolver = options.resolver ?? dnsResolver(options.servers);
    this.cache = new DnsCache(options.maxEntries ?? DEFAULT_LOCATE_OPTIONS.maxEntries, options.clock ?? systemClock);
    this.random = options.random ?? Math.random;
    this.recordTtl = options.recordTtl ?? DEFAULT_LOCATE_OPTIONS.recordTtl;
    this.maxTtl = options.maxTtl ?? DEFAULT_LOCATE_OPTIONS.maxTtl;
    this.negativeTtl = options.negativeTtl ?? DEFAULT_LOCATE_OPTIONS.negativeTtl;
    this.preference = options.transports ?? DEFAULT_LOCATE_OPTIONS.transports;
  }

  /** DNS answers cached now (at most `maxEntries`). */
  get cachedAnswers(): number {
    return this.cache.size;
  }

  /** Forgets every cached answer. */
  clearCache(): void {
    this.cache.clear();
  }

  /**
   * The targets of `uri`, in the order to try them (RFC 3263 §4.3). Lookups are made lazily: the
   * list holds its first target, and each `next()` looks up only as far as the next one.
   *
   * Return values: resolves to a {@link TargetList}. Rejects with `SipTransportError` for a URI
   * that is not sip: or sips:, an unknown `transport` parameter, or a name with no usable
   * records (its `cause` is the last failed query, a {@link DnsLookupError}, if any).
   */
  async locate(uri: Uri, filter: LocateFilter = {}): Promise<TargetList> {
    if (!isSipUri(uri)) throw new SipTransportError(`cannot send to a ${uri.scheme}: URI`);
    const progress: LocateProgress = { error: undefined };
    const host = uriTargetHost(uri);
    const list = await TargetList.start(this.walk(uri, host, filter, progress));
    if (list === null) throw new SipTransportError(`cannot locate ${host}: no usable NAPTR, SRV or A/AAAA records`, undefined, progress.error);
    return list;
  }

  private async *walk(uri: SipUri, host: string, filter: LocateFilter, progress: LocateProgress): AsyncGenerator<LocatedTarget> {
    const secure = uri.scheme === 'sips';
    const explicit = uriTransport(uri);
    const fallback: TransportName = explicit ?? (secure ? 'TLS' : 'UDP');
    const seen = new Set<string>();
    const fresh = (target: LocatedTarget): boolean => {
      const key = `${target.transport} ${target.address} ${target.port}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    };
    // RFC 3263 §4.1, §4.2: a numeric address is used as is, with the URI's port or the default.
    if (isIP(host) !== 0) {
      yield { transport: fallback, address: host, port: uri.port ?? defaultPort(fallback), host };
      return;
    }
    // §4.2: an explicit port: A/AAAA only, no NAPTR, no SRV (and §4.1: UDP, or TLS for sips).
    if (uri.port !== null) {
      yield* this.addresses(host, uri.port, fallback, filter, progress, fresh);
      return;
    }
    const usable = (transport: TransportName): boolean => filter.transports === undefined || filter.transports.includes(transport);
    let srvFound = false;
    let chosen: TransportName = fallback;
    if (explicit !== undefined) {
      // §4.2: the transport is known: its SRV records.
      srvFound = yield* this.srvTargets(srvName(explicit, host), explicit, filter, progress, fresh);
    } else {
      // §4.1: NAPTR records choose the transport, best order and preference first.
      const naptr = await this.query<NaptrRecord>('NAPTR', host, progress);
      const naptrs = sipNaptrs(naptr, secure, filter.transports ?? ['UDP', 'TCP', 'TLS', 'WS', 'WSS']);
      for (const record of naptrs) {
        if (yield* this.srvTargets(record.srvName, record.transport, filter, progress, fresh)) srvFound = true;
      }
      if (naptrs.length > 0) chosen = naptrs[0]!.transport;
      else {
        // §4.1: no NAPTR: an SRV query per supported transport, in the client's order of preference;
        // a sips: URI only over TLS.
        for (const transport of this.preference) {
          if (!usable(transport) || (secure && transport !== 'TLS' && transport !== 'WSS')) continue;
          if (yield* this.srvTargets(srvName(transport, host), transport, filter, progress, fresh)) srvFound = true;
        }
      }
    }
    // §4.2: no SRV records: the A/AAAA records of the name, with the transport's default port.
    if (!srvFound) yield* this.addresses(host, defaultPort(chosen), chosen, filter, progress, fresh);
  }

  /** Yields the targets of an SRV name in RFC 2782 order; returns whether it had any records. */
  private async *srvTargets(name: string, transport: TransportName, filter: LocateFilter, progress: LocateProgress, fresh: (t: LocatedTarget) => boolean): AsyncGenerator<LocatedTarget, boolean> {
    const records = await this.query<SrvRecord>('SRV', name, progress);
    if (records.length === 0) return false;
    const ordered = orderSrv(records, this.random);
    log('%s: %d SRV records, in order %o', name, records.length, ordered.map((r) => `${r.name}:${r.port}`));
    for (const record of ordered) yield* this.addresses(record.name, record.port, transport, filter, progress, fresh);
    return true;
  }

  private async *addresses(host: string, port: number, transport: TransportName, filter: LocateFilter, progress: LocateProgress, fresh: (t: LocatedTarget) => boolean): AsyncGenerator<LocatedTarget> {
    if (isIP(host) !== 0) {
      const target = { transport, address: host, port, host };
      if (fresh(target)) yield target;
      return;
    }
    for (const family of filter.families ?? [4, 6]) {
      const records = await this.query<RecordWithTtl>(family === 4 ? 'A' : 'AAAA', host, progress);
      for (const record of records) {
        const target = { transport, address: record.address, port, host };
        if (fresh(target)) yield target;
      }
    }
  }

  /** One query through the cache; concurrent identical queries share one request to the server. */
  private async query<T>(type: LocateRecordType, name: string, progress: LocateProgress): Promise<readonly T[]> {
    const key = `${type} ${name.toLowerCase()}`;
    const cached = this.cache.get<T>(key);
    if (cached !== undefined) return cached;
    let pending = this.pending.get(key);
    if (pending === undefined) {
      pending = this.ask(type, name, key).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    const answer = (await pending) as Answer<T>;
    if (answer.error !== undefined) progress.error = answer.error;
    return answer.records;
  }

  private async ask(type: LocateRecordType, name: string, key: string): Promise<Answer<unknown>> {
    try {
      let records: readonly unknown[];
      let ttl = this.recordTtl;
      if (type === 'NAPTR') records = await this.resolver.resolveNaptr(name);
      else if (type === 'SRV') records = await this.resolver.resolveSrv(name);
      else {
        const addresses = type === 'A' ? await this.resolver.resolve4(name, { ttl: true }) : await this.resolver.resolve6(name, { ttl: true });
        ttl = addresses.reduce((least, r) => Math.min(least, r.ttl * 1000), Infinity);
        records = addresses;
      }
      log('%s %s: %d records, kept %d ms', type, name, records.length, Math.min(ttl, this.maxTtl));
      this.cache.set(key, records, Math.min(ttl, this.maxTtl, records.length === 0 ? this.negativeTtl : Infinity));
      return { records };
    } catch (error) {
      const code = typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;
      if (code === 'ENODATA' || code === 'ENOTFOUND') {
        // RFC 2308: "no such name" and "no records" are answers too, kept a while.
        log('%s %s: none (%s)', type, name, code);
        this.cache.set(key, [], Math.min(this.negativeTtl, this.maxTtl));
        return { records: [] };
      }
      // A failed query is not cached: the next lookup asks again.
      log('%s %s failed: %s', type, name, code ?? String(error));
      return { records: [], error: new DnsLookupError(type, name, code, error) };
    }
  }
}
