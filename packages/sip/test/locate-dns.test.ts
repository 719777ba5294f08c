// RFC 3263 against a real DNS server: dnsmasq on a loopback port serves NAPTR, SRV and A records
// of example.test pointing at UASes of ours on loopback; a UAC stack with the `locate` option
// sends to names, fails over (a refused TCP connection, a UDP timeout on the virtual clock, a 503)
// and caches answers for their TTL. Skipped where dnsmasq is not installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import {
  createRequest,
  createResponse,
  dnsResolver,
  exampleUas,
  firstAttempt,
  newUasCounters,
  parseUri,
  ServerLocator,
  startStack,
  TransactionTimeoutError,
  type ClientTransaction,
  type Core,
  type DnsResolver,
  type LocatedTarget,
  type SipResponse,
  type SipStack,
  type UasCounters,
} from '@switchboard/sip';
import { freePort } from '@switchboard/test-support';

const DNSMASQ = '/usr/sbin/dnsmasq';
const dnsTest = existsSync(DNSMASQ) ? test.serial : test.skip;

/** Every query through the resolver, as "TYPE name". */
class CountingResolver implements DnsResolver {
  readonly queries: string[] = [];
  constructor(private readonly inner: DnsResolver) {}
  resolveNaptr(name: string) {
    this.queries.push(`NAPTR ${name}`);
    return this.inner.resolveNaptr(name);
  }
  resolveSrv(name: string) {
    this.queries.push(`SRV ${name}`);
    return this.inner.resolveSrv(name);
  }
  resolve4(name: string, options: { ttl: true }) {
    this.queries.push(`A ${name}`);
    return this.inner.resolve4(name, options);
  }
  resolve6(name: string, options: { ttl: true }) {
    this.queries.push(`AAAA ${name}`);
    return this.inner.resolve6(name, options);
  }
}

/** A UAC core that keeps each request's outcome under the transaction sendRequest returned. */
class OutcomeCore implements Core {
  readonly outcomes = new Map<ClientTransaction, { readonly status?: number; readonly error?: Error; readonly last: ClientTransaction }>();
  receiveRequest(): void {}
  receiveResponse(response: SipResponse, transaction: ClientTransaction | null): void {
    if (transaction !== null && response.status >= 200) this.outcomes.set(firstAttempt(transaction), { status: response.status, last: transaction });
  }
  receiveError(error: Error, transaction: ClientTransaction | { kind: 'server' }): void {
    if (transaction.kind === 'client') this.outcomes.set(firstAttempt(transaction as ClientTransaction), { error, last: transaction as ClientTransaction });
  }
}

/** A UAS that answers 503 to everything, counting what it refused. */
function busyUas(counter: { refused: number }): () => Core {
  return () => ({
    receiveRequest(request, transaction) {
      counter.refused++;
      transaction?.respond(createResponse(request, 503, { headers: [['Retry-After', '30']] }));
    },
    receiveResponse() {},
    receiveError() {},
  });
}

interface World {
  readonly dns: ChildProcess;
  readonly dnsLog: () => string;
  readonly dnsPort: number;
  readonly live: { stack: SipStack; counters: UasCounters; port: number };
  readonly busy: { stack: SipStack; counter: { refused: number }; port: number };
  readonly deadPort: number;
}

let world: World | undefined;

