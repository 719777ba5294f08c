import test from 'ava';
import {
  CallbackError,
  Down,
  ExitSignal,
  Result,
  Runtime,
  VirtualClock,
  call,
  cast,
  demonitor,
  exit,
  isAlive,
  link,
  monitor,
  stop,
  trapExit,
  unlink,
  type GenServer,
  type Pid,
} from '@switchboard/actor';
import { startRecorder } from './support/recorder.js';

type WorkerProto = { call: 'ping'; reply: 'pong'; cast: 'crash' | 'quit' | { exitWith: unknown } };

function worker(terminated: unknown[] = [], options: { trap?: boolean; linkTo?: Pid } = {}): GenServer<null, WorkerProto> {
  return {
    init() {
      if (options.trap) trapExit(true);
      if (options.linkTo) link(options.linkTo);
      return Result.ok(null);
    },
    handleCall: (_r, _f, s) => Result.reply('pong', s),
    handleCast(message, s) {
      if (message === 'crash') throw new Error('worker crashed');
      if (message === 'quit') return Result.stop('normal', s);
      return Result.stop(message.exitWith as string, s);
    },
    terminate(reason) {
      terminated.push(reason);
    },
  };
}

function runtime(): Runtime {
  return new Runtime({ clock: new VirtualClock() });
}

test('a crash reaches a trapping linked process as an ExitSignal with the crash reason', async (t) => {
  const rt = runtime();
  const watcher = await startRecorder(rt, { trap: true });
  const pid = await rt.start(worker([], { linkTo: watcher.pid }));
  cast(pid, 'crash');
  await rt.whenIdle();
  t.false(isAlive(pid));
  t.is(watcher.messages.length, 1);
  const signal = watcher.messages[0] as ExitSignal;
  t.true(signal instanceof ExitSignal);
  t.is(signal.from, pid);
  t.true(signal.reason instanceof CallbackError);
  t.is(((signal.reason as CallbackError).cause as Error).message, 'worker crashed');
});

test('a crash kills a linked process that does not trap exits, without its terminate', async (t) => {
  const rt = runtime();
  const bystanderTerminated: unknown[] = [];
  const bystander = await rt.start(worker(bystanderTerminated));
  const crasher = await rt.start(worker([], { linkTo: bystander }));
  const observer = await startRecorder(rt);
  const ref = monitor(bystander, observer.pid);
  cast(crasher, 'crash');
  await rt.whenIdle();
  t.false(isAlive(bystander));
  t.deepEqual(bystanderTerminated, [], 'terminate does not run when an exit signal kills');
  const down = observer.messages[0] as Down;
  t.true(down instanceof Down);
  t.is(down.ref, ref);
  t.true(down.reason instanceof CallbackError, 'the linked process dies with the same reason');
});

test('a normal exit does not kill a linked process that does not trap exits', async (t) => {
  const rt = runtime();
  const bystander = await rt.start(worker());
  const quitter = await rt.start(worker([], { linkTo: bystander }));
  cast(quitter, 'quit');
  await rt.whenIdle();
  t.false(isAlive(quitter));
  t.true(isAlive(bystander));
  t.is(await call(bystander, 'ping'), 'pong');
});

test('shutdown and {shutdown: …} propagate to non-trapping linked processes', async (t) => {
  const rt = runtime();
  for (const reason of ['shutdown', { shutdown: 'maintenance' }]) {
    const bystander = await rt.start(worker());
    const observer = await startRecorder(rt);
    monitor(bystander, observer.pid);
    const quitter = await rt.start(worker([], { linkTo: bystander }));
    cast(quitter, { exitWith: reason });
    await rt.whenIdle();
    t.false(isAlive(bystander));
    t.deepEqual((observer.messages[0] as Down).reason, reason);
  }
});

test('a trapping linked process receives normal exits as messages too', async (t) => {
  const rt = runtime();
  const watcher = await startRecorder(rt, { trap: true });
  const pid = await rt.start(worker([], { linkTo: watcher.pid }));
  cast(pid, 'quit');
  await rt.whenIdle();
  t.deepEqual(
    watcher.messages.map((m) => (m as ExitSignal).reason),
    ['normal'],
  );
});

