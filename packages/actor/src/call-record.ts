// One outstanding call: the caller's promise, its timeout (armed in the runtime's TimerQueue),
// and its place in the callee's list of unanswered calls, so an exit can fail it.
import createDebug from 'debug';
import { CallTimeoutError } from './errors.js';
import type { From } from './gen-server.js';
import type { Pid } from './pid.js';
import type { Proc } from './process.js';
import { TimerEntry } from './timer-queue.js';

const log = createDebug('switchboard:actor:call');

export class CallRecord extends TimerEntry implements From<unknown> {
  /** @internal neighbours in the callee's list of unanswered calls */
  cprev: CallRecord | null = null;
  /** @internal */
  cnext: CallRecord | null = null;
  done = false;
  resolve: (value: unknown) => void = noop;
  reject: (error: unknown) => void = noop;

  constructor(
    readonly callee: Proc,
    readonly caller: Pid | null,
    readonly timeout: number,
    /** @internal the request, carried to the callee's mailbox in this record (one slot there, not two) */
    readonly request: unknown,
  ) {
    super();
  }

  onTimeout(): void {
    if (this.done) return;
    this.done = true;
    this.callee.forgetCall(this);
    this.reject(new CallTimeoutError(this.callee.pid, this.timeout));
  }

  /** Answers the caller; false (and a debug line) when it no longer waits. */
  settle(value: unknown): boolean {
    if (this.done) {
      if (log.enabled) log('dropped late reply from %s to %s', this.callee.pid, this.caller ?? 'outside');
      return false;
    }
    this.done = true;
    if (this.list !== null) this.callee.rt.timers.remove(this);
    this.callee.forgetCall(this);
    this.resolve(value);
    return true;
  }

  /** Fails the caller (the callee exited); the callee clears its own list. */
  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.list !== null) this.callee.rt.timers.remove(this);
    this.reject(error);
  }
}

function noop(): void {}
