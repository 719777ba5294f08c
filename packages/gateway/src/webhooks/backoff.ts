// How long a webhook waits before its next attempt: exponential back-off with jitter, so that a
// receiver that was down is not hit by every queued webhook at the same instant when it returns.
// The random source is injectable, so tests see one exact schedule.

/**
 * How the delay is spread:
 * - `equal`: half the exponential delay, plus a random part of the other half (never less than half);
 * - `full`: a random part of the whole delay (spreads the most, may retry almost at once);
 * - `none`: exactly the exponential delay.
 */
export type Jitter = 'equal' | 'full' | 'none';

/** A source of numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** The delay after the first failure, before jitter (ms, default 1000). */
  readonly initialDelay?: number;
  /** The longest delay, before jitter (ms, default 600,000: 10 minutes). */
  readonly maxDelay?: number;
  /** How the delay is spread (default `equal`). */
  readonly jitter?: Jitter;
  /** Where the jitter's randomness comes from (default `Math.random`); see {@link seededRandom}. */
  readonly random?: RandomSource;
}

/** The default delay after the first failure (ms). */
export const DEFAULT_INITIAL_DELAY = 1000;
/** The default longest delay (ms): 10 minutes. */
export const DEFAULT_MAX_DELAY = 600_000;

/**
 * The delay (ms, a whole number) before the next attempt after `failures` failed attempts (1 or
 * more): `initialDelay × 2^(failures − 1)`, at most `maxDelay`, spread by the jitter. With the
 * defaults and no jitter: 1 s, 2 s, 4 s, 8 s, … 512 s, then 600 s each.
 *
 * A random source returning something outside [0, 1) is clamped into it, so a bad source cannot
 * make a negative or oversized delay.
 *
 * @example
 * backoffDelay(3, { jitter: 'none' }); // 4000
 * backoffDelay(3, { random: seededRandom(1) }); // between 2000 and 4000
 */
export function backoffDelay(failures: number, options: BackoffOptions = {}): number {
  const initial = Math.max(1, options.initialDelay ?? DEFAULT_INITIAL_DELAY);
  const max = Math.max(initial, options.maxDelay ?? DEFAULT_MAX_DELAY);
  const n = Math.max(1, Math.floor(Number.isFinite(failures) ? failures : 1));
  // 2^(n-1) overflows to Infinity for large n: min() then gives max, as it should
  const base = Math.min(max, initial * 2 ** (n - 1));
  const jitter = options.jitter ?? 'equal';
  if (jitter === 'none') return Math.round(base);
  const r = clampUnit((options.random ?? Math.random)());
  return Math.round(jitter === 'full' ? base * r : base / 2 + (base / 2) * r);
}

function clampUnit(r: number): number {
  if (!(r >= 0)) return 0;
  return r >= 1 ? 1 - Number.EPSILON : r;
}

/**
 * A deterministic random source (mulberry32) for tests and reproducible schedules: the same seed
 * gives the same numbers in [0, 1).
 *
 * @example
 * const random = seededRandom(42);
 * backoffDelay(1, { random }); // the same on every run
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
