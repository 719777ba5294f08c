// How a process ends: an orderly exit runs `terminate` first; then everything that waits on the
// process is failed, monitors are notified and links are signalled, with OTP's semantics.
import createDebug from 'debug';
import type { CallRecord } from './call-record.js';
import { enterProc, leaveProc, trackAsync } from './current.js';
import type { ExitWaiter } from './exit-handler.js';
import { CallbackError, ExitError, InitError, ProcessExitedError } from './errors.js';
import { Down, isNormalExit, type ExitReason } from './exit-reason.js';
import { linkedProcs, withoutLink } from './link-set.js';
import { INFO } from './mailbox.js';
import { DEAD, EXITING, type Proc } from './process.js';
import type { Pid } from './pid.js';
import { settleStart } from './process-init.js';
import { disarmOwnTimers } from './process-timers.js';
import { isThenable } from './thenable.js';

const log = createDebug('switchboard:actor:process');

/** Orderly exit: `terminate(reason, state)` runs (it may be async), then the process is gone. */
export function beginExit(proc: Proc, reason: ExitReason): void {
  if (proc.status >= EXITING) return;
  proc.status = EXITING;
  const terminate = proc.behaviour.terminate;
  if (terminate === undefined) return terminated(proc, reason);
  const previous = enterProc(proc);
  let result: unknown;
  try {
    result = terminate.call(proc.behaviour, reason, proc.state);
  } catch (error) {
    leaveProc(previous);
    return exitAbnormally(proc, new CallbackError('terminate', proc.pid, error));
  }
  leaveProc(previous);
  if (!isThenable(result)) return terminated(proc, reason);
  if (proc.behaviour.tracksAwaits !== false) trackAsync();
  result.then(
    () => terminated(proc, reason),
    (error: unknown) => {
      if (proc.status !== DEAD) exitAbnormally(proc, new CallbackError('terminate', proc.pid, error));
    },
  );
}

/** `terminate` has run: a `stopReply` answer goes now (OTP replies after terminate), then the exit. */
function terminated(proc: Proc, reason: ExitReason): void {
  if (proc.status === DEAD) return;
  const answer = proc.stopReply;
  if (answer !== null) {
    proc.stopReply = null;
    answer.to.settle(answer.value);
  }
  if (!isNormalExit(reason)) reportCrash(proc, reason);
  finalize(proc, reason);
}

function exitAbnormally(proc: Proc, reason: ExitReason): void {
  reportCrash(proc, reason);
  finalize(proc, reason);
}

/** OTP's crash report: the process ended abnormally by its own doing (not killed by a signal). */
export function reportCrash(proc: Proc, reason: ExitReason): void {
  const message = proc.crashMessage;
  proc.crashMessage = undefined;
  proc.rt.report({
    kind: 'crash',
    pid: proc.pid,
    name: proc.name,
    behaviour: proc.behaviour.behaviourName ?? 'gen_server',
    reason,
    ...(message === undefined ? {} : { lastMessage: message }),
  });
}

/** Ends the process now: no `terminate` (an exit signal or a kill). */
export function finalize(proc: Proc, reason: ExitReason): void {
  if (proc.status === DEAD) return;
  proc.status = DEAD;
  proc.exitReason = reason;
  const rt = proc.rt;
  const pid = proc.pid;
  if (proc.idle !== null) rt.timers.remove(proc.idle);
  disarmOwnTimers(proc);
  if (proc.name !== null) rt.registry.release(proc);
  if (proc.starter !== null) settleStart(proc, new InitError(reason));
  let call = proc.callsHead;
  proc.callsHead = null;
  if (call !== null) {
    const error = new ExitError(pid, reason);
    while (call !== null) {
      const next: CallRecord | null = call.cnext;
      call.cprev = call.cnext = null;
      call.fail(error);
      call = next;
    }
  }
  const stops = proc.stopRequests;
  proc.stopRequests = null;
  const cause = proc.stopCause;
  proc.stopCause = null;
  proc.stopReply = null;
  if (stops !== null) for (const request of stops) request.settle(reason, request === cause);
  proc.mailbox.drain();
  proc.sys = null;
  proc.state = undefined;
  pid.proc = null;
  if (proc.monitoring !== null) {
    for (const [ref, target] of proc.monitoring) target.monitoredBy?.delete(ref);
    proc.monitoring = null;
  }
  if (proc.monitoredBy !== null) {
    const watchers = proc.monitoredBy;
    proc.monitoredBy = null;
    for (const [ref, watcher] of watchers) {
      watcher.monitoring?.delete(ref);
      watcher.enqueue(INFO, new Down(ref, pid, reason));
    }
  }
  const links = proc.links;
  proc.links = null;
  rt.onExit(proc, reason);
  const waiters = proc.exitWaiters;
  proc.exitWaiters = null;
  if (Array.isArray(waiters)) for (const waiter of waiters) callExitWaiter(waiter, reason, pid);
  else if (waiters !== null) callExitWaiter(waiters, reason, pid);
  if (links !== null) {
    // A process that ended with reason 'kill' (not killed by the signal) sends 'kill' to its
    // links as an ordinary, trappable reason, as OTP does; one killed by the signal sends 'killed'.
    for (const linked of linkedProcs(links)) {
      linked.links = withoutLink(linked.links, proc);
      rt.exitSignal(linked, pid, reason, true);
    }
  }
  if (proc.abort !== null) proc.abort.abort(new ProcessExitedError(pid, reason));
}

/** Removes every link without signalling (used when init fails). */
export function unlinkAll(proc: Proc): void {
  const links = proc.links;
  proc.links = null;
  for (const linked of linkedProcs(links)) linked.links = withoutLink(linked.links, proc);
}

function callExitWaiter(waiter: ExitWaiter, reason: ExitReason, pid: Pid): void {
  try {
    if (typeof waiter === 'function') waiter(reason);
    else waiter.processExited(reason);
  } catch (error) {
    log('an exit callback of %s threw: %O', pid, error);
  }
}
