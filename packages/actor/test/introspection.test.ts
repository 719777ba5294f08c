import test from 'ava';
import {
  Result,
  Runtime,
  VirtualClock,
  call,
  cast,
  monitor,
  processInfo,
  self,
  startChild,
  startDynamicSupervisor,
  startSupervisor,
  whichChildren,
  stop,
  supervisionTree,
  supervisorChild,
  worker,
  type GenServer,
  type Pid,
  type RuntimeEvent,
} from '@switchboard/actor';
import { startRecorder } from './support/recorder.js';
import { testWorker, type TestWorkerProto } from './support/workers.js';

test('processInfo reports status, mailbox, links, monitors, name and behaviour', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const log: string[] = [];
  const sup = await startSupervisor(rt, { children: [worker('w', testWorker('w', log, { trap: true }), undefined, { name: 'the-worker' })] });
  const w = rt.whereis<TestWorkerProto>('the-worker')!;
  const watcher = await startRecorder(rt);
  monitor(w, watcher.pid);
  const info = processInfo(w)!;
  t.is(info.status, 'waiting');
  t.is(info.registeredName, 'the-worker');
  t.is(info.behaviour, 'gen_server');
  t.true(info.trapExit);
  t.is(info.parent, sup);
  t.deepEqual(info.links, [sup]);
  t.deepEqual(info.monitoredBy, [watcher.pid]);
  t.deepEqual(processInfo(watcher.pid)!.monitors, [w]);
  t.is(processInfo(sup)!.behaviour, 'supervisor');
  cast(w, 'quit');
  cast(w, 'quit');
  const queued = processInfo(w)!;
  t.is(queued.mailboxLength, 2);
  t.is(queued.status, 'runnable');
  await stop(sup);
  t.is(processInfo(w), undefined);
});

test('processInfo sees a process running its own callback, and a suspended one', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  let release!: () => void;
  const Probe: GenServer<null, { call: 'me'; reply: string; cast: 'wait' }> = {
    handleCall: (_r, _f, s) => Result.reply(processInfo(self())!.status, s),
    handleCast: async (_m, s) => {
      await new Promise<void>((resolve) => (release = resolve));
      return Result.noreply(s);
    },
  };
  const pid = await rt.start(Probe, null);
  t.is(await call(pid, 'me'), 'running');
  cast(pid, 'wait');
  await rt.whenIdle();
  t.is(processInfo(pid)!.status, 'suspended');
  release();
  await rt.whenIdle();
  t.is(processInfo(pid)!.status, 'waiting');
});

test('supervisionTree walks nested supervisors', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const log: string[] = [];
  const root = await startSupervisor(rt, {
    children: [worker('a', testWorker('a', log), undefined), supervisorChild('inner', { children: [worker('b', testWorker('b', log), undefined)] })],
  });
  const tree = await supervisionTree(root);
  const strip = (node: typeof tree): unknown => ({ id: node.id, type: node.type, running: node.pid !== null, ...(node.children ? { children: node.children.map(strip) } : {}) });
  t.deepEqual(strip(tree), {
    id: 'root',
    type: 'supervisor',
    running: true,
    // whichChildren's order, which is OTP's: the child started last comes first.
    children: [
      { id: 'inner', type: 'supervisor', running: true, children: [{ id: 'b', type: 'worker', running: true }] },
      { id: 'a', type: 'worker', running: true },
    ],
  });
});

test('supervisionTree with maxChildren lists the first children of each supervisor and counts the rest; whichChildren pages', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const log: string[] = [];
  const dynamic = await startDynamicSupervisor(rt, {});
  for (let i = 0; i < 25; i++) await startChild(dynamic, worker(`w${i}`, testWorker(`w${i}`, log), undefined));
  const tree = await supervisionTree(dynamic, 'dyn', { maxChildren: 10 });
  t.is(tree.children!.length, 10);
  t.is(tree.omitted, 15);
  t.deepEqual(tree.children!.map((c) => c.id), Array.from({ length: 10 }, (_, i) => `w${i}`));
  t.deepEqual((await whichChildren(dynamic, { offset: 20, limit: 10 })).map((c) => c.id), ['w20', 'w21', 'w22', 'w23', 'w24']);
  t.is((await supervisionTree(dynamic)).omitted, undefined, 'without a limit every child is listed');
  await stop(dynamic);
});

test('the event stream reports spawns, exits and restarts; unsubscribing stops it', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const events: string[] = [];
  const unsubscribe = rt.subscribe((e: RuntimeEvent) => {
    if (e.type === 'spawn') events.push(`spawn:${e.behaviour}`);
    else if (e.type === 'exit') events.push(`exit:${typeof e.reason === 'string' ? e.reason : 'crash'}`);
    else events.push(`restart:${e.childId}`);
  });
  const log: string[] = [];
  const sup = await startSupervisor(rt, { children: [worker('w', testWorker('w', log), undefined)] });
  const [w] = (await supervisionTree(sup)).children!;
  cast(w!.pid as Pid<TestWorkerProto>, 'crash');
  await rt.whenIdle();
  unsubscribe();
  await stop(sup);
  t.deepEqual(events, ['spawn:gen_server', 'spawn:supervisor', 'exit:crash', 'spawn:gen_server', 'restart:w']);
});
