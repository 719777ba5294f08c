// Exit reasons and the system messages a process can find in handleInfo, with OTP's meanings.
import type { Pid, Ref } from './pid.js';

/**
 * Why a process exited. As in OTP:
 * - `'normal'`: a clean exit; linked processes that do not trap exits are not affected.
 * - `'shutdown'` or `{ shutdown: detail }`: an orderly stop asked for by a supervisor; not logged as
 *   a crash, and a `transient` child is not restarted.
 * - `'kill'`: sent with `exit(pid, 'kill')`, it cannot be trapped; the victim exits with `'killed'`.
 * - `'noproc'`: the process did not exist (a monitor or link on a dead pid).
 * - anything else, typically a {@link CallbackError}: a crash.
 */
export type ExitReason =
  | 'normal'
  | 'shutdown'
  | 'kill'
  | 'killed'
  | 'noproc'
  | {
      /** Why the supervisor or caller asked for the shutdown, e.g. a connector's name or a drain. */
      readonly shutdown: unknown;
    }
  | Error
  | string
  | object;

/** True for `'normal'`, `'shutdown'` and `{ shutdown: … }`: exits that are not crashes. */
export function isNormalExit(reason: unknown): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (typeof reason === 'object' && reason !== null && 'shutdown' in reason && !(reason instanceof Error))
  );
}

/** Delivered to a process that traps exits when a linked process exits (or `exit` is called). */
export class ExitSignal {
  /** Discriminant: always `'EXIT'`, as in OTP's `{'EXIT', From, Reason}`. */
  readonly type = 'EXIT' as const;
  /** @internal made by the runtime when it converts an exit signal into a message. */
  constructor(
    /** The process that exited or sent the signal; null when `exit` was called outside any process. */
    readonly from: Pid | null,
    /** Why the linked process exited, or the reason given to `exit(pid, reason)`. */
    readonly reason: ExitReason,
  ) {}
}

/** Delivered to a monitoring process when the monitored process exits. */
export class Down {
  /** Discriminant: always `'DOWN'`, as in OTP's `{'DOWN', Ref, process, Pid, Reason}`. */
  readonly type = 'DOWN' as const;
  /** @internal made by the runtime when a monitored process exits. */
  constructor(
    /** The reference `monitor` returned, to tell which monitor fired. */
    readonly ref: Ref,
    /** The monitored process, now gone. */
    readonly pid: Pid,
    /** Why it exited; `'noproc'` when it was already dead when `monitor` was called. */
    readonly reason: ExitReason,
  ) {}
}

/** Delivered when a callback asked for an idle `timeout` and no message came in time. */
export class IdleTimeout {
  /** Discriminant: always `'timeout'`, as OTP's `timeout` message. */
  readonly type = 'timeout' as const;
}

/** The one IdleTimeout instance. */
export const idleTimeout = new IdleTimeout();

/** Messages the runtime itself may deliver to `handleInfo`. */
export type SystemMessage = ExitSignal | Down | IdleTimeout;