test("exit(pid, 'kill') cannot be trapped: the victim dies with 'killed', and links see 'killed'", async (t) => {
  const rt = runtime();
  const terminated: unknown[] = [];
  const victim = await rt.start(worker(terminated, { trap: true }));
  const watcher = await startRecorder(rt, { trap: true });
  link(victim, watcher.pid);
  exit(victim, 'kill');
  await rt.whenIdle();
  t.false(isAlive(victim));
  t.deepEqual(terminated, []);
  t.is((watcher.messages[0] as ExitSignal).reason, 'killed');
});

test('exit with another reason is delivered as a message to a trapping process, which lives on', async (t) => {
  const rt = runtime();
  const target = await startRecorder(rt, { trap: true });
  exit(target.pid, 'please');
  exit(target.pid, 'normal');
  await rt.whenIdle();
  t.deepEqual(
    target.messages.map((m) => [(m as ExitSignal).from, (m as ExitSignal).reason]),
    [
      [null, 'please'],
      [null, 'normal'],
    ],
  );
  t.true(isAlive(target.pid));
  const plain = await rt.start(worker());
  exit(plain, 'normal');
  await rt.whenIdle();
  t.true(isAlive(plain), "'normal' is ignored by a process that does not trap exits");
  exit(plain, 'other');
  await rt.whenIdle();
  t.false(isAlive(plain));
});

test('an EXIT from the parent makes a trapping child run terminate and exit with that reason', async (t) => {
  const rt = runtime();
  const terminated: unknown[] = [];
  type ParentProto = { call: 'spawn'; reply: Pid<WorkerProto> };
  const Parent: GenServer<null, ParentProto> = {
    async handleCall(_r, _f, s) {
      const child = await rt.start(worker(terminated, { trap: true }), undefined, { link: true });
      return Result.reply(child, s);
    },
  };
  const parent = await rt.start(Parent, null);
  const child = await call(parent, 'spawn');
  await stop(parent, 'shutdown');
  await rt.whenIdle();
  t.false(isAlive(child));
  t.deepEqual(terminated, ['shutdown']);
});

test('unlink removes the link in both directions', async (t) => {
  const rt = runtime();
  const a = await rt.start(worker());
  const b = await rt.start(worker([], { linkTo: a }));
  unlink(a, b);
  cast(b, 'crash');
  await rt.whenIdle();
  t.true(isAlive(a));
});

test('linking to a dead process sends the linker a noproc exit signal', async (t) => {
  const rt = runtime();
  const dead = await rt.start(worker());
  await stop(dead);
  const watcher = await startRecorder(rt, { trap: true });
  link(dead, watcher.pid);
  await rt.whenIdle();
  t.is((watcher.messages[0] as ExitSignal).reason, 'noproc');
});

test('monitors deliver Down with the reason; a dead target gives an immediate noproc Down', async (t) => {
  const rt = runtime();
  const observer = await startRecorder(rt);
  const target = await rt.start(worker());
  const ref = monitor(target, observer.pid);
  await stop(target, 'shutdown');
  await rt.whenIdle();
  const down = observer.messages[0] as Down;
  t.is(down.type, 'DOWN');
  t.is(down.ref, ref);
  t.is(down.pid, target);
  t.is(down.reason, 'shutdown');
  const late = monitor(target, observer.pid);
  await rt.whenIdle();
  t.is((observer.messages[1] as Down).ref, late);
  t.is((observer.messages[1] as Down).reason, 'noproc');
});

test('demonitor removes a monitor; several monitors fire independently', async (t) => {
  const rt = runtime();
  const observer = await startRecorder(rt);
  const target = await rt.start(worker());
  const removed = monitor(target, observer.pid);
  const kept = monitor(target, observer.pid);
  t.true(demonitor(removed, observer.pid));
  t.false(demonitor(removed, observer.pid));
  cast(target, 'crash');
  await rt.whenIdle();
  t.is(observer.messages.length, 1);
  t.is((observer.messages[0] as Down).ref, kept);
});

test('a chain of 20,000 linked processes dies without overflowing the stack', async (t) => {
  const rt = runtime();
  const quiet: GenServer<null> = {};
  const pids: Pid[] = [];
  for (let i = 0; i < 20_000; i++) {
    const pid = await rt.start(quiet, null);
    if (i > 0) link(pids[i - 1]!, pid);
    pids.push(pid);
  }
  const observer = await startRecorder(rt);
  monitor(pids[pids.length - 1]!, observer.pid);
  exit(pids[0]!, 'boom');
  await rt.whenIdle();
  t.is(rt.processCount, 1);
  t.is((observer.messages[0] as Down).reason, 'boom');
});
