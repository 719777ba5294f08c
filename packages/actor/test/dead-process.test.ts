// A process that has exited does nothing more (OTP): the async code still running for it — an
// `await` continuation of a callback, of init, of terminate — sends nothing that arrives, arms
// nothing that fires, makes no link or monitor, and its runtime calls fail so it unwinds.
import test from 'ava';
import {
  ExitSignal,
  NoProcError,
  ProcessExitedError,
  Result,
  abortSignal,
  call,
  cast,
  exit,
  exited,
  isAlive,
  link,
  monitor,
  self,
  send,
  sendAfter,
  stop,
  trapExit,
  type AnyProtocol,
  type GenServer,
  type Pid,
} from '@switchboard/actor';
import { startRecorder } from './support/recorder.js';
import { virtualRuntime } from './support/runtime.js';

/** A promise the test settles by hand: the `await` a callback is parked on. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test('a killed process: its continuation after an await sends nothing that arrives and its runtime calls fail', async (t) => {
  const { rt, clock } = virtualRuntime();
  const sink = await startRecorder(rt);
  const wait = gate();
  const outcomes: string[] = [];
  let signal: AbortSignal | undefined;
  const victim = await rt.start<null, { cast: 'go' }, void>({
    async handleCast(_message, state) {
      signal = abortSignal();
      const me = self();
      await wait.promise;
      // Everything below runs after the process was killed.
      cast(sink.pid as Pid<AnyProtocol>, 'cast after death');
      send(sink.pid, 'send after death');
      sendAfter(sink.pid, 'timer after death', 10);
      exit(sink.pid, 'exit after death');
      for (const [name, attempt] of [
        ['self', () => self()],
        ['link', () => link(sink.pid)],
        ['monitor', () => monitor(sink.pid)],
        ['trapExit', () => trapExit(true)],
      ] as const) {
        try {
          attempt();
          outcomes.push(`${name}: ok`);
        } catch (error) {
          outcomes.push(`${name}: ${(error as ProcessExitedError).code}`);
        }
      }
      outcomes.push(`call: ${await call(sink.pid, 'messages').then(() => 'ok', (e: ProcessExitedError) => e.code)}`);
      outcomes.push(`stop: ${await stop(sink.pid).then(() => 'ok', (e: ProcessExitedError) => e.code)}`);
      outcomes.push(`start: ${await rt.start({}).then(() => 'ok', (e: ProcessExitedError) => e.code)}`);
      outcomes.push(`me: ${String(me)}`);
      return Result.noreply(state);
    },
  });
  cast(victim, 'go');
  await rt.whenIdle();
  t.false(signal!.aborted);
  const reason = exited(victim);
  exit(victim, 'kill');
  t.is(await reason, 'killed');
  t.true(signal!.aborted);
  t.true(signal!.reason instanceof ProcessExitedError);
  t.is((signal!.reason as ProcessExitedError).reason, 'killed');
  wait.open();
  await rt.whenIdle();
  await clock.advance(100);
  t.deepEqual(outcomes, [
    'self: ERR_PROCESS_EXITED',
    'link: ERR_PROCESS_EXITED',
    'monitor: ERR_PROCESS_EXITED',
    'trapExit: ERR_PROCESS_EXITED',
    'call: ERR_PROCESS_EXITED',
    'stop: ERR_PROCESS_EXITED',
    'start: ERR_PROCESS_EXITED',
    `me: ${String(victim)}`,
  ]);
  t.deepEqual(sink.messages, [], 'no cast, send, timer or exit signal from the dead process arrived');
  t.true(isAlive(sink.pid));
  t.is(rt.processCount, 1, 'no process was started by the dead one');
});

test('self(), link and monitor work after an await in a live process', async (t) => {
  const { rt } = virtualRuntime();
  const other = await startRecorder(rt);
  const seen: unknown[] = [];
  const pid = await rt.start<null, { call: 'go'; reply: boolean }, void>({
    async handleCall(_request, _from, state) {
      await Promise.resolve();
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(self());
      trapExit(true);
      link(other.pid);
      monitor(other.pid);
      return Result.reply(true, state);
    },
    handleInfo(message, state) {
      seen.push(message instanceof ExitSignal ? `EXIT ${String(message.reason)}` : 'DOWN');
      return Result.noreply(state);
    },
  });
  t.true(await call(pid, 'go'));
  t.is(seen[0], pid);
  exit(other.pid, 'boom');
  await rt.whenIdle();
  t.deepEqual(seen.slice(1).sort(), ['DOWN', 'EXIT boom']);
});

test('a process killed in its async terminate: the rest of terminate delivers nothing', async (t) => {
  const { rt } = virtualRuntime();
  const sink = await startRecorder(rt);
  const wait = gate();
  const pid = await rt.start<null, { cast: 'quit' }, void>({
    handleCast: (_message, state) => Result.stop('normal', state),
    async terminate() {
      send(sink.pid, 'terminate began');
      await wait.promise;
      send(sink.pid, 'terminate went on');
    },
  });
  cast(pid, 'quit');
  await rt.whenIdle();
  const reason = exited(pid);
  exit(pid, 'kill');
  t.is(await reason, 'killed');
  wait.open();
  await rt.whenIdle();
  t.deepEqual(sink.messages, ['terminate began']);
});

test('a start timeout kills an async init: the rest of init delivers nothing and arms nothing', async (t) => {
  const { rt, clock } = virtualRuntime();
  const sink = await startRecorder(rt);
  const wait = gate();
  const starting = rt.start(
    {
      async init() {
        await wait.promise;
        send(sink.pid, 'init went on');
        sendAfter(sink.pid, 'timer from init', 5);
        return Result.ok(null);
      },
    },
    undefined,
    { timeout: 100 },
  );
  const failed = starting.then(
    () => 'started',
    (error: Error) => error.name,
  );
  await clock.advance(100);
  t.is(await failed, 'StartTimeoutError');
  wait.open();
  await rt.whenIdle();
  await clock.advance(10);
  t.deepEqual(sink.messages, []);
});

test('a child linked to a crashing parent dies with it: its pending continuation is inert', async (t) => {
  const { rt } = virtualRuntime();
  const sink = await startRecorder(rt);
  const wait = gate();
  let child: Pid<{ cast: 'work' }> | undefined;
  const parent = await rt.start<null, { cast: 'spawn' | 'crash' }, void>({
    async handleCast(message, state) {
      if (message === 'crash') throw new Error('parent crashed');
      child = await rt.start<null, { cast: 'work' }, void>(
        {
          async handleCast(_work, childState) {
            await wait.promise;
            cast(sink.pid as Pid<AnyProtocol>, 'child went on');
            return Result.noreply(childState);
          },
        },
        undefined,
        { link: true },
      );
      return Result.noreply(state);
    },
  });
  cast(parent, 'spawn');
  await rt.whenIdle();
  cast(child!, 'work');
  await rt.whenIdle();
  cast(parent, 'crash');
  await rt.whenIdle();
  t.false(isAlive(child!));
  wait.open();
  await rt.whenIdle();
  t.deepEqual(sink.messages, []);
});

test('abortSignal(pid) of a process that has exited is already aborted; outside a process it needs a pid', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start({});
  await stop(pid);
  const signal = abortSignal(pid);
  t.true(signal.aborted);
  t.true(signal.reason instanceof ProcessExitedError);
  t.throws(() => abortSignal(), { code: 'ERR_NOT_IN_PROCESS' });
});

test('an abortSignal cancels what the process started when it is killed without terminate', async (t) => {
  const { rt } = virtualRuntime();
  let cancelled = 0;
  const behaviour: GenServer<null, { cast: never }, void> = {
    init() {
      abortSignal().addEventListener('abort', () => cancelled++);
      return Result.ok(null);
    },
  };
  const pid = await rt.start(behaviour);
  exit(pid, 'kill');
  await exited(pid);
  t.is(cancelled, 1);
});

test('a NoProcError from link in a callback crashes the caller through terminate', async (t) => {
  const { rt } = virtualRuntime();
  const gone = await rt.start({});
  await stop(gone);
  const log: string[] = [];
  const pid = await rt.start<null, { cast: 'link' }, void>({
    handleCast(_message, state) {
      link(gone);
      return Result.noreply(state);
    },
    terminate(reason) {
      log.push(`terminate ${(reason as { cause?: unknown }).cause instanceof NoProcError ? 'noproc' : String(reason)}`);
    },
  });
  cast(pid, 'link');
  await exited(pid);
  t.deepEqual(log, ['terminate noproc']);
});
