// The SMSC of the scaling suite's outbox curve, in its own process: `scaling-smsc.ts TARGET`. An
// McSimulator taking the gateway's bind (gateway / secret); prints {"port"} when listening, then
// {"boundAt","firstAt","lastAt","submitted"} once TARGET messages were accepted: the wall times (ms)
// at which the first bind, the first and the TARGET-th submit were seen here (polled every millisecond).
// Any line on stdin: the same figures now, with "stalled": 1.
import { performance } from 'node:perf_hooks';
import { Runtime } from '@switchboard/actor';
import { McSimulator } from '@switchboard/smpp';

const target = Number(process.argv[2] ?? '1000');
const sim = await McSimulator.start(new Runtime(), { port: 0, credentials: { gateway: 'secret' }, bindFailures: { lockoutTime: 0 }, keepSubmitted: 1 });
const wall = () => performance.timeOrigin + performance.now();
process.stdout.write(`${JSON.stringify({ port: sim.port })}\n`);
let firstAt = 0;
let boundAt = 0;
const timer = setInterval(() => {
  const submitted = sim.stats.submitted;
  if (boundAt === 0 && sim.bound.length > 0) boundAt = wall();
  if (submitted > 0 && firstAt === 0) firstAt = wall();
  if (submitted >= target) {
    clearInterval(timer);
    process.stdout.write(`${JSON.stringify({ boundAt: boundAt || firstAt, firstAt, lastAt: wall(), submitted })}\n`);
  }
}, 1);
// "stats": how far it got, for a drain that stalls before TARGET
process.stdin.on('data', () => process.stdout.write(`${JSON.stringify({ boundAt, firstAt, lastAt: wall(), submitted: sim.stats.submitted, stalled: 1 })}\n`));
