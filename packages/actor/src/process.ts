// A process: a mailbox, a behaviour and its state, with OTP's semantics (Erlang Reference Manual,
// "Processes"). This module holds its record and how messages reach it; the message loop is in
// process-loop.ts, the exit in process-exit.ts.
import type { CallRecord } from './call-record.js';
import type { ExitWaiter } from './exit-handler.js';
import type { ExitReason } from './exit-reason.js';
import type { GenServer } from './gen-server.js';
import { Mailbox } from './mailbox.js';
import type { SysState } from './sys.js';
import type { Links } from './link-set.js';
import { Pid, type Ref } from './pid.js';
import type { IdleTimer, SendAfterTimer } from './process-timers.js';
import type { AnyProtocol } from './protocol.js';
import type { Runtime } from './runtime.js';
import type { StopRequest } from './stop-request.js';

/** Lifecycle of a process. */
export const INITIALIZING = 0;
export const ALIVE = 1;
export const EXITING = 2;
export const DEAD = 3;

type AnyServer = GenServer<unknown, AnyProtocol, unknown>;

export interface Starter {
  resolve: (pid: Pid) => void;
  reject: (error: unknown) => void;
}

let nextPidId = 1;

export class Proc {
  readonly pid: Pid;
  status = INITIALIZING;
  state: unknown = undefined;
  readonly mailbox = new Mailbox();
  /** In the scheduler's run queue. */
  queued = false;
  /** Waiting for an asynchronous callback to settle. */
  suspended = false;
  trapExit = false;
  hasContinue = false;
  continueValue: unknown = undefined;
  /** The process that started this one linked (OTP's parent); its EXIT triggers terminate. */
  parent: Proc | null = null;
  name: string | null = null;
  links: Links = null;
  /** Monitors others hold on this process: ref -> watcher. */
  monitoredBy: Map<Ref, Proc> | null = null;
  /** Monitors this process holds: ref -> target. */
  monitoring: Map<Ref, Proc> | null = null;
  /** The newest of its pending `sendAfter` timers, which list the others (ownerNext). */
  timers: SendAfterTimer | null = null;
  idle: IdleTimer | null = null;
  /** Head of the list of calls received and not answered yet. */
  callsHead: CallRecord | null = null;
  stopRequests: StopRequest[] | null = null;
  starter: Starter | null = null;
  /**
   * Resolvers of `exited(pid)` promises and `onExit` callbacks or handlers (out-of-band: they do
   * not need a mailbox). One is held as it is, more in an array: most processes that have any have one.
   */
  exitWaiters: ExitWaiter | ExitWaiter[] | null = null;
  exitReason: ExitReason | undefined = undefined;
  /** The `stop` request being carried out: the one `stop` call that resolves (OTP: the others exit). */
  stopCause: StopRequest | null = null;
  /** A `Result.stopReply` answer, sent once `terminate` has run (OTP's order). */
  stopReply: { readonly to: CallRecord; readonly value: unknown } | null = null;
  /** Made on first `abortSignal()`; aborted when the process exits. */
  abort: AbortController | null = null;
  /** The message a callback was handling when it threw, for the crash report. */
  crashMessage: unknown = undefined;
  /** Debugging state of `sys` (suspension, statistics, trace, log); null when none is on. */
  sys: SysState | null = null;

  constructor(
    readonly rt: Runtime,
    readonly behaviour: AnyServer,
  ) {
    this.pid = new Pid(nextPidId++, this);
  }

  // ---- delivery -------------------------------------------------------------------------

  /** Puts a message in the mailbox; false when the process no longer accepts messages. */
  enqueue(tag: number, message: unknown): boolean {
    if (this.status > ALIVE) return false;
    this.mailbox.push(tag, message);
    const idle = this.idle;
    if (idle !== null && idle.list !== null) this.rt.timers.remove(idle);
    if (!this.queued && !this.suspended && this.status === ALIVE) {
      this.queued = true;
      this.rt.scheduler.schedule(this);
    }
    return true;
  }

  addCall(record: CallRecord): void {
    record.cnext = this.callsHead;
    if (this.callsHead !== null) this.callsHead.cprev = record;
    this.callsHead = record;
  }

  forgetCall(record: CallRecord): void {
    if (record.cprev === null) {
      if (this.callsHead === record) this.callsHead = record.cnext;
    } else record.cprev.cnext = record.cnext;
    if (record.cnext !== null) record.cnext.cprev = record.cprev;
    record.cprev = null;
    record.cnext = null;
  }

  addStop(request: StopRequest): void {
    (this.stopRequests ??= []).push(request);
  }

  forgetStop(request: StopRequest): void {
    const list = this.stopRequests;
    if (list === null) return;
    const i = list.indexOf(request);
    if (i >= 0) list.splice(i, 1);
  }

  hasWork(): boolean {
    if (this.status !== ALIVE || this.suspended) return false;
    if (this.mailbox.length > 0 || this.hasContinue) return true;
    const sys = this.sys;
    return sys !== null && !sys.suspended && sys.deferred.length > 0;
  }

  /** Schedules the process if it has work and is not queued (after a callback settled). */
  resume(): void {
    if (!this.queued && this.hasWork()) {
      this.queued = true;
      this.rt.scheduler.schedule(this);
    }
  }
}
