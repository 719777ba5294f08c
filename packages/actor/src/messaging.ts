// Sending to processes: call (request/reply with a timeout), cast and send (one-way), the
// deferred reply, and stop. Each takes a pid, a registered name or a `via` name; none throws for
// a dead pid except where a promise can say so.
import { CallRecord } from './call-record.js';
import { liveCaller, sentByTheDead } from './caller.js';
import { currentProc, runningCallback } from './current.js';
import { destLabel, resolveDest, type Dest } from './destination.js';
import { CallSelfError, NoProcError } from './errors.js';
import type { ExitReason } from './exit-reason.js';
import type { From } from './gen-server.js';
import { CALL, CAST, INFO, STOP } from './mailbox.js';
import { Pid } from './pid.js';
import { ALIVE, EXITING, type Proc } from './process.js';
import type { AnyProtocol, CallOf, CastOf, InfoOf, Protocol, ReplyOf } from './protocol.js';
import { StopRequest } from './stop-request.js';

/** Default `call` timeout, as OTP's: 5 seconds. */
export const DEFAULT_CALL_TIMEOUT = 5000;

/** Options of `call`. */
export interface CallOptions {
  /** Milliseconds to wait for the reply (default 5000); `Infinity` waits forever. */
  readonly timeout?: number;
}

/** Options of `stop`. */
export interface StopOptions {
  /** Milliseconds to wait for the process to terminate (default Infinity, as OTP). */
  readonly timeout?: number;
}

/**
 * Sends `request` to the server and waits for its reply (OTP's `gen_server:call`). `dest` is a
 * pid, a registered name or a `via` name. With `timeout: 0` the request is sent and the call
 * times out at once, as OTP's does.
 *
 * Return values: resolves with the reply. Rejects with `CallTimeoutError` when no reply came in
 * time (a late reply is then dropped), `NoProcError` when the process does not exist,
 * `ExitError` (carrying the exit reason) when it exits before replying, `CallSelfError` when a
 * process calls itself from its callback or while awaiting one, and `ProcessExitedError` when the
 * caller's own process has exited.
 *
 * @example
 * const n = await call(counter, 'get', { timeout: 1000 });
 * const m = await call<CounterProtocol>('counter', 'get');
 */
export function call<P extends Protocol = AnyProtocol>(dest: Dest<P>, request: CallOf<P>, options?: CallOptions): Promise<ReplyOf<P>> {
  return sendRequest(CALL, dest, request, options, 'call') as Promise<ReplyOf<P>>;
}

/**
 * @internal A request that waits for its answer: a call (tag CALL) or a `sys` request (tag
 * SYSTEM). Resolves the target, refuses a caller that would wait on itself, arms the timeout.
 */
export function sendRequest(tag: number, dest: Dest, request: unknown, options: CallOptions | undefined, operation: string): Promise<unknown> {
  let caller: Proc | null;
  let proc: Proc | null;
  try {
    caller = liveCaller(operation);
    proc = resolveDest(dest, caller);
  } catch (error) {
    return Promise.reject(error);
  }
  // A process whose terminate is running still takes calls, as OTP's does: they wait, and fail
  // with its exit reason when it is gone.
  if (proc === null || proc.status > EXITING) return Promise.reject(new NoProcError(destLabel(dest)));
  if (caller === proc && waitsOnItself(proc)) return Promise.reject(new CallSelfError(proc.pid, 'call'));
  const timeout = options?.timeout ?? DEFAULT_CALL_TIMEOUT;
  if (!(timeout >= 0)) return Promise.reject(new RangeError(`${operation} timeout must be >= 0, got ${timeout}`));
  const record = new CallRecord(proc, caller === null ? null : caller.pid, timeout, request);
  const promise = new Promise<unknown>((resolve, reject) => {
    record.resolve = resolve;
    record.reject = reject;
  });
  proc.addCall(record);
  proc.enqueue(tag, record);
  // OTP's `receive … after 0`: the request is sent, and no reply can be there yet.
  if (timeout === 0) record.onTimeout();
  else if (timeout !== Infinity) proc.rt.timers.add(record, timeout);
  return promise;
}

/**
 * Whether a call or stop from `proc`'s own code would wait on itself: from its running callback,
 * or while it waits for an async callback to settle (that callback's `await` is the likely
 * caller). A promise chain a callback started and did not await, running while the process is
 * free, is answered by it like anyone else's.
 */
function waitsOnItself(proc: Proc): boolean {
  return runningCallback() === proc || proc.suspended;
}

/**
 * Answers a call later (the server returned `Result.noreply` from `handleCall`). Returns false
 * when the caller no longer waits (timed out, or the call was already answered), and when the
 * code replying belongs to a process that has exited.
 */
export function reply<R>(from: From<R>, value: R): boolean {
  if (sentByTheDead('reply')) return false;
  return (from as CallRecord).settle(value);
}

/**
 * Sends a one-way request to `handleCast` (OTP's `gen_server:cast`). Never throws for its target:
 * a dead pid or an unregistered name drops the message, as OTP's cast does.
 */
export function cast<P extends Protocol = AnyProtocol>(dest: Dest<P>, message: CastOf<P>): void {
  if (sentByTheDead('cast')) return;
  if (dest instanceof Pid) {
    dest.proc?.enqueue(CAST, message);
    return;
  }
  resolveDest(dest, currentProc())?.enqueue(CAST, message);
}

/**
 * Sends a plain message to `handleInfo` (Erlang's `!`). A dead pid drops it; a name that nothing
 * is registered under throws `NoProcError`, as Erlang's `Name ! Msg` raises `badarg`.
 */
export function send<P extends Protocol = AnyProtocol>(dest: Dest<P>, message: InfoOf<P>): void {
  if (sentByTheDead('send')) return;
  if (dest instanceof Pid) {
    dest.proc?.enqueue(INFO, message);
    return;
  }
  const proc = resolveDest(dest, currentProc());
  if (proc === null) throw new NoProcError(destLabel(dest));
  proc.enqueue(INFO, message);
}

/**
 * Stops a server in order: the request waits behind the messages already in its mailbox, then
 * `terminate(reason, state)` runs, and the promise resolves once it has (OTP's `gen_server:stop`).
 *
 * Return values: resolves when the process exited with `reason` because of this request. Rejects
 * with `NoProcError` (no such process), `ExitError` (it exited for another cause first — another
 * `stop` included, as OTP's second caller exits — or terminate threw), `StopTimeoutError`, or
 * `CallSelfError` (a process stopping itself: return `Result.stop`).
 */
export function stop(dest: Dest, reason: ExitReason = 'normal', options?: StopOptions): Promise<void> {
  let caller: Proc | null;
  let proc: Proc | null;
  try {
    caller = liveCaller('stop');
    proc = resolveDest(dest, caller);
  } catch (error) {
    return Promise.reject(error);
  }
  if (proc === null || proc.status > EXITING) return Promise.reject(new NoProcError(destLabel(dest)));
  if (caller === proc && waitsOnItself(proc)) return Promise.reject(new CallSelfError(proc.pid, 'stop'));
  const target = proc;
  const timeout = options?.timeout ?? Infinity;
  return new Promise<void>((resolve, reject) => {
    const request = new StopRequest(target, reason, timeout, resolve, reject);
    target.addStop(request);
    if (timeout !== Infinity) target.rt.timers.add(request, timeout);
    if (target.status <= ALIVE) target.enqueue(STOP, request);
  });
}
