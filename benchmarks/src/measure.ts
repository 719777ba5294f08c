// Small measuring tools shared by the suites: best-of-N rate, heap per object, event-loop stalls.
import { performance } from 'node:perf_hooks';

/** Runs `fn` (which does `ops` operations) `runs` times after a warm-up; returns the best ops/s. */
export async function bestRate(ops: number, fn: () => Promise<void> | void, runs = 5): Promise<number> {
  await fn();
  let best = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, ops / seconds);
  }
  return best;
}

export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with node --expose-gc (pnpm bench does)');
  collect();
  collect();
}

/** Heap bytes per object kept alive by `create(count)`, measured after full GCs. */
export async function bytesPerObject<T>(count: number, create: (count: number) => Promise<T> | T, release: (held: T) => Promise<void> | void): Promise<number> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const held = await create(count);
  gc();
  const after = process.memoryUsage().heapUsed;
  await release(held);
  return (after - before) / count;
}

export interface Stall {
  /** Longest gap between two event-loop turns, ms (includes GC pauses). */
  readonly longest: number;
  /** Median of those gaps, ms: the typical time the event loop waits for its next turn. */
  readonly median: number;
}

/**
 * Gaps between event-loop turns while `work` runs: a setImmediate probe re-arms itself and
 * records the time between its runs (and to the end of the work).
 */
export async function eventLoopGaps(work: () => Promise<void>): Promise<Stall> {
  const gaps: number[] = [];
  let last = performance.now();
  let running = true;
  const probe = (): void => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  await work();
  running = false;
  gaps.push(performance.now() - last);
  gaps.sort((a, b) => a - b);
  return { longest: gaps[gaps.length - 1]!, median: gaps[Math.floor(gaps.length / 2)]! };
}
