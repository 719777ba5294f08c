// Links, monitors, exit signals and the identity of the running process (OTP's `link/1`,
// `monitor/2`, `exit/2`, `process_flag(trap_exit, …)`, `self/0`).
import createDebug from 'debug';
import { liveCaller, sentByTheDead } from './caller.js';
import { currentProc } from './current.js';
import { NoProcError, NotInProcessError, ProcessExitedError } from './errors.js';
import type { ExitHandler, ExitWaiter } from './exit-handler.js';
import { Down, type ExitReason } from './exit-reason.js';
import { withLink, withoutLink } from './link-set.js';
import { INFO } from './mailbox.js';
import { Ref, type Pid } from './pid.js';
import { DEAD, type Proc } from './process.js';
import type { AnyProtocol, Protocol } from './protocol.js';

const log = createDebug('switchboard:actor:signals');

/** The process an operation acts for: the running one, or `as`. Code of a dead process may not act. */
function acting(operation: string, as: Pid | undefined): Proc {
  const running = liveCaller(operation);
  const proc = as === undefined ? running : as.proc;
  if (proc === null) throw new NotInProcessError(operation);
  return proc;
}

/**
 * The pid of the process whose code is running: its callback, or (once some process has an
 * async callback, see docs/actor.md) what that callback runs after an `await`.
 * @throws NotInProcessError outside a process
 * @throws ProcessExitedError in code of a process that has exited
 */
export function self<P extends Protocol = AnyProtocol>(): Pid<P> {
  const proc = liveCaller('self()');
  if (proc === null) throw new NotInProcessError('self()');
  return proc.pid as Pid<P>;
}

/**
 * An `AbortSignal` that aborts when the process exits (the running one, or `pid`), with a
 * `ProcessExitedError` as its reason: pass it to the sockets, fetches and timers the process
 * starts, so they end with it even when it is killed and `terminate` does not run.
 * @throws NotInProcessError outside a process when no pid is given
 */
export function abortSignal(pid?: Pid): AbortSignal {
  const proc = pid === undefined ? currentProc() : pid.proc;
  if (proc === null) {
    if (pid === undefined) throw new NotInProcessError('abortSignal()');
    return AbortSignal.abort(new ProcessExitedError(pid, 'noproc'));
  }
  if (proc.status === DEAD) return AbortSignal.abort(new ProcessExitedError(proc.pid, proc.exitReason ?? 'noproc'));
  return (proc.abort ??= new AbortController()).signal;
}

/** True while the process exists (including while its `terminate` runs). */
export function isAlive(pid: Pid): boolean {
  const proc = pid.proc;
  return proc !== null && proc.status !== DEAD;
}

/**
 * Links the running process (or `as`) with `pid`: when either exits, the other receives an exit
 * signal. Linking to a process that does not exist is OTP's `noproc`: a linker that traps exits
 * gets an `ExitSignal` with reason `'noproc'`; any other linker gets a thrown `NoProcError`
 * (uncaught in a callback, it crashes the process through `terminate`).
 * @throws NoProcError when `pid` has exited and the linker does not trap exits
 */
export function link(pid: Pid, as?: Pid): void {
  const me = acting('link', as);
  const other = pid.proc;
  if (other === me) return;
  if (other === null || other.status === DEAD) {
    if (!me.trapExit) throw new NoProcError(pid);
    me.rt.exitSignal(me, pid, 'noproc', true);
    return;
  }
  me.links = withLink(me.links, other);
  other.links = withLink(other.links, me);
}

/** Removes the link between the running process (or `as`) and `pid`, if any. */
export function unlink(pid: Pid, as?: Pid): void {
  const me = acting('unlink', as);
  const other = pid.proc;
  if (other !== null) {
    me.links = withoutLink(me.links, other);
    other.links = withoutLink(other.links, me);
  }
  if (me.parent === other) me.parent = null;
}

/**
 * Sets whether the running process (or `as`) traps exits: exit signals then arrive as
 * `ExitSignal` messages in `handleInfo` instead of ending the process (`kill` still kills).
 * Returns the previous value.
 */
