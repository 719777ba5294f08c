// Runs processes that have messages, in turns of a few messages each, and gives the event loop
// back after a time slice so sockets and timers are never starved (the BEAM's reductions).
import { performance } from 'node:perf_hooks';
import type { Proc } from './process.js';
import { runProcess } from './process-loop.js';
import { RingQueue } from './ring-queue.js';

/**
 * How much work the scheduler does before it lets others run: per process (`reductions`, as the
 * BEAM's) and per turn of the event loop (`sliceMs`), so sockets are never starved.
 */
export interface SchedulerOptions {
  /** Messages one process handles per turn before the next runnable process gets a go. Default 64. */
  readonly reductions?: number;
  /** Milliseconds of work after which the scheduler yields to the event loop. Default 0.5. */
  readonly sliceMs?: number;
}

/** How often (in handled messages) the scheduler looks at the time. */
const CHECK_EVERY = 32;

export class Scheduler {
  private readonly runQueue = new RingQueue<Proc>(64);
  private readonly reductions: number;
  private readonly sliceMs: number;
  /** A drain is scheduled (microtask or immediate). */
  private pending = false;
  private draining = false;
  private readonly drainNow = (): void => this.drain();
  /** Times the scheduler yielded to the event loop with work left. */
  yields = 0;

  constructor(options: SchedulerOptions = {}) {
    this.reductions = options.reductions ?? 64;
    this.sliceMs = options.sliceMs ?? 0.5;
  }

  /** Adds a runnable process; starts a drain on the microtask queue if none is under way. */
  schedule(proc: Proc): void {
    this.runQueue.push(proc);
    if (!this.pending && !this.draining) {
      this.pending = true;
      queueMicrotask(this.drainNow);
    }
  }

  /** True when no process is runnable and no drain is scheduled. */
  get idle(): boolean {
    return this.runQueue.length === 0 && !this.pending && !this.draining;
  }

  get runnable(): number {
    return this.runQueue.length;
  }

  private drain(): void {
    this.pending = false;
    this.draining = true;
    const queue = this.runQueue;
    const reductions = this.reductions;
    const start = performance.now();
    let handled = 0;
    let checkAt = CHECK_EVERY;
    try {
      while (queue.length > 0) {
        const proc = queue.shift()!;
        proc.queued = false;
        handled += runProcess(proc, reductions);
        if (proc.hasWork()) {
          proc.queued = true;
          queue.push(proc);
        }
        if (handled >= checkAt) {
          checkAt = handled + CHECK_EVERY;
          if (performance.now() - start >= this.sliceMs) break;
        }
      }
    } finally {
      this.draining = false;
      if (queue.length > 0) {
        // Work is left: continue after the event loop has had a turn (I/O, timers).
        this.yields++;
        this.pending = true;
        setImmediate(this.drainNow);
      }
    }
  }
}
