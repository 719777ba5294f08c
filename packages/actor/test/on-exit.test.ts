// onExit: a synchronous callback as a process ends, the way a port closes with its owner. It must
// run for every way out (a normal stop, a crash, the kill signal), once, before anyone awaiting
// `exited` resumes, and a callback that throws must not break the exit of the process.
import test from 'ava';
import { Result, cast, exit, exited, onExit, stop, type GenServer } from '@switchboard/actor';
import { virtualRuntime } from './support/runtime.js';

const Idle: GenServer<null, { cast: 'crash' }> = {
  init: () => Result.ok(null),
  handleCast() {
    throw new Error('boom');
  },
};

test('the callback gets the reason of a normal stop, a crash and a kill, once each', async (t) => {
  const { rt } = virtualRuntime();
  const seen: unknown[] = [];
  const a = await rt.start(Idle);
  const b = await rt.start(Idle);
  const c = await rt.start(Idle);
  for (const pid of [a, b, c]) onExit(pid, (reason) => seen.push(reason));
  await stop(a);
  cast(b, 'crash');
  await exited(b);
  exit(c, 'kill');
  await exited(c);
  t.is(seen.length, 3);
  t.is(seen[0], 'normal');
  t.true(seen[1] instanceof Error && (seen[1] as Error).message.includes('boom'));
  t.is(seen[2], 'killed');
});

test('it runs before a waiter on exited resumes, and at once with noproc for a dead pid', async (t) => {
  const { rt } = virtualRuntime();
  const order: string[] = [];
  const pid = await rt.start(Idle);
  onExit(pid, () => order.push('onExit'));
  const done = exited(pid).then(() => order.push('exited'));
  exit(pid, 'kill');
  await done;
  t.deepEqual(order, ['onExit', 'exited']);
  let late: unknown;
  onExit(pid, (reason) => (late = reason));
  t.is(late, 'noproc');
});

test('a callback that throws does not stop the others or the exit', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(Idle);
  let second = false;
  onExit(pid, () => {
    throw new Error('cleanup failed');
  });
  onExit(pid, () => (second = true));
  const reason = exited(pid);
  await stop(pid);
  t.is(await reason, 'normal');
  t.true(second);
});

test('an ExitHandler object is told through its processExited method, as this, alone or among callbacks', async (t) => {
  const { rt } = virtualRuntime();
  class Owner {
    readonly reasons: unknown[] = [];
    processExited(reason: unknown): void {
      this.reasons.push(reason);
    }
  }
  const alone = new Owner();
  const among = new Owner();
  const a = await rt.start(Idle);
  const b = await rt.start(Idle);
  onExit(a, alone);
  const order: string[] = [];
  onExit(b, () => order.push('callback'));
  onExit(b, among);
  onExit(b, () => order.push('after'));
  exit(a, 'kill');
  await exited(a);
  await stop(b);
  t.deepEqual(alone.reasons, ['killed']);
  t.deepEqual(among.reasons, ['normal']);
  t.deepEqual(order, ['callback', 'after']);
  const late = new Owner();
  onExit(a, late);
  t.deepEqual(late.reasons, ['noproc']);
});
