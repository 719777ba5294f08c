// Delayed messages on the runtime's clock (OTP's `erlang:send_after/3`, `cancel_timer/1`).
import { sentByTheDead } from './caller.js';
import { INFO } from './mailbox.js';
import type { Pid } from './pid.js';
import { SendAfterTimer, disownTimer, ownTimer } from './process-timers.js';
import type { InfoOf, Protocol } from './protocol.js';

/** A pending `sendAfter`; pass it to `cancelTimer` or `readTimer`. */
export type TimerRef = SendAfterTimer;

/**
 * Delivers `message` to `pid`'s `handleInfo` after `delay` ms on its runtime's clock (a delay of 0
 * delivers at once, as OTP's `send_after(0, …)`; other delays under 1 ms wait 1 ms). The timer
 * is cancelled if the process exits first; for a pid that has already exited nothing is sent, and
 * code of a process that has exited arms nothing (the ref it gets is never armed).
 */
export function sendAfter<P extends Protocol>(pid: Pid<P>, message: InfoOf<P>, delay: number): TimerRef {
  const proc = sentByTheDead('sendAfter') ? null : pid.proc;
  const timer = new SendAfterTimer(proc, message);
  if (proc === null) return timer;
  if (delay === 0) {
    // OTP sends a 0 ms send_after at once: it overtakes timers armed earlier with 1 ms.
    proc.enqueue(INFO, message);
    return timer;
  }
  ownTimer(proc, timer);
  proc.rt.timers.add(timer, delay);
  return timer;
}

/** Cancels a `sendAfter`; returns the milliseconds it had left, or false if it had fired or was cancelled. */
export function cancelTimer(ref: TimerRef): number | false {
  const proc = ref.target;
  if (proc === null || !ref.armed) return false;
  const left = proc.rt.timers.remaining(ref) ?? 0;
  proc.rt.timers.remove(ref);
  disownTimer(proc, ref);
  return left;
}

/** Milliseconds left before a `sendAfter` fires, or false if it fired or was cancelled. */
export function readTimer(ref: TimerRef): number | false {
  const proc = ref.target;
  if (proc === null || !ref.armed) return false;
  return proc.rt.timers.remaining(ref) ?? false;
}
