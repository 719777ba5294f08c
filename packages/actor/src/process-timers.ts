// Timers owned by a process: `sendAfter` deliveries and the idle timeout a result may ask for.
// Both live in the runtime's TimerQueue and are disarmed when the process exits.
import { idleTimeout } from './exit-reason.js';
import { INFO } from './mailbox.js';
import type { Proc } from './process.js';
import { TimerEntry } from './timer-queue.js';

/** A message to deliver to a process later; returned (as `TimerRef`) by `sendAfter`. */
export class SendAfterTimer extends TimerEntry {
  /** @internal the target's other pending timers: a list through them, not a Set per process */
  ownerPrev: SendAfterTimer | null = null;
  /** @internal */
  ownerNext: SendAfterTimer | null = null;

  /** @internal made by `sendAfter`. */
  constructor(
    /** @internal */ readonly target: Proc | null,
    /** @internal */ readonly message: unknown,
  ) {
    super();
  }

  /** @internal called by the runtime's timer queue: delivers the message to the target's mailbox. */
  onTimeout(): void {
    const target = this.target;
    if (target === null) return;
    disownTimer(target, this);
    target.enqueue(INFO, this.message);
  }
}

/** Lists `timer` among the pending timers of `proc`, to be disarmed if it exits first. */
export function ownTimer(proc: Proc, timer: SendAfterTimer): void {
  const head = proc.timers;
  timer.ownerNext = head;
  if (head !== null) head.ownerPrev = timer;
  proc.timers = timer;
}

/** Takes `timer` off the pending timers of `proc` (fired or cancelled); nothing if it is not on them. */
export function disownTimer(proc: Proc, timer: SendAfterTimer): void {
  const prev = timer.ownerPrev;
  const next = timer.ownerNext;
  if (prev !== null) prev.ownerNext = next;
  else if (proc.timers === timer) proc.timers = next;
  else return;
  if (next !== null) next.ownerPrev = prev;
  timer.ownerPrev = timer.ownerNext = null;
}

/** Disarms every pending timer of `proc` (it exits). */
export function disarmOwnTimers(proc: Proc): void {
  let timer = proc.timers;
  proc.timers = null;
  while (timer !== null) {
    const next: SendAfterTimer | null = timer.ownerNext;
    proc.rt.timers.remove(timer);
    timer.ownerPrev = timer.ownerNext = null;
    timer = next;
  }
}

/** The per-process idle timer: one instance, re-armed by each result that asks for a timeout. */
export class IdleTimer extends TimerEntry {
  constructor(private readonly proc: Proc) {
    super();
  }

  onTimeout(): void {
    this.proc.enqueue(INFO, idleTimeout);
  }
}
