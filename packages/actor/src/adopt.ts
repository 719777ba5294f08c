// Erlang's `controlling_process` for callbacks: a socket accepted by a listener process carries
// the listener's async context into every event it emits. A connection process that takes the
// socket over binds its listeners to itself, so they act for it — and keep working if the
// listener process exits.
import { AsyncResource } from 'node:async_hooks';
import { outsideProcesses } from './current.js';

/**
 * Binds `listener` to the running process: whenever it runs later (a socket's `'data'`, say) it
 * runs as code of this process, whichever process created the emitter. Use it for the listeners a
 * process puts on a socket or server it did not create itself (Erlang's `controlling_process`).
 *
 * @example
 * ```ts fragment
 * socket.on('data', adopt((chunk: Buffer) => send(me, new Chunk(chunk))));
 * ```
 */
export function adopt<A extends unknown[], R>(listener: (...args: A) => R): (...args: A) => R {
  return AsyncResource.bind(listener);
}

/**
 * Runs `work` as code of no process: the async work it starts goes on after the process that
 * started it exits, and acts for nobody (`self()` throws `NotInProcessError` in it). For work a
 * callback starts on behalf of something longer-lived than its process — a library's retry, a
 * write-behind — which would otherwise become inert with the process (see docs/actor.md).
 *
 * @example
 * ```ts fragment
 * detach(() => void retryLater(request));
 * ```
 */
export function detach<T>(work: () => T): T {
  return outsideProcesses(work);
}
