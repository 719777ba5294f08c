// Server location (RFC 3263) without a network: RFC 2782's weighted SRV order with an injected
// random, the §4.1/§4.2 rules (numeric hosts, explicit ports, transport and maddr parameters,
// NAPTR selection, the SRV and A/AAAA fallbacks), TTL caching on a VirtualClock and the cache bound.
import type { NaptrRecord, RecordWithTtl, SrvRecord } from 'node:dns';
import test from 'ava';
import { VirtualClock } from '@switchboard/actor';
import { DnsCache, DnsLookupError, orderSrv, parseUri, ServerLocator, SipTransportError, sipNaptrs, type DnsResolver, type LocatedTarget, type ServerLocatorOptions, type TargetList } from '@switchboard/sip';

/** Canned answers by record type and name; every query is counted. */
class FakeResolver implements DnsResolver {
  readonly queries: string[] = [];
  readonly naptr = new Map<string, NaptrRecord[]>();
  readonly srv = new Map<string, SrvRecord[]>();
  readonly a = new Map<string, RecordWithTtl[]>();
  readonly aaaa = new Map<string, RecordWithTtl[]>();
  failing = new Set<string>();

  private answer<T>(type: string, name: string, table: Map<string, T[]>): Promise<T[]> {
    this.queries.push(`${type} ${name}`);
    if (this.failing.has(`${type} ${name}`)) return Promise.reject(Object.assign(new Error('queryA ETIMEOUT'), { code: 'ETIMEOUT' }));
    const records = table.get(name);
    return records === undefined ? Promise.reject(Object.assign(new Error(`${type} ENODATA`), { code: 'ENODATA' })) : Promise.resolve(records);
  }
  resolveNaptr(name: string): Promise<NaptrRecord[]> {
    return this.answer('NAPTR', name, this.naptr);
  }
  resolveSrv(name: string): Promise<SrvRecord[]> {
    return this.answer('SRV', name, this.srv);
  }
  resolve4(name: string): Promise<RecordWithTtl[]> {
    return this.answer('A', name, this.a);
  }
  resolve6(name: string): Promise<RecordWithTtl[]> {
    return this.answer('AAAA', name, this.aaaa);
  }
}

function srv(name: string, port: number, priority: number, weight: number): SrvRecord {
  return { name, port, priority, weight };
}

function naptr(order: number, preference: number, service: string, replacement: string, flags = 's'): NaptrRecord {
  return { flags, service, regexp: '', replacement, order, preference };
}

