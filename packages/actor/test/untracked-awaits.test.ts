// The runtime's supervisors do not need await continuations tracked (GenServer.tracksAwaits:
// false): a program whose own callbacks are synchronous never turns tracking on, and so never
// pays Node's hook on every promise. What tracking gave the supervisors, they do through runAs:
// a start function run after an await still runs as the supervisor, and a supervisor that has
// exited starts nothing more.
// Tracking, once on, stays on for the process: the tests run in order, the untracked ones first.
import test from 'ava';
import { Result, call, exit, runAs, self, startDynamicSupervisor, startChild, startSupervisor, worker, ProcessExitedError, type GenServer, type Pid } from '@switchboard/actor';
import { virtualRuntime } from './support/runtime.js';

/** Answers 'probe' with what `self()` says in a promise chain its synchronous callback started. */
const Probe: GenServer<null, { call: 'probe'; reply: string }> = {
  init: () => Result.ok(null),
  handleCall(_request, _from, state) {
    const later = Promise.resolve().then(() => {
      try {
        return String(self());
      } catch (error) {
        return (error as Error).name;
      }
    });
    return Result.reply(later as unknown as string, state);
  },
};

const Idle: GenServer<null> = { init: () => Result.ok(null) };

test.serial('supervisors and synchronous workers leave await continuations untracked', async (t) => {
  const { rt } = virtualRuntime();
  let probe: Pid | undefined;
  await startSupervisor(rt, {
    children: [
      worker('idle', Idle, undefined),
      { id: 'probe', start: async ({ runtime, supervisor }) => (probe = await runtime.start(Probe, undefined, { link: supervisor })) },
    ],
  });
  const dynamic = await startDynamicSupervisor(rt);
  await startChild(dynamic, worker('idle', Idle, undefined));
  // untracked: the continuation of a synchronous callback's promise is code of no process
  t.is(await call(probe as Pid<{ call: 'probe'; reply: string }>, 'probe'), 'NotInProcessError');
});

test.serial('a start function run after an await runs as its supervisor', async (t) => {
  const { rt } = virtualRuntime();
  const selves: string[] = [];
  const sup = await startSupervisor(rt, {
    children: [1, 2, 3].map((n) => ({
      id: `child${n}`,
      // the first runs in the supervisor's init; the next ones after it awaited the one before
      start: ({ runtime, supervisor }: { runtime: typeof rt; supervisor: Pid }) => {
        selves.push(String(self()));
        return runtime.start(Idle, undefined, { link: supervisor });
      },
    })),
  });
  t.deepEqual(selves, [String(sup), String(sup), String(sup)]);
});

test.serial('a supervisor that has exited while a child started runs no more start functions', async (t) => {
  const { rt } = virtualRuntime();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let supervisor!: Pid;
  let nextCalled = false;
  const started = startSupervisor(rt, {
    children: [
      {
        id: 'slow',
        start: async ({ runtime, supervisor: sup }) => {
          supervisor = sup;
          await held;
          return runtime.start(Idle, undefined);
        },
      },
      {
        id: 'next',
        start: ({ runtime, supervisor: sup }) => {
          nextCalled = true;
          return runtime.start(Idle, undefined, { link: sup });
        },
      },
    ],
  });
  started.catch(() => {});
  await Promise.resolve();
  exit(supervisor, 'kill');
  release();
  await t.throwsAsync(started);
  for (let i = 0; i < 10; i++) await Promise.resolve();
  t.false(nextCalled);
  t.throws(() => runAs(supervisor, () => 'acts'), { instanceOf: ProcessExitedError });
});

test.serial('runAs runs code as a live process', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(Idle, undefined);
  t.is(
    runAs(pid, () => String(self())),
    String(pid),
  );
});

test.serial('a behaviour with an async callback turns tracking on, for the supervisors too', async (t) => {
  const { rt } = virtualRuntime();
  const AsyncIdle: GenServer<null> = { init: async () => Result.ok(null) };
  await rt.start(AsyncIdle, undefined);
  const probe = await rt.start(Probe, undefined);
  t.is(await call(probe, 'probe'), String(probe));
});
