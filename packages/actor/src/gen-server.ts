// The GenServer behaviour: the callbacks a server implements and the results they return.
// Results are discriminated unions made with the `Result` helpers, as OTP's tagged tuples.
import type { ExitReason, SystemMessage } from './exit-reason.js';
import type { AnyProtocol, CallOf, CastOf, InfoOf, Protocol, ReplyOf } from './protocol.js';
import type { Pid } from './pid.js';

/** A value or a promise of it: every callback may be asynchronous. */
export type Awaitable<T> = T | PromiseLike<T>;

/**
 * Who is waiting for the answer to a call. Pass it to `reply(from, value)` to answer later
 * (after returning `Result.noreply`), from this process or any other.
 */
export interface From<R = unknown> {
  /** The calling process, or null when the call came from outside any process. */
  readonly caller: Pid | null;
  /** Type-level only: the type of the reply. */
  readonly __reply?: R;
}

/** Options shared by the `ok`, `noreply` and `reply` results. */
export interface ResultOptions {
  /**
   * Run `handleContinue(value, state)` before handling any further message (OTP's
   * `{:continue, …}`). `undefined` means no continue.
   */
  readonly continue?: unknown;
  /**
   * Deliver an `IdleTimeout` to `handleInfo` if no message arrives within this many
   * milliseconds (OTP's timeout in a result). Any message cancels it.
   */
  readonly timeout?: number;
}

export interface OkResult<S> extends ResultOptions {
  readonly type: 'ok';
  readonly state: S;
}
export interface IgnoreResult {
  readonly type: 'ignore';
}
export interface NoReplyResult<S> extends ResultOptions {
  readonly type: 'noreply';
  readonly state: S;
}
export interface ReplyResult<S, R> extends ResultOptions {
  readonly type: 'reply';
  readonly reply: R;
  readonly state: S;
}
/** Stop the process: `terminate(reason, state)` runs, then it exits with `reason`. */
export interface StopResult<S> {
  readonly type: 'stop';
  readonly reason: ExitReason;
  readonly state: S;
  readonly withReply: false;
}
/** From `handleCall` only: answer the caller, then stop. */
export interface StopReplyResult<S, R> {
  readonly type: 'stop';
  readonly reason: ExitReason;
  readonly state: S;
  readonly withReply: true;
  readonly reply: R;
}

/** What `init` returns: start with a state, start nothing (`ignore`), or fail (`stop`). */
export type InitResult<S> = OkResult<S> | IgnoreResult | StopResult<S>;
/** What `handleCall` returns. */
export type CallResult<S, R> = ReplyResult<S, R> | NoReplyResult<S> | StopResult<S> | StopReplyResult<S, R>;
/** What `handleCast`, `handleInfo` and `handleContinue` return. */
export type NoticeResult<S> = NoReplyResult<S> | StopResult<S>;

/**
 * Builders for callback results. Each returns a plain object of one fixed shape.
 *
 * @example
 * handleCall(req, from, n) { return Result.reply(n, n) }
 * handleCast(msg, n) { return Result.noreply(n + msg.add) }
 */
export const Result = {
  /** `init` succeeded: the server starts with `state`. */
  ok<S>(state: S, options?: ResultOptions): OkResult<S> {
    return { type: 'ok', state, continue: options?.continue, timeout: options?.timeout };
  },
  /** `init` decided not to start; `start` rejects with `InitIgnoredError`, a supervisor skips it. */
  ignore(): IgnoreResult {
    return { type: 'ignore' };
  },
  /** Answer the caller with `reply` and go on with `state`. */
  reply<S, R>(reply: R, state: S, options?: ResultOptions): ReplyResult<S, R> {
    return { type: 'reply', reply, state, continue: options?.continue, timeout: options?.timeout };
  },
  /** Go on with `state`; from `handleCall`, answer later with `reply(from, value)`. */
  noreply<S>(state: S, options?: ResultOptions): NoReplyResult<S> {
    return { type: 'noreply', state, continue: options?.continue, timeout: options?.timeout };
  },
  /** Stop with `reason` after `terminate(reason, state)`. From `init`, `start` rejects with it. */
  stop<S>(reason: ExitReason, state: S): StopResult<S> {
    return { type: 'stop', reason, state, withReply: false };
  },
  /** From `handleCall`: answer `reply`, then stop with `reason`. */
  stopReply<S, R>(reason: ExitReason, reply: R, state: S): StopReplyResult<S, R> {
    return { type: 'stop', reason, state, withReply: true, reply };
  },
};

/**
 * A server's callbacks (OTP's `gen_server`). All are optional:
 * - `init(args)`: default `Result.ok(args)`.
 * - `handleCall`: default crashes the server with `UnhandledMessageError`, as Elixir does.
 * - `handleCast`: default crashes the server with `UnhandledMessageError`.
 * - `handleInfo`: default logs the message (debug) and keeps the state.
 * - `handleContinue`: required only if a result asks for a continue.
 * - `terminate(reason, state)`: default does nothing.
 *
 * Callbacks may return a promise: the process handles no other message until it settles. A
 * callback that throws or returns an invalid result ends the process (see `CallbackError`,
 * `BadReturnError`) and `terminate` runs.
 *
 * @typeParam S - the server's state
 * @typeParam P - the messages it accepts ({@link Protocol})
 * @typeParam A - the argument of `init`
 */
export interface GenServer<S, P extends Protocol = AnyProtocol, A = void> {
  /** Shown by introspection; defaults to 'gen_server'. */
  readonly behaviourName?: string;
  init?(args: A): Awaitable<InitResult<S>>;
  handleCall?(request: CallOf<P>, from: From<ReplyOf<P>>, state: S): Awaitable<CallResult<S, ReplyOf<P>>>;
  handleCast?(message: CastOf<P>, state: S): Awaitable<NoticeResult<S>>;
  handleInfo?(message: InfoOf<P> | SystemMessage, state: S): Awaitable<NoticeResult<S>>;
  handleContinue?(value: unknown, state: S): Awaitable<NoticeResult<S>>;
  terminate?(reason: ExitReason, state: S): void | PromiseLike<void>;
}