export function trapExit(flag: boolean, as?: Pid): boolean {
  const me = acting('trapExit', as);
  const previous = me.trapExit;
  me.trapExit = flag;
  return previous;
}

/**
 * Sends an exit signal to `pid` from the running process, or from `as` (OTP's `exit/2`).
 * `'kill'` ends it unconditionally with reason `'killed'`; `'normal'` is ignored unless it traps
 * exits; any other reason ends a process that does not trap exits, without `terminate`. A process
 * that traps exits gets an `ExitSignal` — or, if the sender is its parent, runs `terminate`.
 */
export function exit(pid: Pid, reason: ExitReason, as?: Pid): void {
  if (sentByTheDead('exit')) return;
  const target = pid.proc;
  if (target === null) return;
  const sender = as ?? currentProc()?.pid ?? null;
  target.rt.exitSignal(target, sender, reason, false);
}

/**
 * Resolves with the exit reason once `pid` has exited (`'noproc'` if it already has). Unlike a
 * monitor it needs no mailbox, so code outside processes — and a process in the middle of an
 * async callback — can wait for an exit.
 */
export function exited(pid: Pid): Promise<ExitReason> {
  const proc = pid.proc;
  if (proc === null || proc.status === DEAD) return Promise.resolve('noproc');
  return new Promise((resolve) => addExitWaiter(proc, resolve));
}

/**
 * Calls `callback` with the exit reason as `pid` exits, synchronously, killed or not (at once with
 * `'noproc'` if it already has): Erlang's port that closes with its owner. For releasing what the
 * process owns (a socket) without a promise, a monitor or a process per owner: it holds one
 * closure, or none when `callback` is an {@link ExitHandler} (an object whose `processExited`
 * method is called). The process is already dead when it runs, so it cannot send or call as that process;
 * an exception it throws is logged (`switchboard:actor:process`, or `switchboard:actor:signals`
 * for a pid already dead) and goes no further.
 *
 * @example
 * ```ts fragment
 * onExit(self(), () => socket.destroy());
 * ```
 */
export function onExit(pid: Pid, callback: ((reason: ExitReason) => void) | ExitHandler): void {
  const proc = pid.proc;
  if (proc !== null && proc.status !== DEAD) return addExitWaiter(proc, callback);
  try {
    if (typeof callback === 'function') callback('noproc');
    else callback.processExited('noproc');
  } catch (error) {
    log('an onExit callback of %s threw: %O', pid, error);
  }
}

/**
 * Adds a function (or an ExitHandler) called with the reason as `proc` exits (what it throws is
 * logged on `switchboard:actor:process` and goes no further); the first one takes no array.
 */
export function addExitWaiter(proc: Proc, waiter: ExitWaiter): void {
  const waiters = proc.exitWaiters;
  if (waiters === null) proc.exitWaiters = waiter;
  else if (Array.isArray(waiters)) waiters.push(waiter);
  else proc.exitWaiters = [waiters, waiter];
}

/**
 * Monitors `pid` from the running process (or `as`): when it exits, a `Down` message with the
 * returned ref and the exit reason arrives in `handleInfo`. A pid that does not exist gives an
 * immediate `Down` with reason `'noproc'`.
 */
export function monitor(pid: Pid, as?: Pid): Ref {
  const me = acting('monitor', as);
  const ref = new Ref();
  const target = pid.proc;
  if (target === null || target.status === DEAD) {
    me.enqueue(INFO, new Down(ref, pid, 'noproc'));
    return ref;
  }
  (target.monitoredBy ??= new Map()).set(ref, me);
  (me.monitoring ??= new Map()).set(ref, target);
  return ref;
}

/** Removes a monitor; returns false if it was not active (already fired or removed). */
export function demonitor(ref: Ref, as?: Pid): boolean {
  const me = acting('demonitor', as);
  const target = me.monitoring?.get(ref);
  if (target === undefined) return false;
  me.monitoring!.delete(ref);
  target.monitoredBy?.delete(ref);
  return true;
}

