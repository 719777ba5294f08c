// sys: OTP's debugging of any GenServer — get and replace state, suspend and resume,
// statistics, trace and log — through system messages that a suspended process still answers.
import test from 'ava';
import { Result, SysCallbackError, call, cast, startSupervisor, stop, sys, worker, type GenServer, type SysEvent } from '@switchboard/actor';
import { virtualRuntime } from './support/runtime.js';

type Proto = { call: 'get'; reply: number; cast: number; info: string };
const Counter: GenServer<number, Proto, number> = {
  init: (n) => Result.ok(n),
  handleCall: (_r, _f, n) => Result.reply(n, n),
  handleCast: (add, n) => Result.noreply(n + add),
  handleInfo: (_m, n) => Result.noreply(n),
};

test('getState and replaceState see the state between two messages; a throwing update keeps it', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(Counter, 1, { name: 'sys-counter' });
  cast(pid, 2);
  t.is(await sys.getState<number>(pid), 3, 'the cast before it was handled first');
  t.is(await sys.replaceState<number>('sys-counter', (n) => n * 10), 30);
  t.is(await call(pid, 'get'), 30);
  const error = await sys.replaceState<number>(pid, () => {
    throw new Error('bad update');
  }).catch((e: unknown) => e);
  t.true(error instanceof SysCallbackError);
  t.is(await call(pid, 'get'), 30, 'the state was kept and the process goes on');
});

test('a suspended server answers sys requests and stop, while its other messages wait in order', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(Counter, 0);
  await sys.suspend(pid);
  cast(pid, 1);
  cast(pid, 2);
  const pending = call(pid, 'get', { timeout: Infinity });
  await rt.whenIdle();
  t.is(await sys.getState<number>(pid), 0, 'nothing was handled while suspended');
  cast(pid, 4);
  await sys.resume(pid);
  t.is(await pending, 3, 'the waiting messages were handled in order on resume');
  t.is(await call(pid, 'get'), 7);
  await sys.suspend(pid);
  await stop(pid);
  t.pass('stop is served while suspended');
});

test('statistics count handled messages; trace and log see each one', async (t) => {
  const { rt, clock } = virtualRuntime();
  const pid = await rt.start(Counter, 0);
  await sys.statistics(pid, true);
  const traced: SysEvent[] = [];
  await sys.trace(pid, (event) => traced.push(event));
  await sys.log(pid, 2);
  cast(pid, 5);
  await clock.advance(10);
  await call(pid, 'get');
  const stats = await sys.getStatistics(pid);
  t.like(stats, { since: 0, now: 10, messagesIn: 2 });
  t.deepEqual(
    traced.map((e) => [e.kind, e.message]),
    [
      ['cast', 5],
      ['call', 'get'],
    ],
  );
  cast(pid, 6);
  t.deepEqual(
    (await sys.getLog(pid)).map((e) => e.message),
    ['get', 6],
    'the log keeps the last two',
  );
  await sys.statistics(pid, false);
  await sys.trace(pid, null);
  await sys.log(pid, 0);
  t.is(await sys.getStatistics(pid), undefined);
});

test('sys works on a supervisor and reaches a child by name', async (t) => {
  const { rt } = virtualRuntime();
  const sup = await startSupervisor(rt, { children: [worker('c', Counter, 9, { name: 'sys-child' })] });
  const state = await sys.getState<{ children: unknown[] }>(sup);
  t.is(state.children.length, 1);
  t.is(await sys.getState<number>('sys-child'), 9);
});
