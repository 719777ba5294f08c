// Our side of erlang/supervisor.escript: strategies, restart types, restart intensity, shutdown
// modes, start failures and the child functions. Each scenario mirrors the Erlang function of the
// same name, line for line.
import {
  cast,
  deleteChild,
  exit,
  isAlive,
  restartChild,
  startChild,
  terminateChild,
  whichChildren,
  type ChildSpec,
  type Pid,
  type Strategy,
  type SupervisorPid,
} from '@switchboard/actor';
import { child, children, counts, doStop, doSup, flags, flush, startSup, supChild, watch, watcher, type WorkerOptions, type WorkerProto } from '../behaviours.js';
import type { Ctx, Scenario } from '../trace.js';

async function sup(ctx: Ctx, strategy: Strategy, specs: readonly ChildSpec[]): Promise<SupervisorPid> {
  const { outcome, pid } = await startSup(ctx, 'sup', flags(strategy, 3, 5), specs);
  if (outcome !== 'ok' || pid === undefined) throw new Error(`the supervisor did not start: ${outcome}`);
  return pid;
}

async function childPid(sup: SupervisorPid, id: string): Promise<Pid<WorkerProto> | null> {
  const row = (await whichChildren(sup)).find((c) => c.id === id);
  return (row?.pid ?? null) as Pid<WorkerProto> | null;
}

async function crash(sup: SupervisorPid, id: string): Promise<void> {
  const pid = await childPid(sup, id);
  if (pid !== null) cast(pid, 'crash');
}

/** Erlang's align_second(Ms): on to `ms` past a whole second (our clock starts at 0). */
async function alignSecond(ctx: Ctx, ms: number): Promise<void> {
  const phase = ctx.clock.now() % 1000;
  await ctx.sleep((ms - phase + 1000) % 1000);
}

async function strategy(ctx: Ctx, s: Strategy): Promise<void> {
  const sv = await sup(ctx, s, ['a', 'b', 'c'].map((id) => child(ctx, id, { trap: true })));
  await crash(sv, 'b');
  await ctx.sleep(100);
  ctx.t(`alive sup ${isAlive(sv)}`);
}

async function shutdown(ctx: Ctx, opts: WorkerOptions): Promise<void> {
  const w = await watcher(ctx, 'w');
  const sv = await sup(ctx, 'one_for_one', [child(ctx, 'a', opts)]);
  await watch(w, (await childPid(sv, 'a'))!);
  ctx.t(`stop ${await doStop(ctx, sv)}`);
  await ctx.sleep(100);
  await flush(ctx, w);
  await ctx.sleep(300);
}

