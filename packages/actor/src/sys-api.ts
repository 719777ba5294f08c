// OTP's `sys` for any GenServer (SMPP sessions, SIP transactions and supervisors included): read
// or replace the state, suspend and resume, statistics, and a trace or log of handled messages.
// Requests travel through the mailbox as system messages, so they see the state between two
// messages, and a suspended process still answers them while its other messages wait.
import type { Dest } from './destination.js';
import { SYSTEM } from './mailbox.js';
import { sendRequest, type CallOptions } from './messaging.js';
import type { SysEvent, SysRequest, SysStatistics } from './sys.js';

function request<T>(dest: Dest, message: SysRequest, options: CallOptions | undefined): Promise<T> {
  return sendRequest(SYSTEM, dest, message, options, `sys.${message.op}`) as Promise<T>;
}

/** The server's state, between two messages (OTP's `sys:get_state`). */
export function getState<S = unknown>(dest: Dest, options?: CallOptions): Promise<S> {
  return request<S>(dest, { op: 'getState' }, options);
}

/**
 * Replaces the server's state with `update(state)` and resolves with it (OTP's
 * `sys:replace_state`). If `update` throws, the state is kept and the promise rejects with
 * `SysCallbackError`; the process goes on.
 */
export function replaceState<S>(dest: Dest, update: (state: S) => S, options?: CallOptions): Promise<S> {
  return request<S>(dest, { op: 'replaceState', update: update as (state: unknown) => unknown }, options);
}

/** Suspends the server: it answers only `sys` requests (and `stop`) until `resume`; other messages wait, in order. */
export function suspend(dest: Dest, options?: CallOptions): Promise<void> {
  return request<void>(dest, { op: 'suspend' }, options);
}

/** Resumes a suspended server: the messages that waited are handled first, in order. */
export function resume(dest: Dest, options?: CallOptions): Promise<void> {
  return request<void>(dest, { op: 'resume' }, options);
}

/** Turns statistics on (counting from now) or off (OTP's `sys:statistics(Name, true | false)`). */
export function statistics(dest: Dest, on: boolean, options?: CallOptions): Promise<void> {
  return request<void>(dest, { op: 'statistics', on }, options);
}

/** The statistics gathered since `statistics(dest, true)`, or undefined when they are off. */
export function getStatistics(dest: Dest, options?: CallOptions): Promise<SysStatistics | undefined> {
  return request<SysStatistics | undefined>(dest, { op: 'getStatistics' }, options);
}

/**
 * Calls `handler` with each message the server handles from now on (OTP's `sys:trace`, which
 * prints them); `null` turns it off. The handler runs in the server's turn: keep it short.
 */
export function trace(dest: Dest, handler: ((event: SysEvent) => void) | null, options?: CallOptions): Promise<void> {
  return request<void>(dest, { op: 'trace', handler }, options);
}

/** Keeps the last `limit` handled messages (OTP's `sys:log(Name, {true, N})`); 0 turns it off. */
export function log(dest: Dest, limit: number, options?: CallOptions): Promise<void> {
  if (!(Number.isInteger(limit) && limit >= 0)) return Promise.reject(new RangeError(`log limit must be an integer >= 0, got ${limit}`));
  return request<void>(dest, { op: 'log', limit }, options);
}

/** The messages kept by `log`, oldest first. */
export function getLog(dest: Dest, options?: CallOptions): Promise<SysEvent[]> {
  return request<SysEvent[]>(dest, { op: 'getLog' }, options);
}

