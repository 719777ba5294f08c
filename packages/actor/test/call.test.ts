import test from 'ava';
import {
  CallSelfError,
  CallTimeoutError,
  ExitError,
  NoProcError,
  Result,
  StopTimeoutError,
  call,
  cast,
  isAlive,
  reply,
  stop,
  type From,
  type GenServer,
  self,
} from '@switchboard/actor';
import { virtualRuntime } from './support/runtime.js';

type Proto = { call: 'hold' | 'answer-held' | 'self' | 'echo'; reply: string; cast: string };

/** Holds 'hold' calls until 'answer-held'; records what it handled; `echo` answers at once. */
function holder(handled: string[] = []): GenServer<From<string>[], Proto> {
  return {
    init: () => Result.ok([]),
    async handleCall(request, from, held) {
      handled.push(`call:${request}`);
      if (request === 'hold') return Result.noreply([...held, from]);
      if (request === 'self') {
        const error = await call(self<Proto>(), 'echo').catch((e: unknown) => e);
        return Result.reply((error as Error).constructor.name, held);
      }
      if (request === 'echo') return Result.reply('echo', held);
      for (const waiting of held) reply(waiting, 'late');
      return Result.reply('answered', []);
    },
    handleCast(message, held) {
      handled.push(`cast:${message}`);
      return Result.noreply(held);
    },
    terminate(reason) {
      handled.push(`terminate:${String(reason)}`);
    },
  };
}


test('call rejects with CallTimeoutError after the default 5000 ms, and the late reply is dropped', async (t) => {
  const { rt, clock } = virtualRuntime();
  const pid = await rt.start(holder());
  let outcome: unknown;
  call(pid, 'hold').then(
    (value) => (outcome = value),
    (error: unknown) => (outcome = error),
  );
  await clock.advance(4999);
  t.is(outcome, undefined);
  await clock.advance(1);
  t.true(outcome instanceof CallTimeoutError);
  t.is((outcome as CallTimeoutError).timeout, 5000);
  t.is((outcome as CallTimeoutError).pid, pid);
  // The server answers now: the reply is dropped, nothing else changes, the server lives on.
  t.is(await call(pid, 'answer-held'), 'answered');
  t.true(outcome instanceof CallTimeoutError);
  t.true(isAlive(pid));
});

test('a custom timeout applies, and Infinity never times out', async (t) => {
  const { rt, clock } = virtualRuntime();
  const pid = await rt.start(holder());
  const short = t.throwsAsync(call(pid, 'hold', { timeout: 10 }), { instanceOf: CallTimeoutError });
  const forever = call(pid, 'hold', { timeout: Infinity });
  await clock.advance(10);
  await short;
  await clock.advance(1_000_000);
  await call(pid, 'answer-held');
  t.is(await forever, 'late');
});

test('call to a process that does not exist rejects with NoProcError', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(holder());
  await stop(pid);
  const error = await t.throwsAsync(call(pid, 'echo'), { instanceOf: NoProcError });
  t.is(error?.code, 'ERR_NOPROC');
  t.is(error?.pid, pid);
});

test('call rejects with ExitError carrying the exit reason when the server exits before replying', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(holder());
  const waiting = call(pid, 'hold');
  const queued = call(pid, 'echo'); // queued before the stop, so it is answered
  const afterStop = stop(pid, 'shutdown');
  const error = await t.throwsAsync(waiting, { instanceOf: ExitError });
  t.is(error?.reason, 'shutdown');
  t.is(error?.pid, pid);
  t.is(await queued, 'echo');
  await afterStop;
});

test('a process that calls itself gets CallSelfError instead of a deadlock', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(holder());
  // the self-call happens before the callback's first await, while the process is running
  t.is(await call(pid, 'self'), 'CallSelfError');
  t.is(new CallSelfError(pid, 'call').code, 'ERR_CALL_SELF');
});

test('stop waits behind queued messages and resolves after terminate has run', async (t) => {
  const { rt } = virtualRuntime();
  const handled: string[] = [];
  const pid = await rt.start(holder(handled));
  cast(pid, 'one');
  cast(pid, 'two');
  await stop(pid, 'normal');
  t.deepEqual(handled, ['cast:one', 'cast:two', 'terminate:normal']);
  t.false(isAlive(pid));
  t.is(rt.processCount, 0);
});

test('stop resolves only after an asynchronous terminate finishes', async (t) => {
  const { rt, clock } = virtualRuntime();
  const steps: string[] = [];
  const Slow: GenServer<null> = {
    async terminate() {
      steps.push('terminate:start');
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 300));
      steps.push('terminate:end');
    },
  };
  const pid = await rt.start(Slow, null);
  const stopping = stop(pid).then(() => steps.push('stopped'));
  await clock.advance(299);
  t.deepEqual(steps, ['terminate:start']);
  t.true(isAlive(pid), 'alive while terminate runs');
  await clock.advance(1);
  await stopping;
  t.deepEqual(steps, ['terminate:start', 'terminate:end', 'stopped']);
});

test('stop rejects with NoProcError for a dead pid and StopTimeoutError when terminate is too slow', async (t) => {
  const { rt, clock } = virtualRuntime();
  const dead = await rt.start(holder());
  await stop(dead);
  await t.throwsAsync(stop(dead), { instanceOf: NoProcError });
  const Stuck: GenServer<null> = { terminate: () => new Promise<void>(() => {}) };
  const pid = await rt.start(Stuck, null);
  const stopping = t.throwsAsync(stop(pid, 'normal', { timeout: 100 }), { instanceOf: StopTimeoutError });
  await clock.advance(100);
  await stopping;
});

test('of two concurrent stops with the same reason, the first resolves and the second rejects with the reason (OTP: the second caller exits)', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(holder());
  const [first, second] = await Promise.allSettled([stop(pid), stop(pid)]);
  t.is(first.status, 'fulfilled');
  t.is(second.status, 'rejected');
  const error = (second as PromiseRejectedResult).reason as ExitError;
  t.true(error instanceof ExitError);
  t.is(error.reason, 'normal');
  t.false(isAlive(pid));
});

test('cast and send never throw for a dead target', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(holder());
  await stop(pid);
  t.notThrows(() => cast(pid, 'late'));
});

test('with a thousand calls waiting, only one clock timer is armed', async (t) => {
  const { rt, clock } = virtualRuntime();
  const pid = await rt.start(holder());
  const calls = Array.from({ length: 1000 }, () => call(pid, 'hold').catch((e: unknown) => e));
  await rt.whenIdle();
  t.is(clock.pendingTimers, 1);
  await clock.advance(5000);
  const results = await Promise.all(calls);
  t.true(results.every((r) => r instanceof CallTimeoutError));
  t.is(clock.pendingTimers, 0);
});
