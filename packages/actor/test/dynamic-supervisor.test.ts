import test from 'ava';
import {
  Result,
  SupervisorError,
  call,
  cast,
  countChildren,
  exited,
  isAlive,
  startChild,
  startDynamicSupervisor,
  stop,
  trapExit,
  terminateChild,
  whichChildren,
  worker,
  type ChildSpec,
  type GenServer,
  type Pid,
} from '@switchboard/actor';
import { virtualRuntime } from './support/runtime.js';
import { testWorker, type TestWorkerProto } from './support/workers.js';


test('children start on demand with extra arguments, restart one for one, and are stopped by pid', async (t) => {
  const { rt } = virtualRuntime();
  type ConnProto = { call: 'describe'; reply: string; cast: 'crash' };
  const Conn: GenServer<string, ConnProto, string> = {
    handleCall: (_r, _f, s) => Result.reply(s, s),
    handleCast() {
      throw new Error('connection dropped');
    },
  };
  const connection = (peer: string): ChildSpec => ({
    id: 'conn',
    start: ({ runtime: r, supervisor }, ...extra) => r.start(Conn, `${String(extra[0])}:${peer}`, { link: supervisor }),
  });
  const sup = await startDynamicSupervisor(rt, { extraArguments: ['listener-1'] });
  const a = (await startChild(sup, connection('10.0.0.1'))) as Pid<ConnProto>;
  const b = (await startChild(sup, connection('10.0.0.2'))) as Pid<ConnProto>;
  t.is(await call(a, 'describe'), 'listener-1:10.0.0.1');
  t.deepEqual(await countChildren(sup), { specs: 2, active: 2, workers: 2, supervisors: 0 });
  cast(a, 'crash');
  await rt.whenIdle();
  const children = await whichChildren(sup);
  t.is(children.length, 2);
  const replacement = children.find((c) => c.pid !== b)!.pid as Pid<ConnProto>;
  t.not(replacement, a);
  t.is(await call(replacement, 'describe'), 'listener-1:10.0.0.1', 'restarted with the same arguments');
  await terminateChild(sup, b);
  t.false(isAlive(b));
  t.is((await countChildren(sup)).active, 1);
  t.is((await t.throwsAsync(terminateChild(sup, b), { instanceOf: SupervisorError }))?.code, 'ERR_CHILD_NOT_FOUND');
});

test('maxChildren refuses one child too many', async (t) => {
  const { rt } = virtualRuntime();
  const log: string[] = [];
  const sup = await startDynamicSupervisor(rt, { maxChildren: 2 });
  const spec = worker('w', testWorker('w', log), undefined, { restart: 'temporary' });
  await startChild(sup, spec);
  const second = (await startChild(sup, spec)) as Pid<TestWorkerProto>;
  const error = await t.throwsAsync(startChild(sup, spec), { instanceOf: SupervisorError });
  t.is(error?.code, 'ERR_MAX_CHILDREN');
  cast(second, 'quit');
  await rt.whenIdle();
  t.truthy(await startChild(sup, spec), 'a slot freed by an exit can be used');
});

test('children are shut down concurrently: total time is the slowest, not the sum', async (t) => {
  const { rt, clock } = virtualRuntime();
  // traps exits, so the supervisor's shutdown runs terminate, which takes `ms` of virtual time
  const Slow: GenServer<number, { call: 'x'; reply: null }, number> = {
    init(ms) {
      trapExit(true);
      return Result.ok(ms);
    },
    terminate(_reason, ms) {
      return new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
    },
  };
  const slow = (ms: number): ChildSpec => ({
    id: 'slow',
    shutdown: 10_000,
    start: ({ runtime: r, supervisor }) => r.start(Slow, ms, { link: supervisor }),
  });
  const sup = await startDynamicSupervisor(rt);
  const pids = await Promise.all([startChild(sup, slow(1000)), startChild(sup, slow(600)), startChild(sup, slow(1000))]);
  const reasons = Promise.all(pids.map((pid) => exited(pid!)));
  const start = clock.now();
  const stopping = stop(sup);
  await clock.advance(1000);
  await stopping;
  t.is(clock.now() - start, 1000);
  t.deepEqual(await reasons, ['shutdown', 'shutdown', 'shutdown']);
});

test('a DynamicSupervisor holds 100,000 children and stops them all', async (t) => {
  const { rt } = virtualRuntime();
  const Idle: GenServer<null> = { init: () => Result.ok(null) };
  const spec: ChildSpec = { id: 'idle', restart: 'temporary', start: ({ runtime: r, supervisor }) => r.start(Idle, undefined, { link: supervisor }) };
  const sup = await startDynamicSupervisor(rt);
  const count = 100_000;
  await Promise.all(Array.from({ length: count }, () => startChild(sup, spec)));
  t.is((await countChildren(sup)).active, count);
  t.is(rt.processCount, count + 1);
  await stop(sup, 'shutdown');
  t.is(rt.processCount, 0);
});
