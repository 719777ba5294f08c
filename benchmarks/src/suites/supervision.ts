// Supervision and xstate hosting, added to `pnpm bench actor`: restart latency, a
// DynamicSupervisor with 100 k children, and machine processes beside bare xstate actors.
import { performance } from 'node:perf_hooks';
import {
  Result,
  Runtime,
  call,
  cast,
  countChildren,
  exited,
  getSnapshot,
  machineServer,
  startChild,
  startDynamicSupervisor,
  startSupervisor,
  stop,
  whichChildren,
  worker,
  type ChildSpec,
  type GenServer,
  type Pid,
} from '@switchboard/actor';
import { assign, createActor, createMachine } from 'xstate';
import { bestRate, gc } from '../measure.js';
import type { Measurement } from '../report.js';
import { xstateVersion } from '../versions.js';

type CrashProto = { cast: 'crash' };
const Crashy: GenServer<null, CrashProto> = {
  init: () => Result.ok(null),
  handleCast() {
    throw new Error('crash');
  },
};
const Idle: GenServer<null> = { init: () => Result.ok(null) };

const counter = createMachine({
  types: {} as { context: { n: number }; events: { type: 'INC' } },
  context: { n: 0 },
  on: { INC: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
});

export async function supervisionSuite(): Promise<Measurement[]> {
  const rt = new Runtime();
  const results: Measurement[] = [];

  // restart latency: crash -> replacement started (the supervisor's restart event), one_for_one,
  // beside a hand-written restarter doing the same work: wait for the exit, start again.
  const rounds = 5000;
  let restarted: () => void = () => {};
  const unsubscribe = rt.subscribe((event) => {
    if (event.type === 'restart') restarted();
  });
  const sup = await startSupervisor(rt, { intensity: rounds * 10, period: 1, children: [worker('c', Crashy, undefined)] });
  const supervised: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const [child] = await whichChildren(sup);
    const done = new Promise<void>((resolve) => (restarted = resolve));
    const start = performance.now();
    cast(child!.pid as Pid<CrashProto>, 'crash');
    await done;
    supervised.push((performance.now() - start) * 1000);
  }
  unsubscribe();
  await stop(sup);
  const byHand: number[] = [];
  let pid = await rt.start(Crashy);
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const gone = exited(pid);
    cast(pid, 'crash');
    await gone;
    pid = await rt.start(Crashy);
    byHand.push((performance.now() - start) * 1000);
  }
  results.push({
    name: 'restart latency, crash to replacement started (median)',
    unit: 'µs',
    ours: median(supervised),
    peer: 'hand-written restarter: await exited(pid), then start',
    peerValue: median(byHand),
    higherIsBetter: false,
  });

  // DynamicSupervisor with 100 k children: start, heap per child, shutdown
  const count = 100_000;
  const spec: ChildSpec = { id: 'idle', restart: 'temporary', start: ({ runtime, supervisor }) => runtime.start(Idle, undefined, { link: supervisor }) };
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const dsup = await startDynamicSupervisor(rt);
  let t0 = performance.now();
  await Promise.all(Array.from({ length: count }, () => startChild(dsup, spec)));
  const startSeconds = (performance.now() - t0) / 1000;
  if ((await countChildren(dsup)).active !== count) throw new Error('children missing');
  gc();
  const perChild = (process.memoryUsage().heapUsed - heapBefore) / count;
  t0 = performance.now();
  await stop(dsup, 'shutdown');
  const shutdownMs = performance.now() - t0;
  gc();
  const xstateHeapBefore = process.memoryUsage().heapUsed;
  const idleMachine = createMachine({});
  t0 = performance.now();
  const actors = Array.from({ length: count }, () => createActor(idleMachine).start());
  const xstateStartSeconds = (performance.now() - t0) / 1000;
  gc();
  const xstatePerActor = (process.memoryUsage().heapUsed - xstateHeapBefore) / count;
  t0 = performance.now();
  for (const actor of actors) actor.stop();
  const xstateStopMs = performance.now() - t0;
  results.push(
    { name: 'DynamicSupervisor: start 100 k children', unit: 'children/s', ours: count / startSeconds, peer: `xstate ${xstateVersion}: 100 k createActor().start() (no supervision)`, peerValue: count / xstateStartSeconds, higherIsBetter: true },
    { name: 'DynamicSupervisor: heap per child (process, link, supervisor entry)', unit: 'bytes', ours: perChild, peer: `xstate ${xstateVersion} idle actor`, peerValue: xstatePerActor, higherIsBetter: false },
    { name: 'DynamicSupervisor: shut down 100 k children', unit: 'ms', ours: shutdownMs, peer: `xstate ${xstateVersion}: stop 100 k actors`, peerValue: xstateStopMs, higherIsBetter: false },
  );

  // xstate hosted in a process vs a bare actor
  const events = 200_000;
  const hosted = await rt.start(machineServer(counter));
  const hostedRate = await bestRate(events, async () => {
    for (let i = 0; i < events; i++) cast(hosted, { type: 'INC' });
    await call(hosted, getSnapshot, { timeout: Infinity });
  });
  const bare = createActor(counter).start();
  const bareRate = await bestRate(events, () => {
    for (let i = 0; i < events; i++) bare.send({ type: 'INC' });
  });
  results.push({ name: 'xstate-hosted process: events handled', unit: 'events/s', ours: hostedRate, peer: `xstate ${xstateVersion} bare actor.send`, peerValue: bareRate, higherIsBetter: true });
  const batch = 10_000;
  const hostedCreate = await bestRate(batch, async () => {
    const pids = await Promise.all(Array.from({ length: batch }, () => rt.start(machineServer(counter))));
    await Promise.all(pids.map((pid) => stop(pid)));
  });
  const bareCreate = await bestRate(batch, () => {
    for (let i = 0; i < batch; i++) createActor(counter).start().stop();
  });
  results.push({ name: 'xstate-hosted process: create + stop', unit: 'machines/s', ours: hostedCreate, peer: `xstate ${xstateVersion} createActor().start().stop()`, peerValue: bareCreate, higherIsBetter: true });
  return results;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}
