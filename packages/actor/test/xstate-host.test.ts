import test from 'ava';
import { assign, createMachine, emit, setup } from 'xstate';
import {
  ExitError,
  Runtime,
  VirtualClock,
  call,
  cast,
  exited,
  getSnapshot,
  isAlive,
  machineServer,
  stop,
  type Pid,
} from '@switchboard/actor';
import { startRecorder } from './support/recorder.js';

// A traffic light: green --after 30 s--> yellow --after 5 s--> red --after 20 s--> green.
// POWER_OFF goes to a final state; EMERGENCY emits an effect; BROKEN runs an action that throws.
const trafficLight = setup({
  types: {
    events: {} as { type: 'POWER_OFF' } | { type: 'EMERGENCY' } | { type: 'BROKEN' } | { type: 'COUNT' },
    emitted: {} as { type: 'alert'; at: string },
    context: {} as { cycles: number; counted: number },
  },
  actions: {
    explode: () => {
      throw new Error('bulb exploded');
    },
  },
}).createMachine({
  id: 'light',
  initial: 'green',
  context: { cycles: 0, counted: 0 },
  on: {
    POWER_OFF: '.off',
    EMERGENCY: { actions: emit({ type: 'alert', at: 'light' }) },
    BROKEN: { actions: 'explode' },
    COUNT: { actions: assign({ counted: ({ context }) => context.counted + 1 }) },
  },
  states: {
    green: { after: { 30_000: 'yellow' } },
    yellow: { after: { 5_000: 'red' } },
    red: { after: { 20_000: { target: 'green', actions: assign({ cycles: ({ context }) => context.cycles + 1 }) } } },
    off: { type: 'final' },
  },
});

type LightPid = Pid<import('@switchboard/actor').MachineProtocol<typeof trafficLight>>;

async function startLight(options: Parameters<typeof machineServer<typeof trafficLight>>[1] = {}): Promise<{ rt: Runtime; clock: VirtualClock; light: LightPid }> {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const light = await rt.start(machineServer(trafficLight, options));
  return { rt, clock, light };
}

test('after transitions run on the runtime clock: virtual time drives the machine', async (t) => {
  const { clock, light } = await startLight();
  t.is((await call(light, getSnapshot)).value, 'green');
  await clock.advance(29_999);
  t.is((await call(light, getSnapshot)).value, 'green');
  await clock.advance(1);
  t.is((await call(light, getSnapshot)).value, 'yellow');
  await clock.advance(5_000 + 20_000);
  const snapshot = await call(light, getSnapshot);
  t.is(snapshot.value, 'green');
  t.is(snapshot.context.cycles, 1);
});

test('events go in by cast and call; a call resolves with the snapshot after the event', async (t) => {
  const { rt, light } = await startLight();
  cast(light, { type: 'COUNT' });
  cast(light, { type: 'COUNT' });
  await rt.whenIdle();
  t.is((await call(light, { type: 'COUNT' })).context.counted, 3);
});

test('a final state ends the process normally; the caller still gets the final snapshot', async (t) => {
  const { light } = await startLight();
  const reason = exited(light);
  const snapshot = await call(light, { type: 'POWER_OFF' });
  t.is(snapshot.status, 'done');
  t.is(await reason, 'normal');
});

test('a machine error becomes the process exit reason', async (t) => {
  const { rt, light } = await startLight();
  const observer = await startRecorder(rt, { trap: true });
  const reason = exited(light);
  cast(light, { type: 'BROKEN' });
  const why = await reason;
  t.true(why instanceof Error);
  t.is((why as Error).message, 'bulb exploded');
  t.false(isAlive(light));
  t.is(observer.messages.length, 0, 'nothing linked, nothing signalled');
  await t.throwsAsync(call(light, getSnapshot));
});

test('a machine error during a call rejects the call with the exit reason', async (t) => {
  const { light } = await startLight();
  const error = await t.throwsAsync(call(light, { type: 'BROKEN' }), { instanceOf: ExitError });
  t.is((error?.reason as Error).message, 'bulb exploded');
});

test('emitted events reach onEmit from the hosting process', async (t) => {
  const seen: unknown[] = [];
  const { rt, light } = await startLight({ onEmit: (event, from) => seen.push([event, from]) });
  cast(light, { type: 'EMERGENCY' });
  await rt.whenIdle();
  t.deepEqual(seen, [[{ type: 'alert', at: 'light' }, light]]);
});

test('stopping the process stops the machine and its pending delayed events', async (t) => {
  const { clock, light } = await startLight();
  t.true(clock.pendingTimers > 0);
  await stop(light);
  await clock.advance(100_000);
  t.is(clock.pendingTimers, 0);
});

test('a plain createMachine works too, with input', async (t) => {
  const counter = createMachine({
    types: {} as { context: { n: number }; input: { start: number }; events: { type: 'INC' } },
    context: ({ input }) => ({ n: input.start }),
    on: { INC: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
  });
  const rt = new Runtime({ clock: new VirtualClock() });
  const pid = await rt.start(machineServer(counter, { input: { start: 41 } }));
  t.is((await call(pid, { type: 'INC' })).context.n, 42);
});
