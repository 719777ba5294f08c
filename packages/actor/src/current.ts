// Which process is running code right now. During the synchronous part of a callback a plain
// variable says it (no cost); once any process has an asynchronous callback, an AsyncLocalStorage
// also carries the process into the callback's `await` continuations, so `self()` works after an
// `await` and the runtime knows when the code still running belongs to a process that is dead.
//
// The AsyncLocalStorage is created on first need, not up front: while it exists Node runs a hook
// on every promise (measured on Node 20: an `await` costs about 2.5 times as much), and a program
// whose callbacks are all synchronous never pays that.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Proc } from './process.js';

let current: Proc | null = null;
let context: AsyncLocalStorage<Proc> | null = null;
/** The stores that `enterProc` replaced, restored by `leaveProc` (callbacks nest: init in a callback). */
const saved: unknown[] = [];

/** The process whose code is running: its synchronous callback, or an async continuation of one. */
export function currentProc(): Proc | null {
  if (current !== null) return current;
  if (context === null) return null;
  return context.getStore() ?? null;
}

/** The process whose synchronous callback is running, or null (an `await` continuation is not one). */
export function runningCallback(): Proc | null {
  return current;
}

/** True once async continuations are tracked (some process has an asynchronous callback). */
export function tracksAsync(): boolean {
  return context !== null;
}

/**
 * Starts tracking async continuations. Called when a process with an `async` callback starts, and
 * when a callback returns a promise (that first continuation is not tracked: it began before).
 */
export function trackAsync(): void {
  if (context !== null) return;
  context = new AsyncLocalStorage<Proc>();
  // a callback running now (trackAwaits from a behaviour's callback, a start inside a callback)
  // carries its process into what it awaits from here on; its leaveProc restores the empty store
  if (current !== null) context.enterWith(current);
}

/** In `saved`: this `enterProc` found the store already set to its process and changed nothing. */
const UNCHANGED = Symbol('unchanged');
/** The process whose `run` has set the store for its whole turn (see `enterRun`). */
let runStore: Proc | null = null;

/**
 * Marks `proc` as running; returns the previous one, to hand to `leaveProc` afterwards. Inside
 * `proc`'s own turn (`enterRun`) the store is already set, so this costs one variable.
 */
export function enterProc(proc: Proc): Proc | null {
  const previous = current;
  current = proc;
  if (context !== null) {
    if (runStore === proc) saved.push(UNCHANGED);
    else {
      saved.push(context.getStore());
      context.enterWith(proc);
    }
  }
  return previous;
}

/** Undoes the matching `enterProc`. */
export function leaveProc(previous: Proc | null): void {
  current = previous;
  if (context === null) return;
  const store = saved.length > 0 ? saved.pop() : undefined;
  if (store !== UNCHANGED) context.enterWith(store as Proc);
}

/**
 * Sets the store to `proc` for a whole turn of its message loop, so that each callback of the
 * turn need not (reading and setting the store costs more than the rest of a cast). Returns
 * whether it did, for `leaveRun`.
 */
export function enterRun(proc: Proc): boolean {
  if (context === null) return false;
  saved.push(context.getStore());
  context.enterWith(proc);
  runStore = proc;
  return true;
}

/** Undoes the matching `enterRun`. */
export function leaveRun(entered: boolean): void {
  runStore = null;
  if (!entered || context === null) return;
  context.enterWith(saved.pop() as Proc);
}

/** Runs `fn` as code of `proc` (see `runAs`); `proc` is alive. */
export function asProc<T>(proc: Proc, fn: () => T): T {
  if (current === proc) return fn();
  const previous = enterProc(proc);
  try {
    return fn();
  } finally {
    leaveProc(previous);
  }
}

/** Runs `fn` as code of no process: neither it nor the async work it starts belongs to the caller. */
export function outsideProcesses<T>(fn: () => T): T {
  const previous = current;
  current = null;
  try {
    return context === null ? fn() : context.exit(fn);
  } finally {
    current = previous;
  }
}
