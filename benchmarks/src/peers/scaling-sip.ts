// One size of the scaling suite's SIP curve, in a fresh process: `scaling-sip.ts COUNT PROBES`.
// Our bare stack on UDP answers OPTIONS 200; a dgram socket in the same process sends COUNT of
// them (200 in flight at most, so none is lost) and each answered transaction stays held in
// Completed until Timer J. T1 is raised to 5 s (Timer J = 64·T1 = 320 s) so that none expires while
// the larger sizes load. Then, with all of them held, PROBES more OPTIONS one at a time: the time
// from send to answer of each. Prints one JSON line.
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { Runtime } from '@switchboard/actor';
import { createResponse, startStack, type SipStack } from '@switchboard/sip';

const [countText = '1000', probesText = '200'] = process.argv.slice(2);
const count = Number(countText);
const probes = Number(probesText);
const WINDOW = 200;

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run with node --expose-gc');
function gc(): void {
  collect!();
  collect!();
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const stack: SipStack = await startStack(new Runtime(), {
  listen: [{ transport: 'udp', port: 0 }],
  maxTransactions: count + probes + 20_000,
  timers: { t1: 5000, t2: 40_000, t4: 60_000 },
  core: () => ({ receiveRequest: (request, transaction) => transaction?.respond(createResponse(request, 200, { toTag: 'held' })), receiveResponse: () => {}, receiveError: () => {} }),
});
const port = stack.listener('UDP')!.port;
const socket = createSocket('udp4');
await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
const own = socket.address().port;
const run = `${process.pid}x${Date.now()}`;

function options(i: number): Buffer {
  return Buffer.from(
    `OPTIONS sip:gateway@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK${run}s${i};rport\r\n` +
      `From: <sip:probe@127.0.0.1>;tag=p${i}\r\nTo: <sip:gateway@127.0.0.1>\r\nCall-ID: scale-${run}-${i}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
  );
}

let answered = 0;
let waiting: (() => void) | undefined;
socket.on('message', () => {
  answered++;
  waiting?.();
});

async function load(from: number, n: number): Promise<void> {
  const target = answered + n;
  for (let i = from; i < from + n; i++) {
    socket.send(options(i), port, '127.0.0.1');
    while (i - from + 1 - (answered - (target - n)) >= WINDOW) await new Promise((resolve) => setImmediate(resolve));
  }
  const deadline = Date.now() + 20_000;
  while (answered < target && Date.now() < deadline) await pause(5);
  if (answered < target) throw new Error(`${target - answered} OPTIONS not answered`);
}

function live(): number {
  const stats = stack.stats();
  return stats.serverTransactions + stats.clientTransactions;
}

await load(10_000_000, 1000); // warm-up
await pause(200);
gc();
const before = process.memoryUsage();
const liveBefore = live();
const started = performance.now();
await load(0, count);
const loadSeconds = (performance.now() - started) / 1000;
await pause(200);
gc();
const after = process.memoryUsage();
const held = live() - liveBefore;

// probes, one at a time, with everything held
const times: number[] = [];
for (let p = 0; p < probes; p++) {
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    waiting = resolve;
    socket.send(options(20_000_000 + p), port, '127.0.0.1');
  });
  waiting = undefined;
  times.push(performance.now() - t0);
  await new Promise((resolve) => setImmediate(resolve));
}
times.sort((a, b) => a - b);
const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
process.stdout.write(
  `${JSON.stringify({ count, live: held, heapPerTransaction: Math.round((after.heapUsed - before.heapUsed) / held), rssPerTransaction: Math.round((after.rss - before.rss) / held), probeP50: pick(0.5), probeP99: pick(0.99), loadSeconds })}\n`,
);
process.exit(0);
