// The message loop of a process: it drains the mailbox in turns of a budget, dispatches each
// message by its tag, calls the behaviour's callback and checks what it returns (OTP's gen_server
// loop). A callback that throws or returns something else ends the process (see process-exit.ts).
import createDebug from 'debug';
import type { CallRecord } from './call-record.js';
import { enterProc, enterRun, leaveProc, leaveRun, trackAsync } from './current.js';
import { BadReturnError, CallbackError, UnhandledMessageError } from './errors.js';
import { ExitSignal, type ExitReason } from './exit-reason.js';
import { CALL, CAST, EMPTY, INFO, STOP, SYSTEM } from './mailbox.js';
import { ALIVE, DEAD, type Proc } from './process.js';
import { beginExit } from './process-exit.js';
import { IdleTimer } from './process-timers.js';
import type { StopRequest } from './stop-request.js';
import { serveSystem, type SysRequest } from './sys.js';
import { isThenable } from './thenable.js';

const log = createDebug('switchboard:actor:process');

const K_CALL = 1;
const K_CAST = 2;
const K_INFO = 3;
const K_CONTINUE = 4;
const CALLBACK_NAMES = ['init', 'handleCall', 'handleCast', 'handleInfo', 'handleContinue'] as const;

export interface ResultShape {
  type?: unknown;
  state?: unknown;
  reply?: unknown;
  reason?: unknown;
  withReply?: unknown;
  continue?: unknown;
  timeout?: unknown;
}

/** Handles up to `budget` messages; returns how many it handled. */
export function runProcess(proc: Proc, budget: number): number {
  const entered = enterRun(proc);
  try {
    return proc.sys !== null ? runDebugged(proc, budget) : runTurn(proc, budget);
  } finally {
    leaveRun(entered);
  }
}

function runTurn(proc: Proc, budget: number): number {
  const mailbox = proc.mailbox;
  let handled = 0;
  while (handled < budget && proc.status === ALIVE && !proc.suspended) {
    if (proc.hasContinue) {
      const value = proc.continueValue;
      proc.hasContinue = false;
      proc.continueValue = undefined;
      invoke(proc, K_CONTINUE, value, null);
    } else {
      const tag = mailbox.shift();
      if (tag === EMPTY) break;
      const message = mailbox.message;
      mailbox.message = undefined;
      dispatch(proc, tag, message);
      if (proc.sys !== null) return handled + 1 + runDebugged(proc, budget - handled - 1);
    }
    handled++;
  }
  return handled;
}

/** `runProcess` while `sys` debugging is on: suspension defers messages; handled ones are recorded. */
function runDebugged(proc: Proc, budget: number): number {
  const mailbox = proc.mailbox;
  let handled = 0;
  while (handled < budget && proc.status === ALIVE && !proc.suspended) {
    const sys = proc.sys;
    if (sys === null) return handled + runTurn(proc, budget - handled);
    handled++;
    if (proc.hasContinue) {
      const value = proc.continueValue;
      proc.hasContinue = false;
      proc.continueValue = undefined;
      invoke(proc, K_CONTINUE, value, null);
      continue;
    }
    const source = !sys.suspended && sys.deferred.length > 0 ? sys.deferred : mailbox;
    const tag = source.shift();
    if (tag === EMPTY) break;
    const message = source.message;
    source.message = undefined;
    if (sys.suspended && tag !== SYSTEM && tag !== STOP) {
      sys.deferred.push(tag, message);
      continue;
    }
    dispatch(proc, tag, message);
    if (tag === CAST || tag === INFO) sys.record(proc, tag, message);
    else if (tag === CALL) sys.record(proc, tag, (message as CallRecord).request);
  }
  return handled;
}

/** `message` is what was sent, except for a call or a sys request (its CallRecord) and a stop (its StopRequest). */
function dispatch(proc: Proc, tag: number, message: unknown): void {
  switch (tag) {
    case CAST:
      invoke(proc, K_CAST, message, null);
      return;
    case CALL: {
      const record = message as CallRecord;
      invoke(proc, K_CALL, record.request, record);
      return;
    }
    case INFO:
      // OTP gen_server: an EXIT from the parent, when trapping, means "terminate now". A server
      // started without a link is its own parent (gen:start's Parent = self()).
      if (message instanceof ExitSignal && message.from === (proc.parent === null ? proc.pid : proc.parent.pid)) {
        beginExit(proc, message.reason);
        return;
      }
      invoke(proc, K_INFO, message, null);
      return;
    case STOP: {
      const request = message as StopRequest;
      proc.stopCause = request;
      beginExit(proc, request.reason);
      return;
    }
    case SYSTEM: {
      const record = message as CallRecord;
      serveSystem(proc, record.request as SysRequest, record);
      return;
    }
  }
}

