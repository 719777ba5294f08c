// The process on whose behalf a runtime call runs, and what a process that has exited may still
// do. A dead process does nothing more (OTP): its sends are dropped, as a message to a dead pid
// is, and any call that would make something happen or wait for an answer fails with
// ProcessExitedError, so the async code still running for it unwinds.
import createDebug from 'debug';
import { currentProc } from './current.js';
import { ProcessExitedError } from './errors.js';
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
