// A session's steps stay synchronous unless a user callback returns a promise: a promise per
// step costs an allocation, a microtask and a suspended process turn on every PDU, timer tick and
// call, where most callbacks answer at once.
import { trackAwaits, type ExitReason } from '@switchboard/actor';

/** A step's outcome: a stop reason or nothing, now — or later, when a callback returned a promise. */
export type Step = ExitReason | undefined;
export type MaybePromise<T> = T | PromiseLike<T>;

export function isThenable<T>(value: MaybePromise<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Runs `next` on the outcome of a user callback, `value`: at once when it is not a promise, else
 * once it settles. A callback that returns a promise turns on the tracking of await continuations
 * (as a GenServer's does: the session itself does not need it, see transport.ts), so that the
 * user's promise chains can call `self()` from its next call on.
 */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  if (!isThenable(value)) return next(value);
  trackAwaits();
  return value.then(next);
}
