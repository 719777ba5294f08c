// `pnpm bench gateway`: sipp sends MESSAGEs (packages/gateway/scenarios/message.xml) to the
// gateway, each becoming a submit_sm to an SMSC simulator and a 202 once its response is back. The
// simulator is packages/smpp's smpp-sim CLI in a process of its own (a real SMSC is elsewhere: one
// core must not do both sides of SMPP).
// Steps of rising rate, 4 s each, each on freshly started processes after a 2 s warm-up that is
// not measured. A step holds with no failed message, no retransmission and a p99 under 50 ms; one
// that fails is run once more (the cores are shared) and the better try counts. sipp gives up on a
// step 16 s after its end: a step that far behind has failed. Five setups in the same run:
// - one gateway node on its default SQLite store (a scratch file);
// - the same node taking its messages over HTTP instead (POST /v1/messages with a key whose rate
//   limit no step reaches; load from autocannon, see runHttpStep);
// - one node on PostgreSQL (Debian's postgresql, started here with initdb + pg_ctl in a temporary
//   folder, as the tests do; a new database per step);
// - the same node with the SMSC's receipts held back past the step: a diagnostic of what
//   receipts (deliver_sm answered once stored) cost on PostgreSQL;
// - two nodes on one PostgreSQL database behind Kamailio on the repo's deploy/kamailio config
//   (dispatcher spreading the MESSAGEs; sipp sends to Kamailio), each node owning one of the two
//   binds through its lease;
// - our bare SIP stack answering 202 at once: the floor.
// Every gateway node has one bind (window 100); the SMSC allows 2 binds per node. During each
// step the CPU time of every part (sipp, Kamailio, PostgreSQL, the SMSC, each node) is read from
// /proc: on 2 cores they all share, so the shares say what bound a step.
// Also the heap per transaction the gateway holds in Completed until Timer J (20,000 OPTIONS
// answered, peers/held-transactions.ts), beside the bare stack under the same load.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { KAMAILIO_MODULES, startKamailio, startPostgres, type Postgres } from '@switchboard/test-support';
import { cpuShares, cpuSnapshot, formatShares, type CpuSnapshot } from '../cpu-shares.js';
import type { Measurement } from '../report.js';
import { heldFigures } from './sip-stack.js';
import { PEER_NODE_ARGS } from '../peer-node.js';

const RATES = [100, 250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000];
// (the bare stack held 6,000/s, the top of an earlier ramp, with a third of a core)
const BARE_RATES = [500, 1000, 2000, 3000, 4000, 6000, 8000, 10000, 12000];
const SECONDS = 4;
/** The rate whose p50 and p99 are reported beside the bare stack's (one the SQLite node holds on 2 shared cores). */
const LATENCY_RATE = 500;
const P99_LIMIT_MS = 50;
/** PostgreSQL on one node within 25% of SQLite (issue 17). */
const PG_TARGET = 0.75;
/**
 * The receipt delay of the diagnostic row (ms): past the step, so that no deliver_sm reaches the
 * node while it is measured (the simulator holds up to 10,000 per bind: enough up to 2,000/s).
 */
const LATE_RECEIPTS = 600_000;
/** Connections autocannon keeps open to the HTTP API: a client's keep-alive pool. */
const HTTP_CONNECTIONS = 10;
/** Two nodes at least 1.6x one node (issue 17). */
const CLUSTER_TARGET = 1.6;
const scenario = fileURLToPath(new URL('../../../packages/gateway/scenarios/message.xml', import.meta.url));
const kamailioConfig = readFileSync(fileURLToPath(new URL('../../../deploy/kamailio/kamailio.cfg', import.meta.url)), 'utf8');
let nextPort = 27_060;
let databases = 0;

/** packages/smpp's smpp-sim CLI in its own process, taking the gateway's bind (gateway / secret); resolves with its port. */
export async function startSmppSim(extra: readonly string[] = []): Promise<{ port: number; pid: number; stop(): void }> {
  const cli = fileURLToPath(new URL('../../../packages/smpp/dist/simulator/cli.js', import.meta.url));
  // --lockout 0: the gateway binds from loopback like any local process; never lock it out
  const child: ChildProcess = spawn(process.execPath, [...PEER_NODE_ARGS, cli, '--port', '0', '--user', 'gateway:secret', '--lockout', '0', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /listening on [^:]+:(\d+)/.exec(line);
      if (match !== null) resolve(Number(match[1]));
    });
    child.once('exit', (status) => reject(new Error(`smpp-sim exited with status ${status}`)));
  });
  return { port, pid: child.pid ?? -1, stop: () => child.kill('SIGKILL') };
}

