import test from 'ava';
import { Result, cancelTimer, readTimer, self, sendAfter, stop, type GenServer } from '@switchboard/actor';
import { virtualRuntime } from './support/runtime.js';
import { startRecorder } from './support/recorder.js';


test('sendAfter delivers to handleInfo when the clock reaches the delay', async (t) => {
  const { rt, clock } = virtualRuntime();
  const recorder = await startRecorder(rt);
  sendAfter(recorder.pid, 'later', 1000);
  sendAfter(recorder.pid, 'sooner', 10);
  await clock.advance(999);
  t.deepEqual(recorder.messages, ['sooner']);
  await clock.advance(1);
  t.deepEqual(recorder.messages, ['sooner', 'later']);
});

test('cancelTimer returns the time left and stops delivery; readTimer reads it', async (t) => {
  const { rt, clock } = virtualRuntime();
  const recorder = await startRecorder(rt);
  const ref = sendAfter(recorder.pid, 'never', 1000);
  await clock.advance(400);
  t.is(readTimer(ref), 600);
  t.is(cancelTimer(ref), 600);
  t.false(cancelTimer(ref));
  t.false(readTimer(ref));
  await clock.advance(1000);
  t.deepEqual(recorder.messages, []);
});

test('timers aimed at a process are cancelled when it exits', async (t) => {
  const { rt, clock } = virtualRuntime();
  const recorder = await startRecorder(rt);
  const ref = sendAfter(recorder.pid, 'x', 1000);
  t.is(clock.pendingTimers, 1);
  await stop(recorder.pid);
  t.false(readTimer(ref));
  await clock.advance(1000);
  t.is(clock.pendingTimers, 0);
});

test('sendAfter to a dead pid returns an inert ref', async (t) => {
  const { rt, clock } = virtualRuntime();
  const recorder = await startRecorder(rt);
  await stop(recorder.pid);
  const ref = sendAfter(recorder.pid, 'x', 10);
  t.false(cancelTimer(ref));
  t.is(clock.pendingTimers, 0);
});

test('a periodic timer re-armed from handleInfo ticks on virtual time', async (t) => {
  const { rt, clock } = virtualRuntime();
  const ticks: number[] = [];
  const Ticker: GenServer<null, { info: 'tick' }> = {
    init() {
      sendAfter(self<{ info: 'tick' }>(), 'tick', 250);
      return Result.ok(null);
    },
    handleInfo(_message, s) {
      ticks.push(clock.now());
      sendAfter(self<{ info: 'tick' }>(), 'tick', 250);
      return Result.noreply(s);
    },
  };
  await rt.start(Ticker);
  await clock.advance(1000);
  t.deepEqual(ticks, [250, 500, 750, 1000]);
});

test('on a clock between milliseconds a timer fires at the first whole millisecond past its delay, never before', async (t) => {
  const { rt, clock } = virtualRuntime();
  const recorder = await startRecorder(rt);
  await clock.advance(0.25);
  const ref = sendAfter(recorder.pid, 'at 11', 10);
  t.is(readTimer(ref), 10.75);
  await clock.advanceTo(10.25);
  t.deepEqual(recorder.messages, [], 'not at 10.25, its delay exactly');
  await clock.advanceTo(10.99);
  t.deepEqual(recorder.messages, []);
  await clock.advanceTo(11);
  t.deepEqual(recorder.messages, ['at 11']);
});
