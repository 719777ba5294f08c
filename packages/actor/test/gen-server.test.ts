import test from 'ava';
import {
  BadReturnError,
  CallbackError,
  ExitError,
  IdleTimeout,
  InitError,
  InitIgnoredError,
  Result,
  StartTimeoutError,
  UnhandledMessageError,
  call,
  cast,
  isAlive,
  reply,
  send,
  self,
  stop,
  type ExitReason,
  type From,
  type GenServer,
} from '@switchboard/actor';
import { virtualRuntime } from './support/runtime.js';

type CounterProtocol = {
  call: 'get' | 'slow-get' | 'crash' | 'bad' | { stopWith: ExitReason };
  reply: number;
  cast: { add: number } | 'boom';
  info: 'tick';
};

interface CounterState {
  n: number;
  pending: From<number>[];
}

/** A counter server; `log` records its terminate calls. */
function counter(log: string[] = []): GenServer<CounterState, CounterProtocol, number> {
  return {
  init(n) {
    return Result.ok({ n, pending: [] });
  },
  handleCall(request, from, state) {
    if (request === 'get') return Result.reply(state.n, state);
    if (request === 'slow-get') {
      state.pending.push(from);
      return Result.noreply(state);
    }
    if (request === 'crash') throw new Error('asked to crash');
    if (request === 'bad') return 42 as never;
    return Result.stopReply(request.stopWith, state.n, state);
  },
  handleCast(message, state) {
    if (message === 'boom') throw new TypeError('cast boom');
    return Result.noreply({ ...state, n: state.n + message.add });
  },
  handleInfo(message, state) {
    if (message === 'tick') {
      for (const from of state.pending) reply(from, state.n);
      return Result.noreply({ ...state, pending: [] });
    }
    return Result.noreply(state);
  },
  terminate(reason) {
    log.push(`terminate:${String(reason instanceof Error ? reason.constructor.name : JSON.stringify(reason))}`);
  },
  };
}


test('a server starts after init, answers calls and handles casts in order', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(counter(), 10);
  t.true(isAlive(pid));
  cast(pid, { add: 1 });
  cast(pid, { add: 2 });
  t.is(await call(pid, 'get'), 13);
  t.is(rt.processCount, 1);
});

test('handleCall can reply later with reply(from, value), from handleInfo', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(counter(), 5);
  const answer = call(pid, 'slow-get');
  await rt.whenIdle();
  send(pid, 'tick');
  t.is(await answer, 5);
});

test('init can return ignore or stop; start rejects and terminate is not called', async (t) => {
  const { rt } = virtualRuntime();
  let terminated = 0;
  const base = { terminate: () => void terminated++ };
  await t.throwsAsync(rt.start({ ...base, init: () => Result.ignore() }), { instanceOf: InitIgnoredError });
  const stopped = await t.throwsAsync(rt.start({ ...base, init: () => Result.stop('no-config', null) }), {
    instanceOf: InitError,
  });
  t.is(stopped?.reason, 'no-config');
  const thrown = await t.throwsAsync(
    rt.start({
      ...base,
      init: () => {
        throw new Error('init blew up');
      },
    }),
    { instanceOf: InitError },
  );
  t.true(thrown?.reason instanceof CallbackError);
  t.regex(String((thrown?.reason as CallbackError).stack), /init blew up/);
  const bad = await t.throwsAsync(rt.start({ ...base, init: () => 'ok' as never }), { instanceOf: InitError });
  t.true(bad?.reason instanceof BadReturnError);
  t.is(terminated, 0);
  t.is(rt.processCount, 0);
});

test('an asynchronous init delays start; messages sent meanwhile wait in the mailbox', async (t) => {
  const { rt, clock } = virtualRuntime();
  let release!: () => void;
  const ready = new Promise<void>((resolve) => (release = resolve));
  const Slow: GenServer<number, { call: 'get'; reply: number; cast: number }, void> = {
    async init() {
      await ready;
      return Result.ok(1);
    },
    handleCall: (_r, _f, n) => Result.reply(n, n),
    handleCast: (m, n) => Result.noreply(n + m),
  };
  let started = false;
  const starting = rt.start(Slow).then((pid) => {
    started = true;
    return pid;
  });
  await clock.advance(100);
  t.false(started);
  release();
  const pid = await starting;
  cast(pid, 41);
  t.is(await call(pid, 'get'), 42);
});

test('an asynchronous init that takes too long is killed and start rejects with StartTimeoutError', async (t) => {
  const { rt, clock } = virtualRuntime();
  const Never: GenServer<null> = { init: () => new Promise(() => {}) };
  const starting = rt.start(Never, undefined, { timeout: 1000 });
  const outcome = t.throwsAsync(starting, { instanceOf: StartTimeoutError });
  await clock.advance(1000);
  await outcome;
  t.is(rt.processCount, 0);
});

test('a callback that throws ends the process with a CallbackError; terminate runs with it', async (t) => {
  const { rt } = virtualRuntime();
  const log: string[] = [];
  const pid = await rt.start(counter(log), 0);
  const error = await t.throwsAsync(call(pid, 'crash'), { instanceOf: ExitError });
  t.true(error?.reason instanceof CallbackError);
  const reason = error?.reason as CallbackError;
  t.is(reason.code, 'ERR_CALLBACK');
  t.is(reason.callback, 'handleCall');
  t.is((reason.cause as Error).message, 'asked to crash');
  t.regex(String(reason.stack), /asked to crash/);
  t.false(isAlive(pid));
  t.deepEqual(log, ['terminate:CallbackError']);
});

