// Starting a process: `init` runs on the starter's stack; an asynchronous init is awaited within
// the start timeout. A failed init ends the process without `terminate` and without an exit
// signal to the linker (OTP 26 `proc_lib:init_fail`); `start` rejects instead.
import { enterProc, leaveProc, trackAsync } from './current.js';
import { BadReturnError, CallbackError, InitError, InitIgnoredError } from './errors.js';
import { isNormalExit, type ExitReason } from './exit-reason.js';
import type { Pid } from './pid.js';
import { ALIVE, INITIALIZING, type Proc } from './process.js';
import { finalize, reportCrash, unlinkAll } from './process-exit.js';
import { applyOptions, type ResultShape } from './process-loop.js';
import { isThenable } from './thenable.js';

/** Runs `init(args)`; resolves with the pid once it has run. */
export function initProcess(proc: Proc, args: unknown, startTimeout: number): Promise<Pid> {
  const previous = enterProc(proc);
  let result: unknown;
  try {
    result = proc.behaviour.init === undefined ? { type: 'ok', state: args } : proc.behaviour.init(args);
  } catch (error) {
    leaveProc(previous);
    return Promise.reject(failInit(proc, new CallbackError('init', proc.pid, error)));
  }
  leaveProc(previous);
  if (!isThenable(result)) {
    const error = completeInit(proc, result);
    return error === null ? Promise.resolve(proc.pid) : Promise.reject(error);
  }
  if (proc.behaviour.tracksAwaits !== false) trackAsync();
  return new Promise<Pid>((resolve, reject) => {
    proc.starter = { resolve, reject };
    proc.suspended = true;
    if (startTimeout !== Infinity) proc.rt.armStartTimeout(proc, startTimeout);
    result.then(
      (value) => {
        if (proc.status !== INITIALIZING || proc.starter === null) return;
        proc.suspended = false;
        settleStart(proc, completeInit(proc, value));
      },
      (error: unknown) => {
        if (proc.status !== INITIALIZING || proc.starter === null) return;
        settleStart(proc, failInit(proc, new CallbackError('init', proc.pid, error)));
      },
    );
  });
}

/** Applies init's result; returns the error `start` rejects with, or null on success. */
function completeInit(proc: Proc, value: unknown): Error | null {
  const result = value as ResultShape | null;
  if (typeof result !== 'object' || result === null) return failInit(proc, new BadReturnError('init', proc.pid, value));
  switch (result.type) {
    case 'ok':
      proc.state = result.state;
      proc.status = ALIVE;
      proc.rt.onStarted(proc);
      applyOptions(proc, result);
      proc.resume();
      return null;
    case 'ignore':
      failInit(proc, 'normal');
      return new InitIgnoredError();
    case 'stop':
      return failInit(proc, result.reason as ExitReason);
    default:
      return failInit(proc, new BadReturnError('init', proc.pid, value));
  }
}

/** Settles a pending asynchronous start (also used when the process dies while initializing). */
export function settleStart(proc: Proc, error: Error | null): void {
  const starter = proc.starter;
  proc.starter = null;
  proc.rt.disarmStartTimeout(proc);
  if (starter === null) return;
  if (error === null) starter.resolve(proc.pid);
  else starter.reject(error);
}

function failInit(proc: Proc, reason: ExitReason): Error {
  if (!isNormalExit(reason)) reportCrash(proc, reason);
  unlinkAll(proc);
  finalize(proc, reason);
  return new InitError(reason);
}