function invoke(proc: Proc, kind: number, a: unknown, from: CallRecord | null): void {
  const behaviour = proc.behaviour;
  const previous = enterProc(proc);
  let result: unknown;
  try {
    switch (kind) {
      case K_CAST:
        if (behaviour.handleCast === undefined) throw new UnhandledMessageError('handleCast', proc.pid, a);
        result = behaviour.handleCast(a, proc.state);
        break;
      case K_CALL:
        if (behaviour.handleCall === undefined) throw new UnhandledMessageError('handleCall', proc.pid, a);
        result = behaviour.handleCall(a, from!, proc.state);
        break;
      case K_INFO:
        if (behaviour.handleInfo === undefined) {
          if (log.enabled) log('%s: unhandled info %O', proc.pid, a);
          leaveProc(previous);
          return;
        }
        result = behaviour.handleInfo(a as never, proc.state);
        break;
      default:
        if (behaviour.handleContinue === undefined) throw new TypeError('a result asked for a continue but handleContinue is not defined');
        result = behaviour.handleContinue(a, proc.state);
    }
  } catch (error) {
    leaveProc(previous);
    crash(proc, kind, error, a);
    return;
  }
  leaveProc(previous);
  if (isThenable(result)) awaitResult(proc, kind, result, from, a);
  else applyResult(proc, kind, result, from);
}

function awaitResult(proc: Proc, kind: number, promise: PromiseLike<unknown>, from: CallRecord | null, message: unknown): void {
  if (proc.behaviour.tracksAwaits !== false) trackAsync();
  proc.suspended = true;
  promise.then(
    (result) => {
      if (proc.status !== ALIVE) return;
      proc.suspended = false;
      applyResult(proc, kind, result, from);
      proc.resume();
    },
    (error: unknown) => {
      if (proc.status !== ALIVE) return;
      proc.suspended = false;
      crash(proc, kind, error, message);
    },
  );
}

function applyResult(proc: Proc, kind: number, value: unknown, from: CallRecord | null): void {
  // killed by its own callback (exit(self(), 'kill')): what it returns changes nothing
  if (proc.status === DEAD) return;
  if (typeof value !== 'object' || value === null) return badReturn(proc, kind, value);
  const result = value as ResultShape;
  switch (result.type) {
    case 'noreply':
      proc.state = result.state;
      applyOptions(proc, result);
      return;
    case 'reply':
      if (kind !== K_CALL) return badReturn(proc, kind, value);
      proc.state = result.state;
      from!.settle(result.reply);
      applyOptions(proc, result);
      return;
    case 'stop':
      if (result.withReply === true) {
        if (kind !== K_CALL) return badReturn(proc, kind, value);
        proc.stopReply = { to: from!, value: result.reply };
      }
      if ('state' in result) proc.state = result.state;
      beginExit(proc, result.reason as ExitReason);
      return;
    default:
      badReturn(proc, kind, value);
  }
}

/** @internal applies `continue` and `timeout` from a result */
export function applyOptions(proc: Proc, result: ResultShape): void {
  if (result.continue !== undefined) {
    proc.hasContinue = true;
    proc.continueValue = result.continue;
  }
  const timeout = result.timeout;
  if (typeof timeout === 'number' && timeout !== Infinity && proc.mailbox.length === 0 && !proc.hasContinue) {
    proc.rt.timers.add((proc.idle ??= new IdleTimer(proc)), timeout);
  }
}

function crash(proc: Proc, kind: number, error: unknown, message: unknown): void {
  proc.crashMessage = message;
  const reason = new CallbackError(CALLBACK_NAMES[kind]!, proc.pid, error);
  if (log.enabled) log('%s crashed in %s: %O', proc.pid, CALLBACK_NAMES[kind], error);
  beginExit(proc, reason);
}

function badReturn(proc: Proc, kind: number, value: unknown): void {
  const reason = new BadReturnError(CALLBACK_NAMES[kind]!, proc.pid, value);
  if (log.enabled) log('%s: %s', proc.pid, reason.message);
  beginExit(proc, reason);
}
