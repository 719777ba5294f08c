// The process on whose behalf a runtime call runs, and what a process that has exited may still
// do. A dead process does nothing more (OTP): its sends are dropped, as a message to a dead pid
// is, and any call that would make something happen or wait for an answer fails with
// ProcessExitedError, so the async code still running for it unwinds.
import createDebug from 'debug';
import { asProc, currentProc, trackAsync } from './current.js';
import { ProcessExitedError } from './errors.js';
import type { Pid } from './pid.js';
import { DEAD, type Proc } from './process.js';

const log = createDebug('switchboard:actor:dead');

/**
 * The running process, or null outside any process.
 * @throws ProcessExitedError when the running code belongs to a process that has exited
 */
export function liveCaller(operation: string): Proc | null {
  const proc = currentProc();
  if (proc !== null && proc.status === DEAD) throw new ProcessExitedError(proc.pid, proc.exitReason ?? 'noproc', operation);
  return proc;
}

/** True when the running code belongs to a process that has exited: its send is then dropped. */
export function sentByTheDead(operation: string): boolean {
  const proc = currentProc();
  if (proc === null || proc.status !== DEAD) return false;
  if (log.enabled) log('%s has exited (%O): its %s is dropped', proc.pid, proc.exitReason, operation);
  return true;
}

/**
 * Runs `fn` as code of the process `pid`: `self()` is `pid` in it, and what it calls acts for
 * `pid`. For a behaviour that does not track its awaits (`tracksAwaits: false`) to run user code,
 * or act for its process, after an `await`, where its process is not known otherwise.
 * @throws ProcessExitedError when `pid` has exited: its code does nothing more
 *
 * @example
 * ```ts fragment
 * const pid = await startWorker();
 * runAs(supervisor, () => link(pid));
 * ```
 */
export function runAs<T>(pid: Pid, fn: () => T): T {
  const proc = pid.proc;
  if (proc === null || proc.status === DEAD) throw new ProcessExitedError(pid, proc?.exitReason ?? 'noproc', 'runAs');
  return asProc(proc, fn);
}

/**
 * Turns on the tracking of `await` continuations for the rest of the program, as starting a
 * behaviour with an `async` callback does (see `GenServer.tracksAwaits`). For a behaviour with
 * `tracksAwaits: false` that runs user callbacks: it calls this when one of them is an `async`
 * function, so that `self()` works after its awaits. Called inside a callback, it covers what that
 * callback awaits from then on.
 *
 * @example
 * ```ts fragment
 * const AsyncFunction = (async () => {}).constructor;
 * if (handler.handleEvent instanceof AsyncFunction) trackAwaits();
 * ```
 */
export function trackAwaits(): void {
  trackAsync();
}
