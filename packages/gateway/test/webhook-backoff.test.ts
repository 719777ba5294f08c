// The retry schedule: the exponential sequence without jitter, the bounds of equal and full
// jitter, the cap, a seeded source giving the same schedule twice, and bad inputs clamped.
import test from 'ava';
import { backoffDelay, seededRandom } from '../src/webhooks/backoff.js';

test('without jitter: 1 s doubling to the 10 minute cap', (t) => {
  const delays = Array.from({ length: 13 }, (_, i) => backoffDelay(i + 1, { jitter: 'none' }));
  t.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 600_000, 600_000, 600_000]);
  t.is(backoffDelay(10_000, { jitter: 'none' }), 600_000, 'a huge count stays at the cap');
  t.deepEqual(
    [1, 2, 3, 4].map((n) => backoffDelay(n, { jitter: 'none', initialDelay: 250, maxDelay: 1500 })),
    [250, 500, 1000, 1500],
  );
});

test('equal jitter stays within [half, whole] of the delay; full jitter within [0, whole]', (t) => {
  t.is(backoffDelay(3, { random: () => 0 }), 2000);
  t.is(backoffDelay(3, { random: () => 0.5 }), 3000);
  t.is(backoffDelay(3, { jitter: 'full', random: () => 0 }), 0);
  t.is(backoffDelay(3, { jitter: 'full', random: () => 0.25 }), 1000);
  const random = seededRandom(7);
  for (let n = 1; n <= 14; n++) {
    const base = Math.min(600_000, 1000 * 2 ** (n - 1));
    const equal = backoffDelay(n, { random });
    t.true(equal >= base / 2 && equal <= base, `equal ${n}: ${equal}`);
    const full = backoffDelay(n, { jitter: 'full', random });
    t.true(full >= 0 && full <= base, `full ${n}: ${full}`);
  }
});

test('a seeded source gives the same schedule twice, another seed another one', (t) => {
  const schedule = (seed: number): number[] => {
    const random = seededRandom(seed);
    return Array.from({ length: 8 }, (_, i) => backoffDelay(i + 1, { random }));
  };
  t.deepEqual(schedule(42), schedule(42));
  t.notDeepEqual(schedule(42), schedule(43));
  const random = seededRandom(1);
  for (let i = 0; i < 1000; i++) {
    const r = random();
    t.true(r >= 0 && r < 1);
  }
});

test('bad inputs are clamped, never a negative or oversized delay', (t) => {
  t.is(backoffDelay(0, { jitter: 'none' }), 1000, 'zero failures counts as one');
  t.is(backoffDelay(Number.NaN, { jitter: 'none' }), 1000);
  t.is(backoffDelay(2, { random: () => -5 }), 1000);
  t.is(backoffDelay(2, { random: () => 7 }), 2000);
  t.is(backoffDelay(2, { random: () => Number.NaN }), 1000);
  t.is(backoffDelay(1, { jitter: 'none', initialDelay: 5000, maxDelay: 10 }), 5000, 'a cap below the first delay is raised to it');
});
