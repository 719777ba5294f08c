import test from 'ava';
import { Result, Runtime, VirtualClock, call, cast, type GenServer } from '@switchboard/actor';

type SinkProto = { cast: number; call: 'count'; reply: number };

function sink(): GenServer<{ count: number }, SinkProto> {
  return {
    init: () => Result.ok({ count: 0 }),
    handleCast(_m, s) {
      s.count++;
      return Result.noreply(s);
    },
    handleCall: (_r, _f, s) => Result.reply(s.count, s),
  };
}

test('a flood of one million messages to one process lets the event loop run in between', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const state = { count: 0 };
  const counting: GenServer<{ count: number }, SinkProto> = { ...sink(), init: () => Result.ok(state) };
  const pid = await rt.start(counting);
  const total = 1_000_000;
  for (let i = 0; i < total; i++) cast(pid, i);
  // Each check-in below runs only when the event loop gets a turn (setImmediate is a macrotask:
  // it cannot run while the scheduler holds the thread). Record how far the flood had got.
  const seenAt: number[] = [];
  const probe = (): void => {
    seenAt.push(state.count);
    if (state.count < total) setImmediate(probe);
  };
  setImmediate(probe);
  t.is(await call(pid, 'count', { timeout: Infinity }), total);
  const midFlood = seenAt.filter((n) => n > 0 && n < total);
  t.true(midFlood.length >= 2, `the event loop ran ${midFlood.length} times during the flood`);
  t.true(rt.stats().yields >= 2);
});

test('processes take turns of `reductions` messages each, round-robin', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock(), reductions: 10 });
  const order: number[] = [];
  const logger = (index: number): GenServer<null, { cast: number }> => ({
    handleCast(_m, s) {
      order.push(index);
      return Result.noreply(s);
    },
  });
  const pids = await Promise.all([0, 1, 2].map((i) => rt.start(logger(i), null)));
  for (let i = 0; i < 30; i++) for (const pid of pids) cast(pid, i);
  await rt.whenIdle();
  const turns: string[] = [];
  for (let i = 0; i < order.length; i += 10) turns.push(order.slice(i, i + 10).join(''));
  t.deepEqual(turns, ['0000000000', '1111111111', '2222222222', '0000000000', '1111111111', '2222222222', '0000000000', '1111111111', '2222222222']);
});
