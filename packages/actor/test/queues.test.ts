import test from 'ava';
import { Mailbox, CALL, CAST, EMPTY, INFO } from '../src/mailbox.js';
import { RingQueue } from '../src/ring-queue.js';

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

test('Mailbox keeps (tag, a, b) triples in order and reports EMPTY when drained', (t) => {
  const mb = new Mailbox(1);
  for (let i = 0; i < 100; i++) mb.push(i % 2 === 0 ? CAST : CALL, i, `b${i}`);
  t.is(mb.length, 100);
  for (let i = 0; i < 60; i++) {
    t.is(mb.shift(), i % 2 === 0 ? CAST : CALL);
    t.is(mb.a, i);
    t.is(mb.b, `b${i}`);
  }
  for (let i = 100; i < 130; i++) mb.push(INFO, i, undefined);
  for (let i = 60; i < 130; i++) {
    mb.shift();
    t.is(mb.a, i);
  }
  t.is(mb.shift(), EMPTY);
  t.is(mb.length, 0);
});

test('Mailbox.drain visits and drops every entry', (t) => {
  const mb = new Mailbox();
  mb.push(CAST, 1, undefined);
  mb.push(INFO, 2, undefined);
  const seen: unknown[] = [];
  mb.drain((_tag, a) => seen.push(a));
  t.deepEqual(seen, [1, 2]);
  t.is(mb.length, 0);
});
