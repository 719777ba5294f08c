// One pending `stop(pid, reason)`: settled when the process has exited, or on its timeout.
import { ExitError, StopTimeoutError } from './errors.js';
import type { ExitReason } from './exit-reason.js';
import type { Proc } from './process.js';
import { TimerEntry } from './timer-queue.js';

export class StopRequest extends TimerEntry {
  done = false;

  constructor(
    readonly proc: Proc,
    readonly reason: ExitReason,
    readonly timeout: number,
    readonly resolve: () => void,
    readonly reject: (error: unknown) => void,
  ) {
    super();
  }

  onTimeout(): void {
    if (this.done) return;
    this.done = true;
    this.proc.forgetStop(this);
    this.reject(new StopTimeoutError(this.proc.pid, this.timeout));
  }

  /**
   * The process exited with `exitReason`: resolve if this request made it exit with the reason it
   * asked for. Any other waiting `stop` rejects with the reason, as OTP's second caller exits.
   */
  settle(exitReason: ExitReason, caused: boolean): void {
    if (this.done) return;
    this.done = true;
    if (this.list !== null) this.proc.rt.timers.remove(this);
    if (caused && exitReason === this.reason) this.resolve();
    else this.reject(new ExitError(this.proc.pid, exitReason));
  }
}