/** What a step runs against: the port sipp sends to, the processes to account CPU to by name. */
interface Target {
  readonly port: number;
  /** The HTTP API's port and a key's token (gateway nodes only). */
  readonly http?: { readonly port: number; readonly token: string };
  readonly pids: ReadonlyMap<number, string>;
  stop(): Promise<void>;
}

/**
 * `postgres-late-receipts`: one node on PostgreSQL, the SMSC holding its receipts back 10 min (past
 * the step). `http`: the SQLite node, its load over HTTP.
 */
type Kind = 'sqlite' | 'http' | 'postgres' | 'postgres-late-receipts' | 'cluster' | 'bare';

/** A gateway node (or the bare stack) in its own process; resolves once it has a bind up. */
async function startPeer(args: readonly string[]): Promise<{ child: ChildProcess; port: number; http: Target['http']; bound: () => number; settled: (n: number) => Promise<void> }> {
  const port = nextPort++;
  const file = fileURLToPath(new URL('../peers/gateway-process.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [...PEER_NODE_ARGS, file, args[0]!, String(port), ...args.slice(1)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let bound = 0;
  const waiters: (() => void)[] = [];
  let http: Target['http'];
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const report = JSON.parse(line) as { port?: number; httpPort?: number; token?: string; bound?: number };
      if (report.httpPort !== undefined && report.token !== undefined) http = { port: report.httpPort, token: report.token };
      if (report.port !== undefined) resolve();
      if (report.bound !== undefined) {
        bound = report.bound;
        for (const waiter of waiters.splice(0)) waiter();
      }
    });
    child.once('exit', (status) => reject(new Error(`gateway-process ${args.join(' ')} exited with status ${status}`)));
  });
  await ready;
  return {
    child,
    port,
    http,
    bound: () => bound,
    // the count of binds up reaches n (nodes share the binds out through their leases)
    settled: async (n) => {
      while (bound !== n) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

async function start(kind: Kind, pg: Postgres | undefined): Promise<Target> {
  if (kind === 'bare') {
    const bare = await startPeer(['bare']);
    return { port: bare.port, pids: new Map([[bare.child.pid!, 'bare stack']]), stop: () => killed(bare.child) };
  }
  const nodes = kind === 'cluster' ? 2 : 1;
  const smsc = await startSmppSim(['--max-binds', String(2 * nodes), ...(kind === 'postgres-late-receipts' ? ['--receipt-delay', String(LATE_RECEIPTS)] : [])]);
  const pids = new Map<number, string>([[smsc.pid, 'smsc']]);
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(killed));
    smsc.stop();
  };
  try {
    if (kind === 'sqlite' || kind === 'http') {
      const node = await startPeer(['gateway', String(smsc.port)]);
      children.push(node.child);
      pids.set(node.child.pid!, 'node');
      return { port: node.port, http: node.http, pids, stop };
    }
    if (pg === undefined) throw new Error('no PostgreSQL server for the PostgreSQL setups');
    const url = await pg.createDatabase(`bench_${++databases}`);
    const names = nodes === 1 ? ['node'] : ['node-a', 'node-b'];
    const started = await Promise.all(names.map((name) => startPeer(['gateway', String(smsc.port), url, `SWITCHBOARD_SMPP_BINDS=${nodes}`, `SWITCHBOARD_CLUSTER_NODE_ID=${name}`, 'report-binds'])));
    started.forEach((node, i) => {
      children.push(node.child);
      pids.set(node.child.pid!, names[i]!);
    });
    // each node with its one bind up before the load (the first node up may lease both at first)
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([Promise.all(started.map((node) => node.settled(1))), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`binds not shared out within 30 s: ${started.map((n) => n.bound()).join(', ')}`)), 30_000)))]);
    } finally {
      clearTimeout(timer);
    }
    if (kind !== 'cluster') return { port: started[0]!.port, pids, stop };
    const proxy = await kamailioInFront(started.map((node) => node.port));
    return {
      port: proxy.port,
      pids,
      stop: async () => {
        await proxy.stop();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Kamailio on deploy/kamailio/kamailio.cfg, its settings given as a deployment would (-A), dispatching to the nodes. */
async function kamailioInFront(nodePorts: readonly number[]): Promise<{ port: number; stop(): Promise<void> }> {
  const port = nextPort++;
  const dir = mkdtempSync(join(tmpdir(), 'bench-dispatcher-'));
  const list = join(dir, 'dispatcher.list');
  writeFileSync(list, nodePorts.map((p) => `1 sip:127.0.0.1:${p}\n`).join(''));
  const kamailio = await startKamailio(kamailioConfig, {
    port,
    memory: [256, 8],
    defines: { LISTEN: `udp:127.0.0.1:${port}`, DISPATCHER_LIST: `"${list}"`, CTL_SOCKET: `"unix:${join(dir, 'kamailio.ctl')}"`, MODULES: `"${KAMAILIO_MODULES}"`, WORKERS: String(KAMAILIO_WORKERS), LOG_STDERR: 'yes' },
  });
  return {
    port,
    stop: async () => {
      await kamailio.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Kamailio's UDP workers: one per core. */
const KAMAILIO_WORKERS = 2;

interface Step {
  readonly ok: boolean;
  readonly failed: number;
  readonly retransmissions: number;
  readonly p50: number;
  readonly p99: number;
  /** Percent of one core per part, from 1 s into the step to 1 s before its end. */
  readonly cpu: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function runStep(target: Target, rate: number): Promise<Step> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-msg-'));
  const args = ['-sf', scenario, '-set', 'user', 'alice', '-s', '447700900123', `127.0.0.1:${target.port}`, '-i', '127.0.0.1', '-p', String(nextPort++), '-m', String(rate * SECONDS), '-r', String(rate), '-l', String(rate * 2), '-buff_size', '4194304', '-nostdin', '-timeout', `${SECONDS + 16}s`, '-timeout_error', '-trace_stat', '-fd', '60', '-stf', 'stat.csv', '-trace_rtt', '-rtt_freq', String(Math.min(1000, rate))];
  const groupOf = (pid: number, comm: string): string | undefined => target.pids.get(pid) ?? (['sipp', 'kamailio', 'postgres'].includes(comm) ? comm : undefined);
  let before: CpuSnapshot | undefined;
  let cpu: Record<string, number> = {};
  const first = setTimeout(() => (before = cpuSnapshot()), 1000);
  const second = setTimeout(() => (cpu = cpuShares(before!, cpuSnapshot(), cpus().length, groupOf)), (SECONDS - 1) * 1000);
  return new Promise((resolve) => {
    spawn('sipp', args, { cwd: dir, stdio: 'ignore' }).on('exit', (status) => {
      clearTimeout(first);
      clearTimeout(second);
      const csv = readdirSync(dir).includes('stat.csv') ? readFileSync(join(dir, 'stat.csv'), 'utf8').trim().split('\n') : [];
      const header = (csv[0] ?? '').split(';');
      const last = (csv[csv.length - 1] ?? '').split(';');
      const column = (name: string) => Number(last[header.indexOf(name)] ?? NaN);
      const rttFile = readdirSync(dir).find((f) => f.endsWith('_rtt.csv'));
      const times = rttFile === undefined ? [] : readFileSync(join(dir, rttFile), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(';')[1])).filter(Number.isFinite).sort((a, b) => a - b);
      const failed = column('FailedCall(C)');
      const retransmissions = column('Retransmissions(C)');
      const p99 = percentile(times, 99);
      resolve({ ok: status === 0 && failed === 0 && retransmissions === 0 && p99 < P99_LIMIT_MS, failed, retransmissions, p50: percentile(times, 50), p99, cpu });
    });
  });
}

const autocannonCli = createRequire(import.meta.url).resolve('autocannon');
const autocannonVersion = (JSON.parse(readFileSync(join(autocannonCli, '..', 'package.json'), 'utf8')) as { version: string }).version;
/** The message every HTTP step POSTs (a new message each time: no Idempotency-Key). */
const HTTP_BODY = JSON.stringify({ to: '+447700900123', from: 'Shop', text: 'hello from the benchmark' });

/** The fields of autocannon's `--json` result that a step reads. */
interface AutocannonResult {
  readonly '2xx': number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Seconds from the first request to the last response. */
  readonly duration: number;
  readonly latency: { readonly p50: number; readonly p99: number };
  /** Answers by status code. */
  readonly statusCodeStats?: Record<string, { readonly count: number }>;
}

/**
 * autocannon (its CLI, in a process of its own so that its CPU is counted apart) POSTing
 * `amount` messages at `rate` a second over HTTP_CONNECTIONS keep-alive connections.
 * autocannon paces with a quota per connection per second: each connection sends its share of a
 * second back to back, then waits for the next second. Its coordinated-omission correction is
 * turned off (-C): it takes the expected interval as 1/rate milliseconds, rounded up to 1 ms,
 * and would add made-up samples for every response over 1 ms. A server too slow for the rate is
 * caught instead by the run taking longer than its seconds.
 */
function autocannon(http: NonNullable<Target['http']>, rate: number, amount: number, onStart?: (pid: number) => void): Promise<AutocannonResult | undefined> {
  const args = [autocannonCli, '-j', '-m', 'POST', '-H', `Authorization=Bearer ${http.token}`, '-H', 'Content-Type=application/json', '-b', HTTP_BODY, '-c', String(Math.min(HTTP_CONNECTIONS, rate)), '-R', String(rate), '-a', String(amount), '-t', String(SECONDS + 16), '-C', `http://127.0.0.1:${http.port}/v1/messages`];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  if (child.pid !== undefined) onStart?.(child.pid);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return new Promise((resolve) =>
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as AutocannonResult);
      } catch {
        resolve(undefined);
      }
    }),
  );
}

