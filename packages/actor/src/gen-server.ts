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

/** From `init`: start the server with `state` (OTP's `{:ok, state}`). Build it with `Result.ok`. */
export interface OkResult<S> extends ResultOptions {
  /** Discriminant: always `'ok'`. */
  readonly type: 'ok';
  /** The server's first state, passed to the callback that handles its first message. */
  readonly state: S;
}
/** From `init`: start nothing (OTP's `:ignore`). Build it with `Result.ignore`. */
export interface IgnoreResult {
  /** Discriminant: always `'ignore'`. */
  readonly type: 'ignore';
}
/** Go on with `state` without answering now (OTP's `{:noreply, state}`). Build it with `Result.noreply`. */
export interface NoReplyResult<S> extends ResultOptions {
  /** Discriminant: always `'noreply'`. */
  readonly type: 'noreply';
  /** The state the server goes on with. */
  readonly state: S;
}
/** From `handleCall`: answer the caller with `reply` and go on with `state` (OTP's `{:reply, r, s}`). */
export interface ReplyResult<S, R> extends ResultOptions {
  /** Discriminant: always `'reply'`. */
  readonly type: 'reply';
  /** The value the caller's `call` promise resolves with. */
  readonly reply: R;
  /** The state the server goes on with. */
  readonly state: S;
}
/** Stop the process: `terminate(reason, state)` runs, then it exits with `reason`. */
export interface StopResult<S> {
  /** Discriminant: always `'stop'`. */
  readonly type: 'stop';
  /** The exit reason: passed to `terminate`, then to links, monitors and the supervisor. */
  readonly reason: ExitReason;
  /** The state `terminate(reason, state)` receives. */
  readonly state: S;
  /** Always `false`: no reply is sent, which tells this result from {@link StopReplyResult}. */
  readonly withReply: false;
}
/** From `handleCall` only: answer the caller, then stop. */
export interface StopReplyResult<S, R> {
  /** Discriminant: always `'stop'`. */
  readonly type: 'stop';
  /** The exit reason: passed to `terminate`, then to links, monitors and the supervisor. */
  readonly reason: ExitReason;
  /** The state `terminate(reason, state)` receives. */
  readonly state: S;
  /** Always `true`: the caller is answered with `reply` before the process stops. */
  readonly withReply: true;
  /** The value the caller's `call` promise resolves with. */
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
  /**
   * Whether this behaviour needs the runtime to carry its process into its callbacks' `await`
   * continuations, so that `self()` works there and a dead process's code is inert (docs/actor.md,
   * "A dead process does nothing more"). Default `true`: tracking starts, for the whole program,
   * when such a behaviour with an `async` callback starts or one of its callbacks returns a
   * promise, and from then on Node runs a hook on every promise.
   *
   * `false` is for a library's behaviour whose code after an `await` names its pids itself and
   * runs user code only through `runAs`: the runtime's supervisors, the SMPP session and the SIP
   * transports. It does not turn tracking on, so a program whose own callbacks are synchronous
   * never pays for it; once something else has turned it on, this behaviour is tracked too.
   */
  readonly tracksAwaits?: boolean;
  /**
   * Called once in the new process with the `args` given to `start`, before `start` resolves
   * (OTP's `init/1`). Defaults to `Result.ok(args)`.
   *
   * Returning `Result.ok(state, options?)` starts the server with `state`; `start` resolves
   * with its pid. `options.continue` runs `handleContinue` before any message, and
   * `options.timeout` arms an idle timeout.
   *
   * Returning `Result.ignore()` starts nothing: the process exits `'normal'`, `start` rejects
   * with `InitIgnoredError`, and a supervisor skips the child.
   *
   * Returning `Result.stop(reason, state)` fails the start: `terminate` is not called, the
   * process exits with `reason`, and `start` rejects with `InitError`.
   */
  init?(args: A): Awaitable<InitResult<S>>;
  /**
   * Handles a request sent with `call(pid, request)`; `from` identifies the waiting caller
   * (OTP's `handle_call/3`). The default crashes the server with `UnhandledMessageError`.
   *
   * Returning `Result.reply(value, state, options?)` resolves the caller's promise with
   * `value` and goes on with `state`.
   *
   * Returning `Result.noreply(state, options?)` leaves the caller waiting: answer later with
   * `reply(from, value)`, from this or any other process, before the caller's timeout.
   *
   * Returning `Result.stop(reason, state)` stops the server without answering: `terminate`
   * runs and the caller's promise rejects with the exit reason.
   *
   * Returning `Result.stopReply(reason, value, state)` resolves the caller's promise with
   * `value`, then stops the server as `stop` does.
   */
  handleCall?(request: CallOf<P>, from: From<ReplyOf<P>>, state: S): Awaitable<CallResult<S, ReplyOf<P>>>;
  /**
   * Handles a message sent with `cast(pid, message)`, which nobody waits on (OTP's
   * `handle_cast/2`). The default crashes the server with `UnhandledMessageError`.
   *
   * Returning `Result.noreply(state, options?)` goes on with `state`.
   *
   * Returning `Result.stop(reason, state)` runs `terminate(reason, state)`, then the process
   * exits with `reason`.
   */
  handleCast?(message: CastOf<P>, state: S): Awaitable<NoticeResult<S>>;
  /**
   * Handles a plain message sent with `send(pid, message)`, and the runtime's own
   * {@link SystemMessage}s: `ExitSignal` when trapping exits, `Down` from a monitor,
   * `IdleTimeout` (OTP's `handle_info/2`). The default logs the message and keeps the state.
   *
   * Returning `Result.noreply(state, options?)` goes on with `state`.
   *
   * Returning `Result.stop(reason, state)` runs `terminate(reason, state)`, then the process
   * exits with `reason`.
   */
  handleInfo?(message: InfoOf<P> | SystemMessage, state: S): Awaitable<NoticeResult<S>>;
  /**
   * Runs right after the callback whose result carried `continue: value`, before any further
   * message is taken from the mailbox (OTP's `handle_continue/2`). Required only if a result
   * asks for a continue.
   *
   * Returning `Result.noreply(state, options?)` goes on with `state` (and may chain another
   * continue).
   *
   * Returning `Result.stop(reason, state)` runs `terminate(reason, state)`, then the process
   * exits with `reason`.
   */
  handleContinue?(value: unknown, state: S): Awaitable<NoticeResult<S>>;
  /**
   * Called with the exit reason and the last state when the server stops: after a `stop`
   * result, after a callback crash, and on a supervisor's shutdown (OTP's `terminate/2`).
   * Release resources here. The default does nothing.
   *
   * Returns nothing, or a promise the process waits for before it exits (a stop or shutdown
   * timeout may kill it first). If it throws or rejects, the process exits with a
   * `CallbackError` naming `terminate` instead of the original reason.
   */
  terminate?(reason: ExitReason, state: S): void | PromiseLike<void>;
}