async function startWorld(): Promise<World> {
  const system = new Runtime();
  const livePort = await freePort();
  const counters = newUasCounters();
  const liveStack = await startStack(system, { listen: [{ transport: 'udp', port: livePort }, { transport: 'tcp', port: livePort }], core: exampleUas(counters) });
  const busyPort = await freePort();
  const counter = { refused: 0 };
  const busyStack = await startStack(system, { listen: [{ transport: 'udp', port: busyPort }], core: busyUas(counter) });
  // Nothing listens here: TCP is refused, UDP is never answered.
  let deadPort = await freePort();
  while (deadPort === livePort || deadPort === busyPort) deadPort = await freePort();
  const dnsPort = await freePort();
  const records = [
    // tcp.example.test: NAPTR prefers TCP; its SRV tries a dead server first (priority 10).
    '--naptr-record=tcp.example.test,10,50,s,SIP+D2T,,_sip._tcp.tcp.example.test',
    '--naptr-record=tcp.example.test,20,50,s,SIP+D2U,,_sip._udp.tcp.example.test',
    `--srv-host=_sip._tcp.tcp.example.test,dead.example.test,${deadPort},10,0`,
    `--srv-host=_sip._tcp.tcp.example.test,live.example.test,${livePort},20,0`,
    `--srv-host=_sip._udp.tcp.example.test,live.example.test,${livePort},10,0`,
    // busy.example.test: no NAPTR; UDP SRV: a server answering 503 first, then the live one.
    `--srv-host=_sip._udp.busy.example.test,busy.example.test,${busyPort},10,0`,
    `--srv-host=_sip._udp.busy.example.test,live.example.test,${livePort},20,0`,
    // slow.example.test: no NAPTR; UDP SRV: a silent server first.
    `--srv-host=_sip._udp.slow.example.test,dead.example.test,${deadPort},10,0`,
    `--srv-host=_sip._udp.slow.example.test,live.example.test,${livePort},20,0`,
    // weighted.example.test: one priority-5 target, then three of priority 10 weighted 60/30/10.
    '--srv-host=_sip._udp.weighted.example.test,w0.example.test,5000,5,0',
    '--srv-host=_sip._udp.weighted.example.test,w1.example.test,5001,10,60',
    '--srv-host=_sip._udp.weighted.example.test,w2.example.test,5002,10,30',
    '--srv-host=_sip._udp.weighted.example.test,w3.example.test,5003,10,10',
    ...['live', 'dead', 'busy', 'w0', 'w1', 'w2', 'w3'].map((h) => `--host-record=${h}.example.test,127.0.0.1,60`),
  ];
  const dns = spawn(DNSMASQ, ['--no-daemon', `--port=${dnsPort}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', '--conf-file=/dev/null', '--local=/example.test/', '--log-queries', '--log-facility=-', '--pid-file=', ...records], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  dns.stderr!.setEncoding('utf8').on('data', (text: string) => (log += text));
  // Ready once it answers (bounded: a dnsmasq that never starts fails the test).
  const probe = dnsResolver([`127.0.0.1:${dnsPort}`]);
  for (let i = 0; ; i++) {
    try {
      await probe.resolve4('live.example.test', { ttl: true });
      break;
    } catch (error) {
      if (i === 100 || dns.exitCode !== null) throw new Error(`dnsmasq did not start: ${String(error)}\n${log}`);
      await sleep(50);
    }
  }
  return {
    dns,
    dnsLog: () => log,
    dnsPort,
    live: { stack: liveStack, counters, port: livePort },
    busy: { stack: busyStack, counter, port: busyPort },
    deadPort,
  };
}

test.before(async () => {
  if (existsSync(DNSMASQ)) world = await startWorld();
});

test.after.always(async () => {
  if (world === undefined) return;
  world.dns.kill('SIGTERM');
  await world.live.stack.stop();
  await world.busy.stack.stop();
});

/** A UAC stack on a virtual clock, locating through dnsmasq with a counting resolver. */
async function uac(w: World): Promise<{ stack: SipStack; core: OutcomeCore; clock: VirtualClock; resolver: CountingResolver }> {
  const clock = new VirtualClock();
  const core = new OutcomeCore();
  const resolver = new CountingResolver(dnsResolver([`127.0.0.1:${w.dnsPort}`]));
  const stack = await startStack(new Runtime({ clock }), { listen: [{ transport: 'udp', port: 0 }, { transport: 'tcp', port: 0 }], core: () => core, locate: { resolver } });
  return { stack, core, clock, resolver };
}

function options(uri: string) {
  return createRequest({ method: 'OPTIONS', uri: parseUri(uri), from: { displayName: null, uri: parseUri('sip:uac@example.test'), params: [] }, to: { displayName: null, uri: parseUri(uri), params: [] } });
}

/**
 * Lets sockets, DNS and the runtime's zero-delay timers run until `done` (bounded), the virtual
 * clock moving a millisecond at a time.
 */
async function until(clock: VirtualClock, done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) {
    await clock.advance(1);
    await sleep(5);
  }
}

/** Stops a stack on a virtual clock: time moves on so that shutdown timeouts can run out. */
async function stopStack(stack: SipStack, clock: VirtualClock): Promise<void> {
  let stopped = false;
  const stopping = stack.stop().finally(() => (stopped = true));
  for (let i = 0; i < 100 && !stopped; i++) {
    await clock.advance(1000);
    await sleep(5);
  }
  await stopping;
}

function queriesLogged(log: string): number {
  return log.split('\n').filter((line) => line.includes('query[')).length;
}

dnsTest('NAPTR picks TCP, SRV priority orders the targets; a refused connection fails over to the next', async (t) => {
  const w = world!;
  const { stack, core, clock, resolver } = await uac(w);
  const before = w.live.counters.options;
  const transaction = (await stack.sendRequest(options('sip:uas@tcp.example.test')))!;
  t.like(transaction.destination, { transport: 'TCP', address: '127.0.0.1', port: w.deadPort });
  await until(clock, () => core.outcomes.has(transaction));
  const outcome = core.outcomes.get(transaction);
  t.is(outcome?.status, 200);
  t.like(outcome?.last.destination, { transport: 'TCP', port: w.live.port });
  t.not(outcome?.last.key, transaction.key, 'a new branch: a new transaction (§4.3)');
  t.is(w.live.counters.options, before + 1);
  t.deepEqual(resolver.queries, ['NAPTR tcp.example.test', 'SRV _sip._tcp.tcp.example.test', 'A dead.example.test', 'A live.example.test']);
  await stopStack(stack, clock);
});

dnsTest('a 503 from the first SRV target: the request goes on to the second', async (t) => {
  const w = world!;
  const { stack, core, clock, resolver } = await uac(w);
  const before = { refused: w.busy.counter.refused, options: w.live.counters.options };
  const transaction = (await stack.sendRequest(options('sip:uas@busy.example.test')))!;
  t.like(transaction.destination, { transport: 'UDP', port: w.busy.port });
  await until(clock, () => core.outcomes.has(transaction));
  t.is(core.outcomes.get(transaction)?.status, 200);
  t.like(core.outcomes.get(transaction)?.last.destination, { transport: 'UDP', port: w.live.port });
  t.is(w.busy.counter.refused, before.refused + 1);
  t.is(w.live.counters.options, before.options + 1);
  // No NAPTR: the client's SRV query for UDP (the preferred transport) found the targets.
  t.deepEqual(resolver.queries, ['NAPTR busy.example.test', 'SRV _sip._udp.busy.example.test', 'A busy.example.test', 'A live.example.test']);
  await stopStack(stack, clock);
});

dnsTest('a UDP target that never answers: Timer F on the virtual clock, then the next target', async (t) => {
  const w = world!;
  const { stack, core, clock } = await uac(w);
  const before = w.live.counters.options;
  const transaction = (await stack.sendRequest(options('sip:uas@slow.example.test')))!;
  t.like(transaction.destination, { transport: 'UDP', port: w.deadPort });
  await clock.advance(32_000); // 64·T1: Timer F
  await until(clock, () => core.outcomes.has(transaction));
  t.is(core.outcomes.get(transaction)?.status, 200);
  t.like(core.outcomes.get(transaction)?.last.destination, { port: w.live.port });
  t.is(w.live.counters.options, before + 1);
  await stopStack(stack, clock);
});

dnsTest('every target failing: the core hears the last failure', async (t) => {
  const w = world!;
  const { stack, core, clock } = await uac(w);
  // Only the dead port, by an explicit port: A lookup only, one target.
  const transaction = (await stack.sendRequest(options(`sip:uas@dead.example.test:${w.deadPort};transport=tcp`)))!;
  await until(clock, () => core.outcomes.has(transaction));
  t.is(core.outcomes.get(transaction)?.error?.constructor.name, 'SipTransportError');
  const udp = (await stack.sendRequest(options(`sip:uas@dead.example.test:${w.deadPort}`)))!;
  await clock.advance(32_000);
  await until(clock, () => core.outcomes.has(udp));
  t.true(core.outcomes.get(udp)?.error instanceof TransactionTimeoutError);
  await stopStack(stack, clock);
});

dnsTest('answers are cached for their TTL: a second request within it asks the DNS server nothing', async (t) => {
  const w = world!;
  const { stack, core, clock, resolver } = await uac(w);
  const logged = queriesLogged(w.dnsLog());
  const first = (await stack.sendRequest(options('sip:uas@busy.example.test')))!;
  await until(clock, () => core.outcomes.has(first));
  const asked = resolver.queries.length;
  t.is(asked, 4);
  // dnsmasq logged the same queries (its log may trail a little: wait for it, boundedly).
  for (let i = 0; i < 200 && queriesLogged(w.dnsLog()) < logged + asked; i++) await sleep(10);
  t.is(queriesLogged(w.dnsLog()), logged + asked);

  await clock.advance(20_000); // within every TTL: A 60 s, SRV 300 s, no NAPTR 30 s
  const second = (await stack.sendRequest(options('sip:uas@busy.example.test')))!;
  await until(clock, () => core.outcomes.has(second));
  t.is(core.outcomes.get(second)?.status, 200);
  t.is(resolver.queries.length, asked, 'no query within the TTL');
  t.is(queriesLogged(w.dnsLog()), logged + asked);

  await clock.advance(41_000); // past the A records' 60 s and "no NAPTR"'s 30 s; within the SRV answer's 300 s
  const third = (await stack.sendRequest(options('sip:uas@busy.example.test')))!;
  await until(clock, () => core.outcomes.has(third));
  t.is(core.outcomes.get(third)?.status, 200);
  t.deepEqual(resolver.queries.slice(asked), ['NAPTR busy.example.test', 'A busy.example.test', 'A live.example.test']);
  await stopStack(stack, clock);
});

dnsTest('SRV weights order targets of one priority (RFC 2782), deterministically with an injected random', async (t) => {
  const w = world!;
  const values = [0, 0.95, 0.5, 0];
  let i = 0;
  const locator = new ServerLocator({ servers: [`127.0.0.1:${w.dnsPort}`], random: () => values[i++ % values.length]!, clock: new VirtualClock() });
  const list = await locator.locate(parseUri('sip:weighted.example.test'), { families: [4] });
  const ports: number[] = [];
  for (let target: LocatedTarget | undefined = list.current; target !== undefined; target = await list.next()) ports.push(target.port);
  // Priority 5 first; then 0.95 × 101 → 95: w3 (60 + 30 + 10); 0.5 × 91 → 45: w1; then w2.
  t.deepEqual(ports, [5000, 5003, 5001, 5002]);
  t.is(list.current.address, '127.0.0.1');
});
