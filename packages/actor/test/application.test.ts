import { EventEmitter } from 'node:events';
import test from 'ava';
import { ExitStatus, Runtime, VirtualClock, cast, isAlive, startApplication, whichChildren, worker, type Pid } from '@switchboard/actor';
import { testWorker, type TestWorkerProto } from './support/workers.js';

function setup(): { rt: Runtime; clock: VirtualClock; signals: EventEmitter; statuses: number[] } {
  const clock = new VirtualClock();
  return { rt: new Runtime({ clock }), clock, signals: new EventEmitter(), statuses: [] };
}

test('SIGTERM stops the tree in reverse order and exits 0', async (t) => {
  const { rt, signals, statuses } = setup();
  const log: string[] = [];
  const app = await startApplication(
    { children: ['db', 'api'].map((n) => worker(n, testWorker(n, log, { trap: true }), undefined)) },
    { runtime: rt, signalSource: signals, exit: (s) => statuses.push(s) },
  );
  t.deepEqual(log, ['start:db', 'start:api']);
  t.is(signals.listenerCount('SIGTERM'), 1);
  signals.emit('SIGTERM');
  t.is(await app.exitStatus, ExitStatus.OK);
  t.deepEqual(log.slice(2), ['terminate:api:shutdown', 'terminate:db:shutdown']);
  t.deepEqual(statuses, [0]);
  t.is(rt.processCount, 0);
  t.is(signals.listenerCount('SIGTERM'), 0, 'handlers are removed');
  t.is(signals.listenerCount('SIGINT'), 0);
});

test('a tree that does not stop within the budget is killed, and the status says so', async (t) => {
  const { rt, clock, signals, statuses } = setup();
  const log: string[] = [];
  const app = await startApplication(
    { children: [worker('stuck', testWorker('stuck', log, { trap: true, hang: true }), undefined, { shutdown: 'infinity' })] },
    { runtime: rt, signalSource: signals, exit: (s) => statuses.push(s), shutdownTimeout: 2000 },
  );
  signals.emit('SIGINT');
  await clock.advance(1999);
  t.deepEqual(statuses, []);
  await clock.advance(1);
  t.is(await app.exitStatus, ExitStatus.SHUTDOWN_TIMEOUT);
  t.deepEqual(statuses, [2]);
  t.false(isAlive(app.root));
});

test('a root supervisor that gives up ends the application with status 1', async (t) => {
  const { rt, signals, statuses } = setup();
  const log: string[] = [];
  const app = await startApplication(
    { intensity: 0, children: [worker('w', testWorker('w', log), undefined)] },
    { runtime: rt, signalSource: signals, exit: (s) => statuses.push(s) },
  );
  const [w] = await whichChildren(app.root);
  cast(w!.pid as Pid<TestWorkerProto>, 'crash');
  t.is(await app.exitStatus, ExitStatus.CRASHED);
  t.deepEqual(statuses, [1]);
});

test('shutdown() does what a signal does, once', async (t) => {
  const { rt, signals, statuses } = setup();
  const app = await startApplication({ children: [] }, { runtime: rt, signalSource: signals, exit: (s) => statuses.push(s) });
  const [a, b] = await Promise.all([app.shutdown(), app.shutdown()]);
  t.is(a, 0);
  t.is(b, 0);
  signals.emit('SIGTERM');
  t.deepEqual(statuses, [0]);
});

test('a real SIGTERM to a Node process running an application stops it in order with status 0', async (t) => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const fixture = fileURLToPath(new URL('./fixtures/signal-app.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import=tsx', '--conditions=@switchboard/source', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready\n')) resolve();
    }),
  );
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await ready;
  child.kill('SIGTERM');
  t.is(await exit, 0);
  t.is(output, 'start first\nstart second\nready\nterminate second shutdown\nterminate first shutdown\n');
});
