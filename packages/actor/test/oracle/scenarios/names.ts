// Our side of erlang/names.escript: call, cast, send and stop by registered name, conflicts,
// release, and a supervised child that takes its name again. Each scenario mirrors the Erlang
// function of the same name.
import { Result, cast, send, self, worker as workerSpec, type GenServer } from '@switchboard/actor';
import { doCall, doStop, startSup, worker } from '../behaviours.js';
import { startOutcome, type Ctx, type Scenario } from '../trace.js';

type CounterProto = { call: 'get'; reply: number; cast: { readonly add: number }; info: { readonly add: number } };

function counter(ctx: Ctx): GenServer<number, CounterProto, number> {
  return {
    init(n) {
      ctx.name(self(), 'counter');
      return Result.ok(n);
    },
    handleCall: (_get, _from, n) => Result.reply(n, n),
    handleCast: (m, n) => Result.noreply(n + m.add),
    handleInfo: (m, n) => Result.noreply(n + ('add' in m ? m.add : 0)),
    terminate: (r, n) => void ctx.t(`terminate ${ctx.s(r)} at ${n}`),
  };
}

export const nameScenarios: Record<string, Scenario> = {
  async names_call_cast_send_stop(ctx) {
    ctx.t(`start ${await startOutcome(ctx, () => ctx.rt.start(counter(ctx), 0, { name: 'oracle_counter' }))}`);
    ctx.t(`call ${await doCall(ctx, 'oracle_counter', 'get')}`);
    cast<CounterProto>('oracle_counter', { add: 2 });
    send<CounterProto>('oracle_counter', { add: 3 });
    ctx.t(`call ${await doCall(ctx, 'oracle_counter', 'get')}`);
    ctx.t(`stop ${await doStop(ctx, 'oracle_counter')}`);
    ctx.t(`call ${await doCall(ctx, 'oracle_counter', 'get')}`);
    ctx.t(`stop ${await doStop(ctx, 'oracle_counter')}`);
    ctx.t(`whereis ${ctx.s(ctx.rt.whereis('oracle_counter'))}`);
  },

  async names_send_unregistered(ctx) {
    try {
      send('oracle_ghost', 'hello');
      ctx.t('send ok');
    } catch {
      ctx.t('send raised');
    }
    cast('oracle_ghost', 'hello');
    ctx.t('cast ok');
    ctx.t(`call ${await doCall(ctx, 'oracle_ghost', 'hello')}`);
    ctx.t(`stop ${await doStop(ctx, 'oracle_ghost')}`);
  },

  async names_register_conflict_release(ctx) {
    ctx.t(`start a ${await startOutcome(ctx, () => ctx.rt.start(worker(ctx, 'a'), 'a', { name: 'oracle_reg' }))}`);
    ctx.t(`start b ${await startOutcome(ctx, () => ctx.rt.start(worker(ctx, 'b'), 'b', { name: 'oracle_reg' }))}`);
    ctx.t(`whereis ${ctx.s(ctx.rt.whereis('oracle_reg'))}`);
    ctx.t(`stop ${await doStop(ctx, 'oracle_reg')}`);
    ctx.t(`whereis ${ctx.s(ctx.rt.whereis('oracle_reg'))}`);
    ctx.t(`start c ${await startOutcome(ctx, () => ctx.rt.start(worker(ctx, 'c'), 'c', { name: 'oracle_reg' }))}`);
    ctx.t(`whereis ${ctx.s(ctx.rt.whereis('oracle_reg'))}`);
  },

  async names_supervised_child_restart(ctx) {
    const spec = workerSpec('a', worker(ctx, 'a'), 'a', { name: 'oracle_child', restart: 'permanent', shutdown: 5000 });
    const { outcome } = await startSup(ctx, 'sup', { strategy: 'one_for_one', intensity: 3, period: 5000 }, [spec]);
    if (outcome !== 'ok') throw new Error(`the supervisor did not start: ${outcome}`);
    ctx.t(`call ${await doCall(ctx, 'oracle_child', 'ping')}`);
    cast('oracle_child', 'crash');
    await ctx.sleep(100);
    ctx.t(`call ${await doCall(ctx, 'oracle_child', 'ping')}`);
    ctx.t(`whereis ${ctx.s(ctx.rt.whereis('oracle_child'))}`);
  },
};
