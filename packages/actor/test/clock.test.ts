import test from 'ava';
import { VirtualClock } from '@switchboard/actor';
import { TimerEntry, TimerQueue } from '../src/timer-queue.js';

class Probe extends TimerEntry {
  constructor(
    readonly label: string,
    readonly fired: string[],
  ) {
    super();
  }
  onTimeout(): void {
    this.fired.push(this.label);
  }
}

test('VirtualClock fires timers in due order, then creation order, only when advanced', async (t) => {
  const clock = new VirtualClock();
  const fired: string[] = [];
  clock.setTimeout(() => fired.push('b@20'), 20);
  clock.setTimeout(() => fired.push('a@10'), 10);
  clock.setTimeout(() => fired.push('c@20'), 20);
  const cancelled = clock.setTimeout(() => fired.push('never'), 15);
  clock.clearTimeout(cancelled);
  t.is(clock.pendingTimers, 3);
  await clock.advance(9);
  t.deepEqual(fired, []);
  await clock.advance(11);
  t.deepEqual(fired, ['a@10', 'b@20', 'c@20']);
  t.is(clock.now(), 20);
  t.is(clock.pendingTimers, 0);
});

test('VirtualClock fires a timer set by a timer within the same advance', async (t) => {
  const clock = new VirtualClock();
  const at: number[] = [];
  clock.setTimeout(() => {
    at.push(clock.now());
    clock.setTimeout(() => at.push(clock.now()), 5);
  }, 10);
  await clock.advance(100);
  t.deepEqual(at, [10, 15]);
  t.is(clock.now(), 100);
});

test('VirtualClock.runAll and next fire whatever is pending', async (t) => {
  const clock = new VirtualClock(1000);
  let n = 0;
  clock.setTimeout(() => n++, 50_000);
  t.true(await clock.next());
  t.is(clock.now(), 51_000);
  t.false(await clock.next());
  clock.setTimeout(() => n++, 1);
  clock.setTimeout(() => n++, 2);
  t.is(await clock.runAll(), 2);
  t.is(n, 3);
});

test('TimerQueue arms a single clock timer for many entries and fires each once, in order', async (t) => {
  const clock = new VirtualClock();
  const queue = new TimerQueue(clock);
  const fired: string[] = [];
  const entries = Array.from({ length: 1000 }, (_, i) => new Probe(`p${i}`, fired));
  for (const entry of entries) queue.add(entry, 5000);
  const short = new Probe('short', fired);
  queue.add(short, 100);
  t.is(clock.pendingTimers, 1);
  t.is(queue.durations, 2);
  await clock.advance(100);
  t.deepEqual(fired, ['short']);
  for (let i = 0; i < 1000; i += 2) queue.remove(entries[i]!);
  t.is(queue.remaining(entries[1]!), 4900);
  t.is(queue.remaining(entries[0]!), undefined);
  await clock.advance(4899);
  t.is(fired.length, 1);
  await clock.advance(1);
  t.is(fired.length, 501);
  t.deepEqual(fired.slice(1, 4), ['p1', 'p3', 'p5']);
  t.is(clock.pendingTimers, 0);
  t.is(queue.durations, 0);
});

test('TimerQueue rounds fractional delays up to whole milliseconds: never early, and one list per whole duration', async (t) => {
  const clock = new VirtualClock();
  const queue = new TimerQueue(clock);
  const fired: string[] = [];
  for (let i = 0; i < 100; i++) queue.add(new Probe(`f${i}`, fired), 999.01 + i / 200);
  t.is(queue.durations, 1, 'every delay in (999, 1000] is a 1000 ms timer');
  await clock.advance(999.5);
  t.is(fired.length, 0, 'none fires before its delay');
  await clock.advance(0.5);
  t.is(fired.length, 100);
});

test('TimerQueue re-arms earlier when a shorter timer is added, and clamps delays to 1 ms', async (t) => {
  const clock = new VirtualClock();
  const queue = new TimerQueue(clock);
  const fired: string[] = [];
  queue.add(new Probe('long', fired), 1000);
  queue.add(new Probe('zero', fired), 0);
  await clock.advance(0);
  t.deepEqual(fired, []);
  await clock.advance(1);
  t.deepEqual(fired, ['zero']);
  const moved = new Probe('moved', fired);
  queue.add(moved, 10);
  queue.add(moved, 500); // re-adding re-arms
  await clock.advance(999);
  t.deepEqual(fired, ['zero', 'moved', 'long']);
});

test('TimerQueue leaves no clock timer armed once every entry is cancelled (nothing keeps Node alive), and re-arms on the next add', async (t) => {
  const clock = new VirtualClock();
  const queue = new TimerQueue(clock);
  const fired: string[] = [];
  const a = new Probe('a', fired);
  const b = new Probe('b', fired);
  queue.add(a, 30_000);
  queue.add(b, 60_000);
  t.is(clock.pendingTimers, 1);
  queue.remove(a);
  t.is(clock.pendingTimers, 1, 'b is still armed');
  queue.remove(b);
  t.is(clock.pendingTimers, 0);
  const c = new Probe('c', fired);
  queue.add(c, 10);
  t.is(clock.pendingTimers, 1);
  await clock.advance(30_000);
  t.deepEqual(fired, ['c']);
  t.is(clock.pendingTimers, 0);
});
