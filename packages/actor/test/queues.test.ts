import test from 'ava';
import { Mailbox, CALL, CAST, EMPTY, INFO, STOP, SYSTEM } from '../src/mailbox.js';
import { RingQueue } from '@switchboard/actor';

// Internal modules are imported directly here: these are unit tests of data structures that the
// public API does not expose.

test('RingQueue is FIFO across growth and wrap-around', (t) => {
  const q = new RingQueue<number>(2);
  let next = 0;
  let expected = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < round % 7 + 1; i++) q.push(next++);
    for (let i = 0; i < round % 5; i++) {
      const v = q.shift();
      if (v === undefined) break;
      t.is(v, expected++);
    }
  }
  while (q.length > 0) t.is(q.shift(), expected++);
  t.is(expected, next);
  t.is(q.shift(), undefined);
});

test('RingQueue iterates oldest first without taking, and gives back the slots of a burst once emptied', (t) => {
  const q = new RingQueue<number>();
  for (let i = 0; i < 5000; i++) q.push(i);
  for (let i = 0; i < 4990; i++) q.shift();
  t.deepEqual([...q], [4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999]);
  t.is(q.length, 10);
  const slots = (queue: RingQueue<number>): number => (queue as unknown as { slots: unknown[] }).slots.length;
  t.true(slots(q) >= 8192);
  while (q.length > 0) q.shift();
  t.is(slots(q), 0, 'released once empty');
  q.push(7);
  t.is(slots(q), 16, 'the default ring again at the next push');
  t.is(q.peek(), 7);
  q.clear();
  t.is(q.shift(), undefined);
});

test('RingQueue allocates its ring at the first push, of the asked capacity rounded up', (t) => {
  const slots = (queue: RingQueue<string>): number => (queue as unknown as { slots: unknown[] }).slots.length;
  const unused = new RingQueue<string>(4);
  t.is(slots(unused), 0);
  t.is(unused.length, 0);
  t.is(unused.shift(), undefined);
  t.is(unused.peek(), undefined);
  t.deepEqual([...unused], []);
  unused.clear();
  t.is(slots(unused), 0, 'clear on an unused queue allocates nothing');
  const q = new RingQueue<string>(3);
  q.push('a');
  t.is(slots(q), 4);
  for (const v of ['b', 'c', 'd', 'e']) q.push(v);
  t.is(slots(q), 8);
  t.deepEqual([...q], ['a', 'b', 'c', 'd', 'e']);
  const one = new RingQueue<string>(0);
  one.push('x');
  one.push('y');
  t.deepEqual([one.shift(), one.shift(), one.shift()], ['x', 'y', undefined]);
});

test('Mailbox keeps (tag, message) pairs in order and reports EMPTY when drained', (t) => {
  const mb = new Mailbox();
  const kinds = [CAST, CALL, INFO, STOP, SYSTEM];
  // 100 entries: tags of every kind land in every position of a group of eight
  for (let i = 0; i < 100; i++) mb.push(kinds[i % kinds.length]!, i);
  t.is(mb.length, 100);
  for (let i = 0; i < 60; i++) {
    t.is(mb.shift(), kinds[i % kinds.length]!);
    t.is(mb.message, i);
  }
  for (let i = 100; i < 130; i++) mb.push(INFO, i);
  for (let i = 60; i < 130; i++) {
    t.is(mb.shift(), i < 100 ? kinds[i % kinds.length]! : INFO);
    t.is(mb.message, i);
  }
  t.is(mb.shift(), EMPTY);
  t.is(mb.length, 0);
});

test('Mailbox.drain visits and drops every entry', (t) => {
  const mb = new Mailbox();
  mb.push(CAST, 1);
  mb.push(INFO, 2);
  const seen: unknown[] = [];
  mb.drain((tag, message) => seen.push([tag, message]));
  t.deepEqual(seen, [[CAST, 1], [INFO, 2]]);
  t.is(mb.length, 0);
});

test('Mailbox gives back the memory of a large backlog once it is emptied', (t) => {
  const mb = new Mailbox();
  for (let i = 0; i < 40_000; i++) mb.push(CAST, i);
  t.true(mb.allocated >= 40_000);
  for (let i = 0; i < 40_000; i++) {
    mb.shift();
    t.is(mb.message, i);
  }
  t.is(mb.allocated, 0, 'the 16384-entry chunks are released once drained');
  mb.push(CAST, 'after');
  t.is(mb.shift(), CAST);
  t.is(mb.message, 'after');
});

