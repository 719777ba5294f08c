// The one source of time for a runtime. Its shape matches xstate v5's `clock` option, so the same
// object drives process timers and hosted machines; tests swap in a VirtualClock.
import { performance } from 'node:perf_hooks';

/** An opaque handle returned by {@link Clock.setTimeout}. */
export type ClockHandle = unknown;

/**
 * A source of time and one-shot timers. Everything time-based in Switchboard goes through it.
 * It is structurally compatible with xstate v5's `Clock`, so it can be passed to `createActor`.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences are meaningful). */
  now(): number;
  /** Calls `fn` once, after `delay` milliseconds. */
  setTimeout(fn: () => void, delay: number): ClockHandle;
  /** Cancels a timer created by `setTimeout`; cancelling a fired timer does nothing. */
  clearTimeout(handle: ClockHandle): void;
}

/** Real time: `performance.now()` and Node's timers. */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }

  setTimeout(fn: () => void, delay: number): ClockHandle {
    return setTimeout(fn, delay);
  }

  clearTimeout(handle: ClockHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

/** The shared real-time clock used when a runtime is created without one. */
export const systemClock: Clock = new SystemClock();
