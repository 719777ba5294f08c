// Our side of erlang/links.escript: links, trapExit, exit signals (kill vs killed), monitors.
// Each scenario mirrors the Erlang function of the same name, line for line.
import { call, cast, exit, isAlive, stop, type Pid } from '@switchboard/actor';
import { doCall, flush, startWorker, watch, watcher, type WorkerProto } from '../behaviours.js';
import type { Ctx, Scenario } from '../trace.js';

async function dead(ctx: Ctx, id: string): Promise<Pid<WorkerProto>> {
  const p = await startWorker(ctx, id, { quiet: true });
  await stop(p);
  return p;
}

export const linkScenarios: Record<string, Scenario> = {
  async link_crash_kills_nontrapping(ctx) {
    const w = await watcher(ctx, 'w');
    const a = await startWorker(ctx, 'a');
    const b = await startWorker(ctx, 'b');
    await call(b, { link: a });
    await watch(w, a);
    await watch(w, b);
    cast(b, { stop: 'boom' });
    await ctx.sleep(100);
    await flush(ctx, w);
  },

  async link_normal_exit_ignored(ctx) {
    const a = await startWorker(ctx, 'a');
    const b = await startWorker(ctx, 'b');
    await call(b, { link: a });
    cast(b, { stop: 'normal' });
    await ctx.sleep(100);
    ctx.t(`alive a ${isAlive(a)}`);
  },

  async link_chain_dies(ctx) {
    const w = await watcher(ctx, 'w');
    const a = await startWorker(ctx, 'a');
    const b = await startWorker(ctx, 'b');
    const c = await startWorker(ctx, 'c');
    await call(b, { link: a });
    await call(c, { link: b });
    for (const p of [a, b, c]) await watch(w, p);
    cast(c, 'crash');
    await ctx.sleep(100);
    await flush(ctx, w);
  },

  async unlink_stops_propagation(ctx) {
    const a = await startWorker(ctx, 'a');
    const b = await startWorker(ctx, 'b');
    await call(b, { link: a });
    await call(b, { unlink: a });
    cast(b, 'crash');
    await ctx.sleep(100);
    ctx.t(`alive a ${isAlive(a)}`);
  },

  async trap_exit_receives_exit(ctx) {
    const a = await startWorker(ctx, 'a', { trap: true });
    const bs: Pid<WorkerProto>[] = [];
    for (const id of ['b1', 'b2', 'b3']) bs.push(await startWorker(ctx, id));
    for (const b of bs) await call(b, { link: a });
    const [b1, b2, b3] = bs as [Pid<WorkerProto>, Pid<WorkerProto>, Pid<WorkerProto>];
    cast(b1, { stop: 'normal' });
    await ctx.sleep(100);
    cast(b2, { stop: { shutdown: 'x' } });
    await ctx.sleep(100);
    cast(b3, 'crash');
    await ctx.sleep(100);
    ctx.t(`alive a ${isAlive(a)}`);
  },

  async exit_kill_is_killed(ctx) {
    const w = await watcher(ctx, 'w');
    const a = await startWorker(ctx, 'a', { trap: true });
    const b = await startWorker(ctx, 'b');
    await call(b, { link: a });
    await watch(w, b);
    await watch(w, a);
    exit(b, 'kill');
    await ctx.sleep(100);
    exit(a, 'kill');
    await ctx.sleep(100);
    await flush(ctx, w);
  },

  async exit_reason_kill_via_link(ctx) {
    const w = await watcher(ctx, 'w');
    const a = await startWorker(ctx, 'a', { trap: true });
    const c = await startWorker(ctx, 'c');
    const d = await startWorker(ctx, 'd');
    await call(c, { link: a });
    await call(c, { link: d });
    await watch(w, c);
    await watch(w, d);
    cast(c, { stop: 'kill' });
    await ctx.sleep(100);
    await flush(ctx, w);
  },

  async exit_signal_nontrapping(ctx) {
    const w = await watcher(ctx, 'w');
    const a = await startWorker(ctx, 'a');
    await watch(w, a);
    exit(a, 'normal');
    await ctx.sleep(100);
    ctx.t(`alive a ${isAlive(a)}`);
    exit(a, 'boom');
    await ctx.sleep(100);
    ctx.t(`alive a ${isAlive(a)}`);
    await flush(ctx, w);
  },

  async exit_to_trapping_from_nonparent(ctx) {
    const w = await watcher(ctx, 'w');
    const a = await startWorker(ctx, 'a', { trap: true });
    await call(w, { exit: [a, 'normal'] });
    await ctx.sleep(100);
    await call(w, { exit: [a, 'boom'] });
    await ctx.sleep(100);
    ctx.t(`alive a ${isAlive(a)}`);
  },

  async exit_self_normal_trapping_server(ctx) {
    const w = await watcher(ctx, 'w');
    const a = await startWorker(ctx, 'a', { trap: true });
    await watch(w, a);
    cast(a, { exit_self: 'normal' });
    await ctx.sleep(100);
    ctx.t(`alive a ${isAlive(a)}`);
    await flush(ctx, w);
  },

  async exit_self_normal_trapping_child(ctx) {
    const p = await startWorker(ctx, 'p');
    const c = (await call(p, { start_linked: ['c', { trap: true }] })) as Pid<WorkerProto>;
    cast(c, { exit_self: 'normal' });
    await ctx.sleep(100);
    ctx.t(`alive c ${isAlive(c)}`);
  },

  async exit_self_normal_nontrapping(ctx) {
    const w = await watcher(ctx, 'w');
    const a = await startWorker(ctx, 'a');
    await watch(w, a);
    cast(a, { exit_self: 'normal' });
    await ctx.sleep(100);
    ctx.t(`alive a ${isAlive(a)}`);
    await flush(ctx, w);
  },

  async link_dead_pid_nontrapping(ctx) {
    const w = await watcher(ctx, 'w');
    const d = await dead(ctx, 'd');
    const a = await startWorker(ctx, 'a');
    await watch(w, a);
    ctx.t(`call ${await doCall(ctx, a, { link: d })}`);
    await ctx.sleep(100);
    await flush(ctx, w);
  },

  async link_dead_pid_trapping(ctx) {
    const d = await dead(ctx, 'd');
    const a = await startWorker(ctx, 'a', { trap: true });
    const r = await doCall(ctx, a, { link: d });
    await ctx.sleep(100);
    ctx.t(`call ${r}`);
    ctx.t(`alive a ${isAlive(a)}`);
  },

  async monitor_dead_pid_noproc(ctx) {
    const w = await watcher(ctx, 'w');
    const d = await dead(ctx, 'd');
    await watch(w, d);
    await ctx.sleep(100);
    await flush(ctx, w);
  },

  async monitor_demonitor(ctx) {
    const w = await watcher(ctx, 'w');
    const a = await startWorker(ctx, 'a');
    const r1 = await watch(w, a);
    await watch(w, a);
    await call(w, { demonitor: r1 });
    cast(a, { stop: 'normal' });
    await ctx.sleep(100);
    await flush(ctx, w);
  },

  async parent_exit_runs_terminate(ctx) {
    const p = await startWorker(ctx, 'p');
    const c = (await call(p, { start_linked: ['c', { trap: true }] })) as Pid<WorkerProto>;
    cast(p, { stop: { shutdown: 'p' } });
    await ctx.sleep(100);
    ctx.t(`alive c ${isAlive(c)}`);
  },
};