/** A random source that returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

async function all(list: TargetList): Promise<string[]> {
  const out: string[] = [];
  for (let t: LocatedTarget | undefined = list.current; t !== undefined; t = await list.next()) out.push(`${t.transport} ${t.address}:${t.port}`);
  return out;
}

function locator(resolver: FakeResolver, options: ServerLocatorOptions = {}): ServerLocator {
  return new ServerLocator({ resolver, clock: new VirtualClock(), ...options });
}

// ---- RFC 2782 weighted order ----

test('orderSrv: lowest priority first, whatever the weights', (t) => {
  const order = orderSrv([srv('c', 1, 30, 100), srv('a', 1, 10, 0), srv('b', 1, 20, 100)], () => 0);
  t.deepEqual(order.map((r) => r.name), ['a', 'b', 'c']);
});

test('orderSrv: within a priority, the draw picks the first record whose running sum reaches it', (t) => {
  const records = [srv('a', 1, 10, 60), srv('b', 1, 10, 30), srv('c', 1, 10, 10)];
  // sum 100: floor(r × 101). 0 → a (60 ≥ 0); then sum 40: 0.99 × 41 → 40 → c (30 + 10 ≥ 40); then b.
  t.deepEqual(orderSrv(records, sequence(0, 0.99, 0)).map((r) => r.name), ['a', 'c', 'b']);
  // 0.7 × 101 → 70: past a's 60, within b's 90 → b; then sum 70: 0 → a; then c.
  t.deepEqual(orderSrv(records, sequence(0.7, 0, 0)).map((r) => r.name), ['b', 'a', 'c']);
  // 0.95 × 101 → 95: c; then sum 90, 0.5 × 91 → 45: a; then b.
  t.deepEqual(orderSrv(records, sequence(0.95, 0.5, 0)).map((r) => r.name), ['c', 'a', 'b']);
});

test('orderSrv: weight 0 records go first in the running sum, so only a draw of 0 picks them', (t) => {
  const records = [srv('heavy', 1, 10, 50), srv('zero', 1, 10, 0)];
  t.deepEqual(orderSrv(records, sequence(0, 0)).map((r) => r.name), ['zero', 'heavy']);
  t.deepEqual(orderSrv(records, sequence(0.5, 0)).map((r) => r.name), ['heavy', 'zero']);
});

test('orderSrv: over many draws the first pick follows the weights', (t) => {
  // A seeded LCG: deterministic, spread over [0, 1).
  let seed = 42;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const records = [srv('a', 1, 10, 75), srv('b', 1, 10, 25)];
  let a = 0;
  for (let i = 0; i < 2000; i++) if (orderSrv(records, random)[0]!.name === 'a') a++;
  t.true(a > 1400 && a < 1600, `a first ${a} times of 2000`);
});

test('orderSrv: a target of "." means no service', (t) => {
  t.deepEqual(orderSrv([srv('.', 0, 0, 0)]), []);
});

// ---- RFC 3263 §4.1 NAPTR selection ----

test('sipNaptrs: flag s, supported services, order then preference; sips takes SIPS+D2T only', (t) => {
  const records = [
    naptr(20, 10, 'SIP+D2U', '_sip._udp.x'),
    naptr(10, 20, 'SIP+D2T', '_sip._tcp.x'),
    naptr(10, 10, 'SIPS+D2T', '_sips._tcp.x'),
    naptr(5, 10, 'SIP+D2X', '_sip._x.x'),
    naptr(5, 10, 'SIP+D2U', 'x', 'a'),
  ];
  t.deepEqual(sipNaptrs(records, false, ['UDP', 'TCP', 'TLS']), [
    { transport: 'TLS', srvName: '_sips._tcp.x' },
    { transport: 'TCP', srvName: '_sip._tcp.x' },
    { transport: 'UDP', srvName: '_sip._udp.x' },
  ]);
  t.deepEqual(sipNaptrs(records, false, ['UDP']), [{ transport: 'UDP', srvName: '_sip._udp.x' }]);
  t.deepEqual(sipNaptrs(records, true, ['UDP', 'TCP', 'TLS']), [{ transport: 'TLS', srvName: '_sips._tcp.x' }]);
});

// ---- RFC 3263 §4.1, §4.2 through the locator ----

test('a numeric host needs no lookup: the URI port or the default, UDP for sip, TLS for sips', async (t) => {
  const resolver = new FakeResolver();
  const loc = locator(resolver);
  t.deepEqual(await all(await loc.locate(parseUri('sip:bob@192.0.2.1'))), ['UDP 192.0.2.1:5060']);
  t.deepEqual(await all(await loc.locate(parseUri('sip:bob@192.0.2.1:5080;transport=tcp'))), ['TCP 192.0.2.1:5080']);
  t.deepEqual(await all(await loc.locate(parseUri('sips:bob@[2001:db8::1]'))), ['TLS 2001:db8::1:5061']);
  t.deepEqual(await all(await loc.locate(parseUri('sip:bob@example.test;maddr=192.0.2.9'))), ['UDP 192.0.2.9:5060']);
  t.deepEqual(resolver.queries, []);
});

test('an explicit port skips NAPTR and SRV: A then AAAA with that port', async (t) => {
  const resolver = new FakeResolver();
  resolver.a.set('host.test', [{ address: '192.0.2.1', ttl: 60 }]);
  resolver.aaaa.set('host.test', [{ address: '2001:db8::1', ttl: 60 }]);
  const loc = locator(resolver);
  t.deepEqual(await all(await loc.locate(parseUri('sip:bob@host.test:5070'))), ['UDP 192.0.2.1:5070', 'UDP 2001:db8::1:5070']);
  t.deepEqual(resolver.queries, ['A host.test', 'AAAA host.test']);
  t.deepEqual(await all(await loc.locate(parseUri('sips:bob@host.test:5071'), { families: [6] })), ['TLS 2001:db8::1:5071']);
});

test('a transport parameter skips NAPTR: the SRV records of that transport (§4.2), maddr as the domain', async (t) => {
  const resolver = new FakeResolver();
  resolver.srv.set('_sip._tcp.proxy.test', [srv('p1.test', 5090, 10, 0)]);
  resolver.a.set('p1.test', [{ address: '192.0.2.5', ttl: 60 }]);
  const loc = locator(resolver);
  t.deepEqual(await all(await loc.locate(parseUri('sip:bob@example.test;transport=tcp;maddr=proxy.test'), { families: [4] })), ['TCP 192.0.2.5:5090']);
  t.deepEqual(resolver.queries, ['SRV _sip._tcp.proxy.test', 'A p1.test']);
});

test('NAPTR picks the transport; SRV priorities order the targets; lookups are lazy', async (t) => {
  const resolver = new FakeResolver();
  resolver.naptr.set('example.test', [naptr(50, 10, 'SIP+D2U', '_sip._udp.example.test'), naptr(10, 10, 'SIP+D2T', '_sip._tcp.example.test')]);
  resolver.srv.set('_sip._tcp.example.test', [srv('b.example.test', 5071, 20, 0), srv('a.example.test', 5070, 10, 0)]);
  resolver.srv.set('_sip._udp.example.test', [srv('c.example.test', 5072, 10, 0)]);
  resolver.a.set('a.example.test', [{ address: '192.0.2.1', ttl: 60 }]);
  resolver.a.set('b.example.test', [{ address: '192.0.2.2', ttl: 60 }]);
  resolver.a.set('c.example.test', [{ address: '192.0.2.3', ttl: 60 }]);
  const list = await locator(resolver).locate(parseUri('sip:bob@example.test'), { families: [4] });
  t.like(list.current, { transport: 'TCP', address: '192.0.2.1', port: 5070, host: 'a.example.test' });
  t.deepEqual(resolver.queries, ['NAPTR example.test', 'SRV _sip._tcp.example.test', 'A a.example.test']);
  t.deepEqual(await all(list), ['TCP 192.0.2.1:5070', 'TCP 192.0.2.2:5071', 'UDP 192.0.2.3:5072']);
  t.true(list.exhausted);
});

test('NAPTR of transports the client lacks are skipped (§4.1)', async (t) => {
  const resolver = new FakeResolver();
  resolver.naptr.set('example.test', [naptr(10, 10, 'SIP+D2T', '_sip._tcp.example.test'), naptr(20, 10, 'SIP+D2U', '_sip._udp.example.test')]);
  resolver.srv.set('_sip._udp.example.test', [srv('c.example.test', 5072, 10, 0)]);
  resolver.a.set('c.example.test', [{ address: '192.0.2.3', ttl: 60 }]);
  t.deepEqual(await all(await locator(resolver).locate(parseUri('sip:example.test'), { transports: ['UDP'], families: [4] })), ['UDP 192.0.2.3:5072']);
  t.false(resolver.queries.includes('SRV _sip._tcp.example.test'));
});

test('no NAPTR: SRV per transport in the order of preference; sips asks _sips._tcp only', async (t) => {
  const resolver = new FakeResolver();
  resolver.srv.set('_sip._tcp.example.test', [srv('t.example.test', 5060, 0, 0)]);
  resolver.srv.set('_sips._tcp.example.test', [srv('s.example.test', 5061, 0, 0)]);
  resolver.a.set('t.example.test', [{ address: '192.0.2.7', ttl: 60 }]);
  resolver.a.set('s.example.test', [{ address: '192.0.2.8', ttl: 60 }]);
  const loc = locator(resolver, { transports: ['TCP', 'UDP', 'TLS'] });
  t.deepEqual(await all(await loc.locate(parseUri('sip:example.test'), { families: [4] })), ['TCP 192.0.2.7:5060', 'TLS 192.0.2.8:5061']);
  t.deepEqual(resolver.queries, ['NAPTR example.test', 'SRV _sip._tcp.example.test', 'A t.example.test', 'SRV _sip._udp.example.test', 'SRV _sips._tcp.example.test', 'A s.example.test']);
  resolver.queries.length = 0;
  t.deepEqual(await all(await loc.locate(parseUri('sips:example.test'), { families: [4] })), ['TLS 192.0.2.8:5061']);
  t.deepEqual(resolver.queries, []); // all cached
});

test('no NAPTR, no SRV: A/AAAA with the default port (§4.2)', async (t) => {
  const resolver = new FakeResolver();
  resolver.a.set('plain.test', [{ address: '192.0.2.4', ttl: 60 }]);
  t.deepEqual(await all(await locator(resolver).locate(parseUri('sip:plain.test'))), ['UDP 192.0.2.4:5060']);
  t.deepEqual(await all(await locator(resolver).locate(parseUri('sips:plain.test'))), ['TLS 192.0.2.4:5061']);
});

test('nothing found: SipTransportError, with the failed query as cause', async (t) => {
  const resolver = new FakeResolver();
  resolver.failing.add('A gone.test');
  const error = await t.throwsAsync(locator(resolver).locate(parseUri('sip:gone.test:5060')), { instanceOf: SipTransportError });
  t.true(error?.cause instanceof DnsLookupError);
  t.is((error?.cause as DnsLookupError).code, 'ERR_SIP_DNS');
  t.is((error?.cause as DnsLookupError).dnsCode, 'ETIMEOUT');
  await t.throwsAsync(locator(resolver).locate(parseUri('tel:+15551234')), { instanceOf: SipTransportError });
  await t.throwsAsync(locator(resolver).locate(parseUri('sip:bob@192.0.2.1;transport=sctp')), { instanceOf: SipTransportError });
});

// ---- caching ----

test('answers are kept for their TTL on the clock; failed queries are not kept', async (t) => {
  const resolver = new FakeResolver();
  const clock = new VirtualClock();
  resolver.a.set('host.test', [{ address: '192.0.2.1', ttl: 60 }, { address: '192.0.2.2', ttl: 30 }]);
  const loc = new ServerLocator({ resolver, clock });
  await loc.locate(parseUri('sip:host.test:5060'), { families: [4] });
  await loc.locate(parseUri('sip:host.test:5060'), { families: [4] });
  t.is(resolver.queries.length, 1);
  await clock.advance(29_999); // the least TTL of the set, 30 s
  await loc.locate(parseUri('sip:host.test:5060'), { families: [4] });
  t.is(resolver.queries.length, 1);
  await clock.advance(1);
  await loc.locate(parseUri('sip:host.test:5060'), { families: [4] });
  t.is(resolver.queries.length, 2);

  resolver.failing.add('A flaky.test');
  resolver.a.set('flaky.test', [{ address: '192.0.2.3', ttl: 60 }]);
  await t.throwsAsync(loc.locate(parseUri('sip:flaky.test:5060'), { families: [4] }));
  resolver.failing.clear();
  t.deepEqual(await all(await loc.locate(parseUri('sip:flaky.test:5060'), { families: [4] })), ['UDP 192.0.2.3:5060']);
});

test('concurrent lookups of one name share one query', async (t) => {
  const resolver = new FakeResolver();
  resolver.a.set('host.test', [{ address: '192.0.2.1', ttl: 60 }]);
  const loc = locator(resolver);
  await Promise.all([1, 2, 3].map(() => loc.locate(parseUri('sip:host.test:5060'), { families: [4] })));
  t.is(resolver.queries.length, 1);
});

test('DnsCache holds at most maxEntries, evicting the least recently used', (t) => {
  const clock = new VirtualClock();
  const cache = new DnsCache(2, clock);
  cache.set('A a', [1], 1000);
  cache.set('A b', [2], 1000);
  t.deepEqual(cache.get('A a'), [1]); // a is now the most recently used
  cache.set('A c', [3], 1000);
  t.is(cache.size, 2);
  t.is(cache.get('A b'), undefined);
  t.deepEqual(cache.get('A a'), [1]);
  t.deepEqual(cache.get('A c'), [3]);
  cache.set('A zero', [4], 0); // a TTL of 0 is not kept
  t.is(cache.get('A zero'), undefined);
  t.throws(() => new DnsCache(0, clock), { instanceOf: RangeError });
});

test('the locator\'s cache stays within maxEntries over many names', async (t) => {
  const resolver = new FakeResolver();
  for (let i = 0; i < 50; i++) resolver.a.set(`h${i}.test`, [{ address: `192.0.2.${i}`, ttl: 600 }]);
  const loc = locator(resolver, { maxEntries: 8 });
  for (let i = 0; i < 50; i++) await loc.locate(parseUri(`sip:h${i}.test:5060`), { families: [4] });
  t.is(loc.cachedAnswers, 8);
  resolver.queries.length = 0;
  await loc.locate(parseUri('sip:h49.test:5060'), { families: [4] });
  await loc.locate(parseUri('sip:h0.test:5060'), { families: [4] });
  t.deepEqual(resolver.queries, ['A h0.test']);
});