test('An empty Mailbox holds no chunk: its first chunk serves the next mailbox that gets a message', (t) => {
  const a = new Mailbox();
  t.is(a.allocated, 0, 'a new mailbox allocates nothing');
  t.is(a.shift(), EMPTY);
  a.push(CAST, 'one');
  t.is(a.allocated, 8);
  t.is(a.shift(), CAST);
  t.is(a.message, 'one');
  t.is(a.allocated, 0, 'emptied: the chunk went back');
  const b = new Mailbox();
  const c = new Mailbox();
  b.push(INFO, 'b');
  c.push(CALL, 'c');
  c.push(STOP, 'c2');
  t.deepEqual([b.shift(), b.message, c.shift(), c.message, c.shift(), c.message], [INFO, 'b', CALL, 'c', STOP, 'c2']);
  t.is(b.shift(), EMPTY);
  // a burst past the first chunk: the larger chunk (up to 64 entries) stays with its mailbox
  for (let i = 0; i < 20; i++) b.push(i % 2 === 0 ? CAST : INFO, i);
  for (let i = 0; i < 20; i++) {
    t.is(b.shift(), i % 2 === 0 ? CAST : INFO);
    t.is(b.message, i);
  }
  t.is(b.allocated, 16);
  b.push(CAST, 'again');
  t.is(b.shift(), CAST);
  t.is(b.message, 'again');
});

test('Mailbox backlogs reuse the full-size chunks that earlier backlogs drained, emptied of their messages', (t) => {
  type Inside = { head: { slots: unknown[]; next: unknown } };
  const chunksOf = (mb: Mailbox): unknown[][] => {
    const chunks: unknown[][] = [];
    for (let c = (mb as unknown as Inside).head as Inside['head'] | null; c !== null; c = c.next as Inside['head'] | null) chunks.push(c.slots);
    return chunks;
  };
  const first = new Mailbox();
  for (let i = 0; i < 60_000; i++) first.push(CAST, { i });
  const full = chunksOf(first).filter((slots) => slots.length > 10_000);
  t.true(full.length >= 2);
  first.drain();
  const second = new Mailbox();
  for (let i = 0; i < 60_000; i++) second.push(INFO, i);
  const reused = chunksOf(second).filter((slots) => full.includes(slots));
  t.true(reused.length >= 2, 'full-size chunks come from the pool');
  for (let i = 0; i < 60_000; i++) {
    t.is(second.shift(), INFO);
    if (second.message !== i) return t.fail(`got ${String(second.message)} for ${i}`);
  }
  t.true(
    full.every((slots) => slots.every((slot) => typeof slot !== 'object')),
    'a pooled chunk keeps no message alive',
  );
});

test('Mailbox matches a reference FIFO under random interleavings of push and shift', (t) => {
  const mb = new Mailbox();
  // the reference FIFO: an array read from a moving head (Array#shift on a long array is O(n))
  const reference: [number, number][] = [];
  let head = 0;
  const kinds = [CALL, CAST, INFO, STOP, SYSTEM];
  let seed = 42;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let next = 0;
  for (let step = 0; step < 20_000; step++) {
    // bursts of pushes of varying size, so chunks of every size fill, chain and drain
    const pushes = random() < 0.3 ? Math.floor(random() * 30_000) : Math.floor(random() * 5);
    for (let i = 0; i < pushes; i++) {
      const tag = kinds[Math.floor(random() * kinds.length)]!;
      mb.push(tag, next);
      reference.push([tag, next++]);
    }
    const shifts = Math.floor(random() * (reference.length - head + 3));
    for (let i = 0; i < shifts; i++) {
      const expected = head < reference.length ? reference[head++] : undefined;
      const tag = mb.shift();
      if (expected === undefined) {
        t.is(tag, EMPTY);
        break;
      }
      if (tag !== expected[0] || mb.message !== expected[1]) {
        t.fail(`at ${step}: got ${tag} ${String(mb.message)}, expected ${expected[0]} ${expected[1]}`);
        return;
      }
    }
    t.is(mb.length, reference.length - head);
    if (head > 65_536) {
      reference.splice(0, head);
      head = 0;
    }
    if (next > 2_000_000) break;
  }
  t.pass();
});