/**
 * A step of the HTTP path: SECONDS seconds' worth of POST /v1/messages at `rate`. It holds when
 * every one is answered 2xx (no other status, no socket error, no timeout), within SECONDS + 0.5 s
 * (the gateway kept up with the rate), with a p99 under P99_LIMIT_MS. `failed` counts the non-2xx
 * answers, errors and timeouts; `retransmissions` is 0 (no such thing here).
 */
async function runHttpStep(target: Target, rate: number): Promise<Step> {
  const pids = new Map(target.pids);
  const groupOf = (pid: number): string | undefined => pids.get(pid);
  let before: CpuSnapshot | undefined;
  let cpu: Record<string, number> = {};
  const first = setTimeout(() => (before = cpuSnapshot()), 1000);
  const second = setTimeout(() => (cpu = cpuShares(before!, cpuSnapshot(), cpus().length, groupOf)), (SECONDS - 1) * 1000);
  const result = await autocannon(target.http!, rate, rate * SECONDS, (pid) => pids.set(pid, 'autocannon'));
  clearTimeout(first);
  clearTimeout(second);
  if (result === undefined) return { ok: false, failed: NaN, retransmissions: 0, p50: NaN, p99: NaN, cpu };
  const failed = result.non2xx + result.errors + result.timeouts;
  const onTime = result.duration <= SECONDS + 0.5;
  const ok = failed === 0 && result['2xx'] === rate * SECONDS && onTime && result.latency.p99 < P99_LIMIT_MS;
  if (!onTime) process.stderr.write(`http ${rate}/s: ${rate * SECONDS} messages took ${result.duration} s, not ${SECONDS}: the gateway fell behind the rate\n`);
  if (failed > 0 || result['2xx'] !== rate * SECONDS) {
    // say what failed: which statuses, how many socket errors and timeouts
    const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => `${code} × ${count}`).join(', ');
    process.stderr.write(`http ${rate}/s: ${result['2xx']} answered 2xx of ${rate * SECONDS}; statuses ${statuses || 'none'}; ${result.errors} socket errors, ${result.timeouts} timeouts\n`);
  }
  return { ok, failed, retransmissions: 0, p50: result.latency.p50, p99: result.latency.p99, cpu };
}

