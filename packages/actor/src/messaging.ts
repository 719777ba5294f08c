// Sending to processes: call (request/reply with a timeout), cast and send (one-way), the
// deferred reply, and stop. All take a Pid; none throws for a dead target except where a
// promise can say so.
import { CallRecord } from './call-record.js';
import { currentProc } from './current.js';
import { CallSelfError, NoProcError } from './errors.js';
import type { ExitReason } from './exit-reason.js';
import type { From } from './gen-server.js';
import { CALL, CAST, INFO, STOP } from './mailbox.js';
import type { Pid } from './pid.js';
import { ALIVE, EXITING } from './process.js';
import type { CallOf, CastOf, InfoOf, Protocol, ReplyOf } from './protocol.js';
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
 * Sends `request` to the server and waits for its reply (OTP's `gen_server:call`).
 *
 * Return values: resolves with the reply. Rejects with `CallTimeoutError` when no reply came in
 * time (a late reply is then dropped), `NoProcError` when the process does not exist,
 * `ExitError` (carrying the exit reason) when it exits before replying, and `CallSelfError`
 * when a process calls itself.
 *
 * @example
 * const n = await call(counter, 'get', { timeout: 1000 });
 */
export function call<P extends Protocol>(pid: Pid<P>, request: CallOf<P>, options?: CallOptions): Promise<ReplyOf<P>> {
  const proc = pid.proc;
  if (proc === null || proc.status >= EXITING) return Promise.reject(new NoProcError(pid));
  const caller = currentProc();
  if (caller === proc) return Promise.reject(new CallSelfError(pid, 'call'));
  const timeout = options?.timeout ?? DEFAULT_CALL_TIMEOUT;
  if (!(timeout >= 0)) return Promise.reject(new RangeError(`call timeout must be >= 0, got ${timeout}`));
  const record = new CallRecord(proc, caller === null ? null : caller.pid, timeout);
  const promise = new Promise<ReplyOf<P>>((resolve, reject) => {
    record.resolve = resolve as (value: unknown) => void;
    record.reject = reject;
  });
  proc.addCall(record);
  if (timeout !== Infinity) proc.rt.timers.add(record, timeout);
  proc.enqueue(CALL, request, record);
  return promise;
}

/**
 * Answers a call later (the server returned `Result.noreply` from `handleCall`). Returns false
 * when the caller no longer waits (timed out, or the call was already answered).
 */
export function reply<R>(from: From<R>, value: R): boolean {
  return (from as CallRecord).settle(value);
}

/** Sends a one-way request to `handleCast`. Never throws; a dead target drops it. */
export function cast<P extends Protocol>(pid: Pid<P>, message: CastOf<P>): void {
  pid.proc?.enqueue(CAST, message, undefined);
}

/** Sends a plain message to `handleInfo` (Erlang's `!`). Never throws; a dead target drops it. */
export function send<P extends Protocol>(pid: Pid<P>, message: InfoOf<P>): void {
  pid.proc?.enqueue(INFO, message, undefined);
}

/**
 * Stops a server in order: the request waits behind the messages already in its mailbox, then
 * `terminate(reason, state)` runs, and the promise resolves once it has (OTP's `gen_server:stop`).
 *
 * Return values: resolves when the process exited with `reason`. Rejects with `NoProcError`
 * (no such process), `ExitError` (it exited with another reason first, or terminate threw),
 * `StopTimeoutError`, or `CallSelfError` (a process stopping itself: return `Result.stop`).
 */
export function stop(pid: Pid, reason: ExitReason = 'normal', options?: StopOptions): Promise<void> {
  const proc = pid.proc;
  if (proc === null || proc.status > EXITING) return Promise.reject(new NoProcError(pid));
  if (currentProc() === proc) return Promise.reject(new CallSelfError(pid, 'stop'));
  const timeout = options?.timeout ?? Infinity;
  return new Promise<void>((resolve, reject) => {
    const request = new StopRequest(proc, reason, timeout, resolve, reject);
    proc.addStop(request);
    if (timeout !== Infinity) proc.rt.timers.add(request, timeout);
    if (proc.status <= ALIVE) proc.enqueue(STOP, reason, request);
  });
}
