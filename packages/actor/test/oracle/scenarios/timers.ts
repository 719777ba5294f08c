// Our side of erlang/timers.escript: sendAfter, cancelTimer, readTimer.
// Each scenario mirrors the Erlang function of the same name, line for line.
import { Result, call, cancelTimer, cast, readTimer, self, send, sendAfter, stop, type GenServer, type TimerRef } from '@switchboard/actor';
import type { Ctx, Scenario } from '../trace.js';

type TimedProto = {
  cast: { readonly after_: readonly (readonly [number, string])[] };
  call: { readonly arm: readonly [number, string] };
  reply: TimerRef;
  info: string;
};

/** A server that arms timers to itself on request and logs what it receives. */
function timed(ctx: Ctx): GenServer<null, TimedProto, unknown> {
  return {
    init: () => Result.ok(null),
    handleCast(m, s) {
      for (const [ms, msg] of m.after_) sendAfter(self<TimedProto>(), msg, ms);
      return Result.noreply(s);
    },
    handleCall: (m, _from, s) => Result.reply(sendAfter(self<TimedProto>(), m.arm[1], m.arm[0]), s),
    handleInfo(m, s) {
      ctx.t(`info ${ctx.s(m)}`);
      return Result.noreply(s);
    },
  };
}

function left(n: number | false): string {
  if (n === false) return 'false';
  if (Number.isInteger(n) && n > 0 && n <= 300) return 'time_left';
  return `{unexpected,${n}}`;
}

export const timerScenarios: Record<string, Scenario> = {
  async send_after_zero_one_order(ctx) {
    const p = await ctx.rt.start(timed(ctx), 'none');
    cast(p, { after_: [[0, 'a'], [1, 'b'], [0, 'c']] });
    await ctx.sleep(100);
  },

  async send_after_delays_order(ctx) {
    const p = await ctx.rt.start(timed(ctx), 'none');
    cast(p, { after_: [[60, 'x'], [20, 'y'], [40, 'z'], [20, 'w']] });
    await ctx.sleep(200);
  },

  async send_after_from_outside(ctx) {
    const p = await ctx.rt.start(timed(ctx), 'none');
    sendAfter(p, 'late', 40);
    sendAfter(p, 'early', 20);
    send(p, 'now');
    await ctx.sleep(150);
  },

  async cancel_timer(ctx) {
    const p = await ctx.rt.start(timed(ctx), 'none');
    const ref = await call(p, { arm: [300, 'fire'] });
    await ctx.sleep(100);
    ctx.t(`read ${left(readTimer(ref))}`);
    ctx.t(`cancel ${left(cancelTimer(ref))}`);
    ctx.t(`cancel ${left(cancelTimer(ref))}`);
    ctx.t(`read ${left(readTimer(ref))}`);
    await ctx.sleep(300);
    const ref2 = await call(p, { arm: [100, 'fire2'] });
    await ctx.sleep(300);
    ctx.t(`cancel ${left(cancelTimer(ref2))}`);
  },

  async timer_dead_target(ctx) {
    const p = await ctx.rt.start(timed(ctx), 'none');
    const ref = await call(p, { arm: [300, 'fire'] });
    await stop(p);
    ctx.t(`read ${left(readTimer(ref))}`);
    ctx.t(`cancel ${left(cancelTimer(ref))}`);
    await ctx.sleep(400);
  },
};
