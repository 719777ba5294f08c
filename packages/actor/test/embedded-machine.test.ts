import test from 'ava';
import { assign, emit, setup } from 'xstate';
import { EmbeddedMachine, MachineTimeout, Result, Runtime, VirtualClock, call, cast, type GenServer } from '../src/index.js';

// A door that closes itself 5 s after it opens, unless it is opened again; it emits 'closed'.
const door = setup({
  types: { events: {} as { type: 'open' } | { type: 'lock' }, context: {} as { opened: number }, emitted: {} as { type: 'closed' } },
  delays: { autoClose: 5000 },
}).createMachine({
  id: 'door',
  initial: 'closed',
  context: { opened: 0 },
  states: {
    closed: { on: { open: { target: 'open', actions: assign({ opened: ({ context }) => context.opened + 1 }) }, lock: 'locked' } },
    open: { after: { autoClose: { target: 'closed', actions: emit({ type: 'closed' }) } }, on: { open: { target: 'open', reenter: true } } },
    locked: { type: 'final' },
  },
});

interface DoorState {
  readonly machine: EmbeddedMachine<typeof door>;
  readonly emitted: string[];
}
type DoorProtocol = { cast: { type: 'open' } | { type: 'lock' }; call: 'read'; reply: { value: unknown; opened: number; emitted: string[]; timers: number } };

const DoorServer: GenServer<DoorState, DoorProtocol, null> = {
  init() {
    const emitted: string[] = [];
    return Result.ok({ machine: new EmbeddedMachine(door, { onAction: (action) => emitted.push(action.type) }), emitted });
  },
  handleCast(event, state) {
    state.machine.send(event);
    return Result.noreply(state);
  },
  handleCall(_request, _from, state) {
    const { machine } = state;
    return Result.reply({ value: machine.value, opened: machine.snapshot.context.opened, emitted: [...state.emitted], timers: machine.pendingTimers }, state);
  },
  handleInfo(message, state) {
    if (message instanceof MachineTimeout) state.machine.deliver(message);
    return Result.noreply(state);
  },
};

test('an embedded machine runs by pure transitions; its delays run on the runtime clock through the mailbox, re-entry re-arms them, and other actions reach onAction', async (t) => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const pid = await rt.start(DoorServer, null);
  cast(pid, { type: 'open' });
  t.like(await call(pid, 'read'), { value: 'open', opened: 1, timers: 1 });
  await clock.advance(4000);
  cast(pid, { type: 'open' }); // re-entering restarts the 5 s
  await clock.advance(4000);
  t.like(await call(pid, 'read'), { value: 'open', timers: 1 });
  await clock.advance(1000);
  const read = await call(pid, 'read');
  t.like(read, { value: 'closed', timers: 0 });
  t.true(read.emitted.includes('xstate.emit'), `emitted: ${read.emitted.join(', ')}`);
  cast(pid, { type: 'open' });
  cast(pid, { type: 'lock' }); // not handled in 'open': ignored
  t.like(await call(pid, 'read'), { value: 'open', timers: 1 });
  await clock.advance(5000);
  cast(pid, { type: 'lock' });
  t.like(await call(pid, 'read'), { value: 'locked', timers: 0 });
  cast(pid, { type: 'open' }); // a final machine takes no more events
  t.like(await call(pid, 'read'), { value: 'locked' });
  t.is(clock.pendingTimers, 0);
});

interface PairState {
  readonly a: EmbeddedMachine<typeof door>;
  readonly b: EmbeddedMachine<typeof door>;
}
type PairProtocol = { cast: { door: 'a' | 'b'; event: { type: 'open' } | { type: 'lock' } }; call: 'read'; reply: { a: unknown; b: unknown; values: [unknown, unknown] } };

const pairServer = (shareSnapshots: boolean): GenServer<PairState, PairProtocol, null> => ({
  init: () => Result.ok({ a: new EmbeddedMachine(door, { shareSnapshots }), b: new EmbeddedMachine(door, { shareSnapshots }) }),
  handleCast({ door: which, event }, state) {
    state[which].send(event);
    return Result.noreply(state);
  },
  handleCall: (_request, _from, state) => Result.reply({ a: state.a.snapshot, b: state.b.snapshot, values: [state.a.value, state.b.value] }, state),
  handleInfo(message, state) {
    if (message instanceof MachineTimeout) state.a.deliver(message) || state.b.deliver(message);
    return Result.noreply(state);
  },
});

test('shareSnapshots: instances in the same state with equal contexts hold one snapshot; each still moves and keeps its own delays', async (t) => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const pid = await rt.start(pairServer(true), null);
  let read = await call(pid, 'read');
  t.is(read.a, read.b, 'both closed, opened 0: one snapshot');
  const closedNever = read.a;
  cast(pid, { door: 'a', event: { type: 'open' } });
  read = await call(pid, 'read');
  t.deepEqual(read.values, ['open', 'closed']);
  t.not(read.a, read.b);
  t.is(read.b, closedNever, 'the other instance kept its snapshot');
  const openOnce = read.a;
  await clock.advance(5000); // a closes itself: closed, opened 1 (not the same context as b's)
  read = await call(pid, 'read');
  t.deepEqual(read.values, ['closed', 'closed']);
  t.not(read.a, read.b);
  cast(pid, { door: 'b', event: { type: 'open' } });
  read = await call(pid, 'read');
  t.is(read.b, openOnce, 'b open with opened 1 takes the snapshot a had in that state');
  await clock.advance(5000); // b's own delay, armed while its snapshot is shared
  read = await call(pid, 'read');
  t.deepEqual(read.values, ['closed', 'closed']);
  t.is(read.a, read.b, 'both closed, opened 1');
  t.is(clock.pendingTimers, 0);
});

test('without shareSnapshots every instance holds its own snapshot', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const pid = await rt.start(pairServer(false), null);
  const read = await call(pid, 'read');
  t.deepEqual(read.values, ['closed', 'closed']);
  t.not(read.a, read.b);
});