export const supervisorScenarios: Record<string, Scenario> = {
  async sup_start_order_stop_reverse(ctx) {
    const sv = await sup(ctx, 'one_for_one', ['a', 'b', 'c'].map((id) => child(ctx, id, { trap: true })));
    ctx.t(`stop ${await doStop(ctx, sv)}`);
  },

  sup_one_for_one: (ctx) => strategy(ctx, 'one_for_one'),
  sup_one_for_all: (ctx) => strategy(ctx, 'one_for_all'),
  sup_rest_for_one: (ctx) => strategy(ctx, 'rest_for_one'),

  async sup_permanent_normal_exit_restarts(ctx) {
    const sv = await sup(ctx, 'one_for_one', [child(ctx, 'a')]);
    cast((await childPid(sv, 'a'))!, { stop: 'normal' });
    await ctx.sleep(100);
    ctx.t(`a ${ctx.s(await childPid(sv, 'a'))}`);
  },

  async sup_transient(ctx) {
    const sv = await sup(ctx, 'one_for_one', ['t1', 't2', 't3'].map((id) => child(ctx, id, { restart: 'transient' })));
    cast((await childPid(sv, 't1'))!, { stop: 'normal' });
    await ctx.sleep(100);
    cast((await childPid(sv, 't2'))!, { stop: { shutdown: 'x' } });
    await ctx.sleep(100);
    await crash(sv, 't3');
    await ctx.sleep(100);
    for (const id of ['t1', 't2', 't3']) ctx.t(`${id} ${ctx.s(await childPid(sv, id))}`);
    ctx.t(`counts ${await counts(sv)}`);
  },

  async sup_temporary(ctx) {
    const sv = await sup(ctx, 'one_for_one', [child(ctx, 'a'), child(ctx, 'tmp', { restart: 'temporary' })]);
    await crash(sv, 'tmp');
    await ctx.sleep(100);
    ctx.t(`tmp ${ctx.s(await childPid(sv, 'tmp'))}`);
    ctx.t(`counts ${await counts(sv)}`);
  },

  async sup_one_for_all_temporary_sibling(ctx) {
    const sv = await sup(ctx, 'one_for_all', [
      child(ctx, 'a', { trap: true }),
      child(ctx, 'tmp', { trap: true, restart: 'temporary' }),
      child(ctx, 'b', { trap: true }),
    ]);
    await crash(sv, 'b');
    await ctx.sleep(100);
    ctx.t(`counts ${await counts(sv)}`);
  },

  async sup_killed_child_transient_restarts(ctx) {
    const w = await watcher(ctx, 'w');
    const sv = await sup(ctx, 'one_for_one', [child(ctx, 'a', { trap: true, restart: 'transient' })]);
    await watch(w, (await childPid(sv, 'a'))!);
    exit((await childPid(sv, 'a'))!, 'kill');
    await ctx.sleep(100);
    await flush(ctx, w);
    ctx.t(`a ${ctx.s(await childPid(sv, 'a'))}`);
  },

  async sup_intensity_exceeded(ctx) {
    const w = await watcher(ctx, 'w');
    const { pid: sv } = await startSup(ctx, 'sup', flags('one_for_one', 2, 5), [child(ctx, 'a', { trap: true }), child(ctx, 'b')]);
    await watch(w, sv!);
    for (let i = 0; i < 3; i++) {
      await crash(sv!, 'b');
      await ctx.sleep(100);
    }
    await ctx.sleep(100);
    await flush(ctx, w);
    ctx.t(`alive sup ${isAlive(sv!)}`);
  },

  async sup_intensity_second_boundary(ctx) {
    const w = await watcher(ctx, 'w');
    const { pid: sv } = await startSup(ctx, 'sup', flags('one_for_one', 1, 1), [child(ctx, 'a')]);
    await watch(w, sv!);
    await alignSecond(ctx, 100);
    await crash(sv!, 'a');
    await ctx.sleep(1500);
    await crash(sv!, 'a');
    await ctx.sleep(100);
    await flush(ctx, w);
    ctx.t(`alive sup ${isAlive(sv!)}`);
  },

  async sup_intensity_window_passed(ctx) {
    const w = await watcher(ctx, 'w');
    const { pid: sv } = await startSup(ctx, 'sup', flags('one_for_one', 1, 1), [child(ctx, 'a')]);
    await watch(w, sv!);
    await alignSecond(ctx, 100);
    await crash(sv!, 'a');
    await ctx.sleep(2200);
    await crash(sv!, 'a');
    await ctx.sleep(100);
    await flush(ctx, w);
    ctx.t(`alive sup ${isAlive(sv!)}`);
  },

  sup_shutdown_brutal_kill: (ctx) => shutdown(ctx, { trap: true, shutdown: 'brutal_kill' }),
  sup_shutdown_timeout_kills: (ctx) => shutdown(ctx, { trap: true, sleep: 300, shutdown: 100 }),
  sup_shutdown_infinity: (ctx) => shutdown(ctx, { trap: true, sleep: 100, shutdown: 'infinity' }),
  sup_shutdown_nontrapping_child: (ctx) => shutdown(ctx, { shutdown: 1000 }),

  async sup_start_failure(ctx) {
    const { outcome } = await startSup(ctx, 'sup', flags('one_for_one', 3, 5), [
      child(ctx, 'a', { trap: true }),
      child(ctx, 'b', { failFrom: 1 }),
      child(ctx, 'c'),
    ]);
    ctx.t(`start ${outcome}`);
  },

  async sup_start_ignore(ctx) {
    const { outcome, pid: sv } = await startSup(ctx, 'sup', flags('one_for_one', 3, 5), [child(ctx, 'a'), child(ctx, 'b', { ignore: true }), child(ctx, 'c')]);
    ctx.t(`start ${outcome}`);
    ctx.t(`b ${ctx.s(await childPid(sv!, 'b'))}`);
    ctx.t(`counts ${await counts(sv!)}`);
  },

  async sup_restart_fails_then_gives_up(ctx) {
    const w = await watcher(ctx, 'w');
    const sv = await sup(ctx, 'one_for_one', [child(ctx, 'a', { failFrom: 2 })]);
    await watch(w, sv);
    await crash(sv, 'a');
    await ctx.sleep(100);
    await flush(ctx, w);
  },

  async sup_child_ops(ctx) {
    const sv = await sup(ctx, 'one_for_one', [child(ctx, 'a'), child(ctx, 'b', { trap: true })]);
    const b = child(ctx, 'b', { trap: true });
    ctx.t(`terminate_child b ${await doSup(ctx, () => terminateChild(sv, 'b'))}`);
    ctx.t(`b ${ctx.s(await childPid(sv, 'b'))}`);
    ctx.t(`restart_child b ${await doSup(ctx, () => restartChild(sv, 'b'))}`);
    ctx.t(`restart_child a ${await doSup(ctx, () => restartChild(sv, 'a'))}`);
    ctx.t(`delete_child b ${await doSup(ctx, () => deleteChild(sv, 'b'))}`);
    ctx.t(`start_child b ${await doSup(ctx, () => startChild(sv, b))}`);
    ctx.t(`terminate_child b ${await doSup(ctx, () => terminateChild(sv, 'b'))}`);
    ctx.t(`start_child b ${await doSup(ctx, () => startChild(sv, b))}`);
    ctx.t(`delete_child b ${await doSup(ctx, () => deleteChild(sv, 'b'))}`);
    ctx.t(`restart_child b ${await doSup(ctx, () => restartChild(sv, 'b'))}`);
    ctx.t(`terminate_child b ${await doSup(ctx, () => terminateChild(sv, 'b'))}`);
    ctx.t(`start_child c ${await doSup(ctx, () => startChild(sv, child(ctx, 'c', { failFrom: 1 })))}`);
    ctx.t(`start_child b ${await doSup(ctx, () => startChild(sv, b))}`);
    ctx.t(`counts ${await counts(sv)}`);
  },

  async sup_which_children_order(ctx) {
    const sv = await sup(ctx, 'one_for_one', ['a', 'b', 'c'].map((id) => child(ctx, id)));
    ctx.t(`children ${await children(ctx, sv)}`);
    await startChild(sv, child(ctx, 'd'));
    ctx.t(`children ${await children(ctx, sv)}`);
  },

  async sup_nested_stop_order(ctx) {
    const sub = supChild('sub', { ...flags('one_for_one', 3, 5), children: ['x', 'y'].map((id) => child(ctx, id, { trap: true })) });
    const sv = await sup(ctx, 'one_for_one', [child(ctx, 'a', { trap: true }), sub, child(ctx, 'b', { trap: true })]);
    ctx.t(`stop ${await doStop(ctx, sv)}`);
  },

  async sup_nested_escalation(ctx) {
    const w = await watcher(ctx, 'w');
    const sub = supChild('sub', { ...flags('one_for_one', 0, 5), children: [child(ctx, 'x')] });
    const sv = await sup(ctx, 'one_for_one', [sub]);
    const subPid = (await childPid(sv, 'sub'))! as Pid as SupervisorPid;
    ctx.name(subPid, 'sub');
    await watch(w, subPid);
    cast((await childPid(subPid, 'x'))!, 'crash');
    await ctx.sleep(100);
    await flush(ctx, w);
    ctx.t(`counts ${await counts(sv)}`);
  },

  async sup_terminate_temporary_child(ctx) {
    const sv = await sup(ctx, 'one_for_one', [child(ctx, 'a'), child(ctx, 'tmp', { trap: true, restart: 'temporary' })]);
    ctx.t(`terminate_child tmp ${await doSup(ctx, () => terminateChild(sv, 'tmp'))}`);
    ctx.t(`restart_child tmp ${await doSup(ctx, () => restartChild(sv, 'tmp'))}`);
    ctx.t(`counts ${await counts(sv)}`);
  },
};
