// Timers owned by a process: `sendAfter` deliveries and the idle timeout a result may ask for.
// Both live in the runtime's TimerQueue and are disarmed when the process exits.
import { idleTimeout } from './exit-reason.js';
import { INFO } from './mailbox.js';
import type { Proc } from './process.js';
import { TimerEntry } from './timer-queue.js';

/** A message to deliver to a process later; returned (as `TimerRef`) by `sendAfter`. */
export class SendAfterTimer extends TimerEntry {
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
    target.timers?.delete(this);
    target.enqueue(INFO, this.message);
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