interface Ramp {
  /** The highest rate held (0: none). */
  readonly rate: number;
  /** The step at LATENCY_RATE, if the ramp got there. */
  readonly atLatencyRate: Step | undefined;
  /** The CPU shares of the highest step held, and of the first one that failed. */
  readonly heldCpu: Record<string, number> | undefined;
  readonly failedCpu: Record<string, number> | undefined;
  readonly failedRate: number | undefined;
}

/** The warm-up's rate: the step's, at most this. */
const WARM_RATE = 1000;
/** The warm-up's length, s. */
const WARM_SECONDS = 2;

/**
 * Two seconds of MESSAGEs (at the step's rate, at most 1,000/s) that are not measured: a fresh
 * process runs its first thousands of messages through cold code, and the step should measure the
 * gateway, not V8's warm-up (the sip-stack suite warms its UASes the same way). With one second at
 * 500/s, as before, 3,000/s failed on a p99 of 76 and 92 ms that two seconds at 1,000/s bring to 20.
 */
function warmUp(target: Target, rate: number): Promise<void> {
  const warm = Math.min(rate, WARM_RATE);
  const args = ['-sf', scenario, '-set', 'user', 'alice', '-s', '447700900123', `127.0.0.1:${target.port}`, '-i', '127.0.0.1', '-p', String(nextPort++), '-m', String(warm * WARM_SECONDS), '-r', String(warm), '-l', String(warm * 2), '-buff_size', '4194304', '-nostdin', '-timeout', '15s'];
  return new Promise((resolve) => spawn('sipp', args, { cwd: tmpdir(), stdio: 'ignore' }).on('exit', () => resolve()));
}

