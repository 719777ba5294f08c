// Our side of erlang/dynamic_supervisor.escript: a DynamicSupervisor against OTP's
// simple_one_for_one supervisor. Each scenario mirrors the Erlang function of the same name.
import {
  cast,
  countChildren,
  startChild,
  startDynamicSupervisor,
  terminateChild,
  whichChildren,
  type Pid,
  type RestartType,
  type Shutdown,
  type SupervisorPid,
} from '@switchboard/actor';
import { child, doStop, doSup, flush, flushSorted, watch, watcher, type WorkerOptions, type WorkerProto } from '../behaviours.js';
import { startOutcome, type Ctx, type Scenario } from '../trace.js';

interface Dsup {
  readonly pid: SupervisorPid;
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
}

/** A dynamic supervisor whose children restart as `restart` and stop within `shutdown`. */
async function dsup(ctx: Ctx, restart: RestartType, shutdown: Shutdown, intensity: number): Promise<Dsup> {
  let pid: SupervisorPid | undefined;
  const outcome = await ctx.until(
    startOutcome(ctx, async () => {
      pid = await startDynamicSupervisor(ctx.rt, { intensity, period: 5000 });
      ctx.name(pid, 'dsup');
    }),
  );
  if (outcome !== 'ok' || pid === undefined) throw new Error(`the dynamic supervisor did not start: ${outcome}`);
  return { pid, restart, shutdown };
}

function add(ctx: Ctx, sup: Dsup, id: string, opts: WorkerOptions): Promise<string> {
  return doSup(ctx, () => startChild(sup.pid, child(ctx, id, { ...opts, restart: sup.restart, shutdown: sup.shutdown })));
}

async function addOk(ctx: Ctx, sup: Dsup, id: string, opts: WorkerOptions): Promise<Pid<WorkerProto>> {
  const pid = await startChild(sup.pid, child(ctx, id, { ...opts, restart: sup.restart, shutdown: sup.shutdown }));
  if (pid === null) throw new Error(`child ${id} did not start`);
  return pid as Pid<WorkerProto>;
}

async function dynCounts(sup: Dsup): Promise<string> {
  const c = await countChildren(sup.pid);
  return `active=${c.active} supervisors=${c.supervisors} workers=${c.workers}`;
}

export const dynamicSupervisorScenarios: Record<string, Scenario> = {
  async dyn_start_and_count(ctx) {
    const w = await watcher(ctx, 'w');
    const sup = await dsup(ctx, 'permanent', 5000, 3);
    ctx.t(`start_child a ${await add(ctx, sup, 'a', {})}`);
    ctx.t(`start_child b ${await add(ctx, sup, 'b', {})}`);
    ctx.t(`start_child c ${await add(ctx, sup, 'c', { ignore: true })}`);
    ctx.t(`start_child d ${await add(ctx, sup, 'd', { failFrom: 1 })}`);
    ctx.t(`counts ${await dynCounts(sup)}`);
    for (const row of await whichChildren(sup.pid)) if (row.pid !== null) await watch(w, row.pid);
    ctx.t(`stop ${await doStop(ctx, sup.pid)}`);
    await ctx.sleep(100);
    await flushSorted(ctx, w);
  },

  async dyn_restart_transient(ctx) {
    const sup = await dsup(ctx, 'transient', 5000, 3);
    const a = await addOk(ctx, sup, 'a', {});
    const b = await addOk(ctx, sup, 'b', {});
    cast(a, 'crash');
    await ctx.sleep(100);
    cast(b, { stop: 'normal' });
    await ctx.sleep(100);
    ctx.t(`counts ${await dynCounts(sup)}`);
  },

  async dyn_temporary_not_restarted(ctx) {
    const sup = await dsup(ctx, 'temporary', 5000, 3);
    const a = await addOk(ctx, sup, 'a', {});
    cast(a, 'crash');
    await ctx.sleep(100);
    ctx.t(`counts ${await dynCounts(sup)}`);
  },

  async dyn_terminate_child(ctx) {
    const sup = await dsup(ctx, 'permanent', 5000, 3);
    const a = await addOk(ctx, sup, 'a', { trap: true });
    ctx.t(`terminate_child a ${await doSup(ctx, () => terminateChild(sup.pid, a))}`);
    ctx.t(`terminate_child a ${await doSup(ctx, () => terminateChild(sup.pid, a))}`);
    ctx.t(`counts ${await dynCounts(sup)}`);
  },

  async dyn_intensity(ctx) {
    const w = await watcher(ctx, 'w');
    const sup = await dsup(ctx, 'permanent', 5000, 1);
    await watch(w, sup.pid);
    const a = await addOk(ctx, sup, 'a', {});
    cast(a, 'crash');
    await ctx.sleep(100);
    const [row] = await whichChildren(sup.pid);
    cast(row!.pid as Pid<WorkerProto>, 'crash');
    await ctx.sleep(100);
    await flush(ctx, w);
  },

  async dyn_shutdown_concurrent(ctx) {
    const sup = await dsup(ctx, 'permanent', 1000, 3);
    await addOk(ctx, sup, 'a', { trap: true, quiet: true, sleep: 200 });
    await addOk(ctx, sup, 'b', { trap: true, quiet: true, sleep: 200 });
    ctx.t(`stop ${await doStop(ctx, sup.pid, 'normal', 350)}`);
  },
};