test('a callback that returns an invalid result ends the process with a BadReturnError', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(counter(), 0);
  const error = await t.throwsAsync(call(pid, 'bad'), { instanceOf: ExitError });
  t.true(error?.reason instanceof BadReturnError);
  t.is((error?.reason as BadReturnError).callback, 'handleCall');
  t.is((error?.reason as BadReturnError).value, 42);
});

test('handleCast returning a reply result is a bad return (reply is for calls only)', async (t) => {
  const { rt } = virtualRuntime();
  const Wrong: GenServer<number, { cast: 'x'; call: 'get'; reply: number }> = {
    init: () => Result.ok(0),
    handleCast: (_m, n) => Result.reply(1, n) as never,
    handleCall: (_r, _f, n) => Result.reply(n, n),
  };
  const pid = await rt.start(Wrong);
  cast(pid, 'x');
  await rt.whenIdle();
  t.false(isAlive(pid));
});

test('stopReply answers the caller, then the process stops with terminate', async (t) => {
  const { rt } = virtualRuntime();
  const log: string[] = [];
  const pid = await rt.start(counter(log), 7);
  t.is(await call(pid, { stopWith: 'normal' }), 7);
  await rt.whenIdle();
  t.false(isAlive(pid));
  t.deepEqual(log, ['terminate:"normal"']);
});

test('defaults: no init keeps args as state; no handleCast crashes with UnhandledMessageError; no handleInfo ignores', async (t) => {
  const { rt } = virtualRuntime();
  const Minimal: GenServer<string, { call: 'state'; reply: string; cast: 'x'; info: 'hello' }, string> = {
    handleCall: (_r, _f, s) => Result.reply(s, s),
  };
  const pid = await rt.start(Minimal, 'hi');
  send(pid, 'hello');
  t.is(await call(pid, 'state'), 'hi');
  const crashed = call(pid, 'state');
  cast(pid, 'x');
  // the call queued before the cast is answered; the cast then crashes the server
  t.is(await crashed, 'hi');
  await rt.whenIdle();
  t.false(isAlive(pid));
  const NoCall: GenServer<null, { call: 'x'; reply: null }> = { init: () => Result.ok(null) };
  const other = await rt.start(NoCall);
  const error = await t.throwsAsync(call(other, 'x'), { instanceOf: ExitError });
  t.true((error?.reason as CallbackError).cause instanceof UnhandledMessageError);
});

test('handleContinue runs before the next message', async (t) => {
  const { rt } = virtualRuntime();
  const order: string[] = [];
  const Cont: GenServer<null, { cast: string }> = {
    init: () => Result.ok(null, { continue: 'after-init' }),
    handleContinue(value, s) {
      order.push(`continue:${String(value)}`);
      return Result.noreply(s);
    },
    handleCast(message, s) {
      order.push(`cast:${message}`);
      return message === 'a' ? Result.noreply(s, { continue: 'after-a' }) : Result.noreply(s);
    },
  };
  const pid = await rt.start(Cont);
  cast(pid, 'a');
  cast(pid, 'b');
  await rt.whenIdle();
  t.deepEqual(order, ['continue:after-init', 'cast:a', 'continue:after-a', 'cast:b']);
});

test('an idle timeout delivers IdleTimeout when no message arrives, and any message cancels it', async (t) => {
  const { rt, clock } = virtualRuntime();
  const seen: string[] = [];
  const Idle: GenServer<null, { cast: 'poke' }> = {
    init: () => Result.ok(null, { timeout: 1000 }),
    handleCast(_m, s) {
      seen.push(`poke@${clock.now()}`);
      return Result.noreply(s, { timeout: 1000 });
    },
    handleInfo(message, s) {
      if (message instanceof IdleTimeout) seen.push(`timeout@${clock.now()}`);
      return Result.noreply(s);
    },
  };
  const pid = await rt.start(Idle);
  await clock.advance(500);
  cast(pid, 'poke');
  await clock.advance(999);
  t.deepEqual(seen, ['poke@500']);
  await clock.advance(1);
  t.deepEqual(seen, ['poke@500', 'timeout@1500']);
  await clock.advance(5000);
  t.is(seen.length, 2, 'no timeout is re-armed without a new result asking for it');
});

test('asynchronous callbacks hold the mailbox until they settle, preserving order', async (t) => {
  const { rt, clock } = virtualRuntime();
  const order: string[] = [];
  const Async: GenServer<null, { cast: string; call: 'done'; reply: string[] }> = {
    async handleCast(message, s) {
      order.push(`start:${message}`);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
      order.push(`end:${message}`);
      return Result.noreply(s);
    },
    handleCall: (_r, _f, s) => Result.reply([...order], s),
  };
  const pid = await rt.start(Async, null);
  cast(pid, 'a');
  cast(pid, 'b');
  const done = call(pid, 'done', { timeout: 100 });
  await clock.advance(20);
  t.deepEqual(await done, ['start:a', 'end:a', 'start:b', 'end:b']);
});

test('self() names the running process and throws outside one', async (t) => {
  const { rt } = virtualRuntime();
  const Who: GenServer<null, { call: 'who'; reply: string }> = {
    handleCall: (_r, _f, s) => Result.reply(String(self()), s),
  };
  const pid = await rt.start(Who, null);
  t.is(await call(pid, 'who'), String(pid));
  t.throws(() => self(), { code: 'ERR_NOT_IN_PROCESS' });
});

test('stop on a server whose terminate throws rejects with the terminate crash as reason', async (t) => {
  const { rt } = virtualRuntime();
  const Bad: GenServer<null> = {
    terminate() {
      throw new Error('cannot clean up');
    },
  };
  const pid = await rt.start(Bad, null);
  const error = await t.throwsAsync(stop(pid), { instanceOf: ExitError });
  t.is((error?.reason as CallbackError).callback, 'terminate');
});