/** A step on freshly started processes, after a warm-up. */
async function attempt(kind: Kind, rate: number, pg: Postgres | undefined): Promise<Step> {
  const target = await start(kind, pg);
  try {
    if (kind === 'http') {
      const warm = Math.min(rate, WARM_RATE);
      await autocannon(target.http!, warm, warm * WARM_SECONDS);
      return await runHttpStep(target, rate);
    }
    await warmUp(target, rate);
    return await runStep(target, rate);
  } finally {
    await target.stop();
  }
}

export async function ramp(kind: Kind, rates: readonly number[], pg: Postgres | undefined): Promise<Ramp> {
  let best = 0;
  let atLatencyRate: Step | undefined;
  let heldCpu: Record<string, number> | undefined;
  for (const rate of rates) {
    let step = await attempt(kind, rate, pg);
    const show = (s: Step, what: string): void => void process.stderr.write(`${kind} ${rate}/s${what}: ${s.ok ? 'held' : 'failed'} (failed ${s.failed}, retransmissions ${s.retransmissions}, p50 ${s.p50} ms, p99 ${s.p99} ms; CPU, % of one core: ${formatShares(s.cpu)})\n`);
    show(step, '');
    if (!step.ok) {
      // Once more on fresh processes: the cores are shared (other work on the machine, a GC in
      // sipp), and one bad second should not end the ramp. The better of the two counts.
      const again = await attempt(kind, rate, pg);
      show(again, ' (second try)');
      if (again.ok || again.p99 < step.p99) step = again;
    }
    if (rate === LATENCY_RATE) atLatencyRate = step;
    if (!step.ok) return { rate: best, atLatencyRate, heldCpu, failedCpu: step.cpu, failedRate: rate };
    best = rate;
    heldCpu = step.cpu;
  }
  return { rate: best, atLatencyRate, heldCpu, failedCpu: undefined, failedRate: undefined };
}

/** `at 3000/s: node 98%, sipp 40%, … idle 2%`, for a row's peer column. */
function sharesNote(ramp: Ramp): string {
  const held = ramp.heldCpu === undefined ? '' : `CPU at ${ramp.rate}/s (held): ${formatShares(ramp.heldCpu)}`;
  const failed = ramp.failedCpu === undefined ? '' : `; at ${ramp.failedRate}/s (failed): ${formatShares(ramp.failedCpu)}`;
  return `${held}${failed}`;
}

/** The goal for a completed transaction (issue 20): 2 kB of heap or less. */
const HELD_TARGET = 2000;

/** Heap per transaction the gateway holds in Completed (Timer J), beside the bare stack. */
export async function gatewayHeldRow(): Promise<Measurement> {
  const gateway = await heldFigures('gateway');
  const bare = await heldFigures('bare');
  return { name: `heap per live held transaction through the gateway: ${gateway.live.toLocaleString('en')} OPTIONS answered 200, in Completed until Timer J`, unit: 'bytes', ours: gateway.heapPerTransaction, peer: 'our bare SIP stack answering OPTIONS 200, same load, same run', peerValue: bare.heapPerTransaction, higherIsBetter: false, target: HELD_TARGET };
}

export async function gatewaySuite(): Promise<Measurement[]> {
  const sqlite = await ramp('sqlite', RATES, undefined);
  const http = await ramp('http', RATES, undefined);
  const pg = await startPostgres();
  let postgres: Ramp;
  let cluster: Ramp;
  let lateReceipts: Ramp;
  try {
    postgres = await ramp('postgres', RATES, pg);
    lateReceipts = await ramp('postgres-late-receipts', RATES, pg);
    cluster = await ramp('cluster', RATES, pg);
  } finally {
    await pg.stop();
  }
  const bare = await ramp('bare', BARE_RATES, undefined);
  for (const [name, r] of Object.entries({ sqlite, http, postgres, lateReceipts, cluster, bare })) process.stderr.write(`${name}: ${r.rate}/s; ${sharesNote(r)}\n`);
  const held = await gatewayHeldRow();
  const floor = 'our SIP stack answering 202 at once (no SMPP), same run';
  const rule = `0 failed, 0 retransmissions, p99 < ${P99_LIMIT_MS} ms (sipp, ${SECONDS} s per step, smpp-sim in its own process)`;
  const httpRule = `every one answered 2xx, no error or timeout, all within ${SECONDS} s + 0.5 s, p99 < ${P99_LIMIT_MS} ms (autocannon ${autocannonVersion}, ${HTTP_CONNECTIONS} connections, ${SECONDS} s per step, smpp-sim in its own process)`;
  return [
    { name: `one node on SQLite: highest MESSAGE rate with ${rule}`, unit: 'msgs/s', ours: sqlite.rate, peer: floor, peerValue: bare.rate, higherIsBetter: true, target: 2000 },
    { name: `MESSAGE → submit_sm → 202 at ${LATENCY_RATE}/s, one node on SQLite: p50`, unit: 'ms', ours: sqlite.atLatencyRate?.p50 ?? NaN, peer: floor, peerValue: bare.atLatencyRate?.p50 ?? NaN, higherIsBetter: false },
    { name: `MESSAGE → submit_sm → 202 at ${LATENCY_RATE}/s, one node on SQLite: p99`, unit: 'ms', ours: sqlite.atLatencyRate?.p99 ?? NaN, peer: floor, peerValue: bare.atLatencyRate?.p99 ?? NaN, higherIsBetter: false, target: P99_LIMIT_MS },
    { name: `one node on SQLite over HTTP: highest POST /v1/messages rate with ${httpRule}`, unit: 'msgs/s', ours: http.rate, peer: 'the same node over SIP (first row), same run', peerValue: sqlite.rate, higherIsBetter: true, target: sqlite.rate },
    { name: `POST /v1/messages → 202 at ${LATENCY_RATE}/s, one node on SQLite: p50`, unit: 'ms', ours: http.atLatencyRate?.p50 ?? NaN, peer: 'the same node over SIP (MESSAGE → 202), same run', peerValue: sqlite.atLatencyRate?.p50 ?? NaN, higherIsBetter: false },
    { name: `POST /v1/messages → 202 at ${LATENCY_RATE}/s, one node on SQLite: p99`, unit: 'ms', ours: http.atLatencyRate?.p99 ?? NaN, peer: 'the same node over SIP (MESSAGE → 202), same run', peerValue: sqlite.atLatencyRate?.p99 ?? NaN, higherIsBetter: false, target: P99_LIMIT_MS },
    { name: `one node on PostgreSQL: highest MESSAGE rate with ${rule}`, unit: 'msgs/s', ours: postgres.rate, peer: 'one node on SQLite (first row), same run', peerValue: sqlite.rate, higherIsBetter: true, target: PG_TARGET * sqlite.rate },
    { name: `one node on PostgreSQL, the SMSC's receipts held back past the step (smpp-sim --receipt-delay ${LATE_RECEIPTS}; a diagnostic: what receipts cost): highest MESSAGE rate with ${rule}`, unit: 'msgs/s', ours: lateReceipts.rate, peer: 'one node on PostgreSQL, receipts after 1 s (row above), same run', peerValue: postgres.rate, higherIsBetter: true },
    { name: `two nodes on one PostgreSQL behind Kamailio (deploy/kamailio, ${KAMAILIO_WORKERS} workers; sipp → Kamailio): highest MESSAGE rate with ${rule}`, unit: 'msgs/s', ours: cluster.rate, peer: 'one node on PostgreSQL, receipts after 1 s (two rows above), same run', peerValue: postgres.rate, higherIsBetter: true, target: CLUSTER_TARGET * postgres.rate },
    held,
  ];
}
