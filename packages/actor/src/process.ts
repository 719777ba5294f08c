// A process: a mailbox, a behaviour and its state. It handles one message at a time, checks
// every callback's result, and on exit fails what waits on it, notifies monitors and signals
// links, with OTP's semantics (RFC-like reference: Erlang Reference Manual, "Processes").
import createDebug from 'debug';
import type { CallRecord } from './call-record.js';
import { enterProc, enterRun, leaveProc, leaveRun, trackAsync } from './current.js';
import { BadReturnError, CallbackError, ExitError, InitError, ProcessExitedError, UnhandledMessageError } from './errors.js';
import { Down, ExitSignal, isNormalExit, type ExitReason } from './exit-reason.js';
import type { GenServer } from './gen-server.js';
import { CALL, CAST, EMPTY, INFO, Mailbox, STOP, SYSTEM } from './mailbox.js';
import { serveSystem, type SysRequest, type SysState } from './sys.js';
import { linkedProcs, withoutLink, type Links } from './link-set.js';
import { Pid, type Ref } from './pid.js';
import { IdleTimer, disarmOwnTimers, type SendAfterTimer } from './process-timers.js';
import type { AnyProtocol } from './protocol.js';
import type { Runtime } from './runtime.js';
import type { StopRequest } from './stop-request.js';
import { isThenable } from './thenable.js';
import { settleStart } from './process-init.js';

const log = createDebug('switchboard:actor:process');

/** Lifecycle of a process. */
export const INITIALIZING = 0;
export const ALIVE = 1;
export const EXITING = 2;
export const DEAD = 3;

const K_CALL = 1;
const K_CAST = 2;
const K_INFO = 3;
const K_CONTINUE = 4;
const CALLBACK_NAMES = ['init', 'handleCall', 'handleCast', 'handleInfo', 'handleContinue'] as const;

type AnyServer = GenServer<unknown, AnyProtocol, unknown>;

export interface ResultShape {
  type?: unknown;
  state?: unknown;
  reply?: unknown;
  reason?: unknown;
  withReply?: unknown;
  continue?: unknown;
  timeout?: unknown;
}

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
  /** Resolvers of `exited(pid)` promises (out-of-band: they do not need a mailbox). */
  exitWaiters: ((reason: ExitReason) => void)[] | null = null;
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

  // ---- running --------------------------------------------------------------------------

  /** Handles up to `budget` messages; returns how many it handled. */
  run(budget: number): number {
    const entered = enterRun(this);
    try {
      return this.sys !== null ? this.runDebugged(budget) : this.runTurn(budget);
    } finally {
      leaveRun(entered);
    }
  }

  private runTurn(budget: number): number {
    const mailbox = this.mailbox;
    let handled = 0;
    while (handled < budget && this.status === ALIVE && !this.suspended) {
      if (this.hasContinue) {
        const value = this.continueValue;
        this.hasContinue = false;
        this.continueValue = undefined;
        this.invoke(K_CONTINUE, value, null);
      } else {
        const tag = mailbox.shift();
        if (tag === EMPTY) break;
        const message = mailbox.message;
        mailbox.message = undefined;
        this.dispatch(tag, message);
        if (this.sys !== null) return handled + 1 + this.runDebugged(budget - handled - 1);
      }
      handled++;
    }
    return handled;
  }

  /** `run` while `sys` debugging is on: suspension defers messages; handled ones are recorded. */
  private runDebugged(budget: number): number {
    const mailbox = this.mailbox;
    let handled = 0;
    while (handled < budget && this.status === ALIVE && !this.suspended) {
      const sys = this.sys;
      if (sys === null) return handled + this.runTurn(budget - handled);
      handled++;
      if (this.hasContinue) {
        const value = this.continueValue;
        this.hasContinue = false;
        this.continueValue = undefined;
        this.invoke(K_CONTINUE, value, null);
        continue;
      }
      const source = !sys.suspended && sys.deferred.length > 0 ? sys.deferred : mailbox;
      const tag = source.shift();
      if (tag === EMPTY) break;
      const message = source.message;
      source.message = undefined;
      if (sys.suspended && tag !== SYSTEM && tag !== STOP) {
        sys.deferred.push(tag, message);
        continue;
      }
      this.dispatch(tag, message);
      if (tag === CAST || tag === INFO) sys.record(this, tag, message);
      else if (tag === CALL) sys.record(this, tag, (message as CallRecord).request);
    }
    return handled;
  }

  /** `message` is what was sent, except for a call or a sys request (its CallRecord) and a stop (its StopRequest). */
  private dispatch(tag: number, message: unknown): void {
    switch (tag) {
      case CAST:
        this.invoke(K_CAST, message, null);
        return;
      case CALL: {
        const record = message as CallRecord;
        this.invoke(K_CALL, record.request, record);
        return;
      }
      case INFO:
        // OTP gen_server: an EXIT from the parent, when trapping, means "terminate now". A server
        // started without a link is its own parent (gen:start's Parent = self()).
        if (message instanceof ExitSignal && message.from === (this.parent === null ? this.pid : this.parent.pid)) {
          this.beginExit(message.reason);
          return;
        }
        this.invoke(K_INFO, message, null);
        return;
      case STOP: {
        const request = message as StopRequest;
        this.stopCause = request;
        this.beginExit(request.reason);
        return;
      }
      case SYSTEM: {
        const record = message as CallRecord;
        serveSystem(this, record.request as SysRequest, record);
        return;
      }
    }
  }

  private invoke(kind: number, a: unknown, from: CallRecord | null): void {
    const behaviour = this.behaviour;
    const previous = enterProc(this);
    let result: unknown;
    try {
      switch (kind) {
        case K_CAST:
          if (behaviour.handleCast === undefined) throw new UnhandledMessageError('handleCast', this.pid, a);
          result = behaviour.handleCast(a, this.state);
          break;
        case K_CALL:
          if (behaviour.handleCall === undefined) throw new UnhandledMessageError('handleCall', this.pid, a);
          result = behaviour.handleCall(a, from!, this.state);
          break;
        case K_INFO:
          if (behaviour.handleInfo === undefined) {
            if (log.enabled) log('%s: unhandled info %O', this.pid, a);
            leaveProc(previous);
            return;
          }
          result = behaviour.handleInfo(a as never, this.state);
          break;
        default:
          if (behaviour.handleContinue === undefined) throw new TypeError('a result asked for a continue but handleContinue is not defined');
          result = behaviour.handleContinue(a, this.state);
      }
    } catch (error) {
      leaveProc(previous);
      this.crash(kind, error, a);
      return;
    }
    leaveProc(previous);
    if (isThenable(result)) this.awaitResult(kind, result, from, a);
    else this.applyResult(kind, result, from);
  }

  private awaitResult(kind: number, promise: PromiseLike<unknown>, from: CallRecord | null, message: unknown): void {
    trackAsync();
    this.suspended = true;
    promise.then(
      (result) => {
        if (this.status !== ALIVE) return;
        this.suspended = false;
        this.applyResult(kind, result, from);
        this.resume();
      },
      (error: unknown) => {
        if (this.status !== ALIVE) return;
        this.suspended = false;
        this.crash(kind, error, message);
      },
    );
  }

  private applyResult(kind: number, value: unknown, from: CallRecord | null): void {
    // killed by its own callback (exit(self(), 'kill')): what it returns changes nothing
    if (this.status === DEAD) return;
    if (typeof value !== 'object' || value === null) return this.badReturn(kind, value);
    const result = value as ResultShape;
    switch (result.type) {
      case 'noreply':
        this.state = result.state;
        this.applyOptions(result);
        return;
      case 'reply':
        if (kind !== K_CALL) return this.badReturn(kind, value);
        this.state = result.state;
        from!.settle(result.reply);
        this.applyOptions(result);
        return;
      case 'stop':
        if (result.withReply === true) {
          if (kind !== K_CALL) return this.badReturn(kind, value);
          this.stopReply = { to: from!, value: result.reply };
        }
        if ('state' in result) this.state = result.state;
        this.beginExit(result.reason as ExitReason);
        return;
      default:
        this.badReturn(kind, value);
    }
  }

  /** @internal applies `continue` and `timeout` from a result */
  applyOptions(result: ResultShape): void {
    if (result.continue !== undefined) {
      this.hasContinue = true;
      this.continueValue = result.continue;
    }
    const timeout = result.timeout;
    if (typeof timeout === 'number' && timeout !== Infinity && this.mailbox.length === 0 && !this.hasContinue) {
      this.rt.timers.add((this.idle ??= new IdleTimer(this)), timeout);
    }
  }

  private crash(kind: number, error: unknown, message: unknown): void {
    this.crashMessage = message;
    const reason = new CallbackError(CALLBACK_NAMES[kind]!, this.pid, error);
    if (log.enabled) log('%s crashed in %s: %O', this.pid, CALLBACK_NAMES[kind], error);
    this.beginExit(reason);
  }

  private badReturn(kind: number, value: unknown): void {
    const reason = new BadReturnError(CALLBACK_NAMES[kind]!, this.pid, value);
    if (log.enabled) log('%s: %s', this.pid, reason.message);
    this.beginExit(reason);
  }

  // ---- exit -----------------------------------------------------------------------------

  /** Orderly exit: `terminate(reason, state)` runs (it may be async), then the process is gone. */
  beginExit(reason: ExitReason): void {
    if (this.status >= EXITING) return;
    this.status = EXITING;
    const terminate = this.behaviour.terminate;
    if (terminate === undefined) return this.terminated(reason);
    const previous = enterProc(this);
    let result: unknown;
    try {
      result = terminate.call(this.behaviour, reason, this.state);
    } catch (error) {
      leaveProc(previous);
      return this.exitAbnormally(new CallbackError('terminate', this.pid, error));
    }
    leaveProc(previous);
    if (!isThenable(result)) return this.terminated(reason);
    trackAsync();
    result.then(
      () => this.terminated(reason),
      (error: unknown) => {
        if (this.status !== DEAD) this.exitAbnormally(new CallbackError('terminate', this.pid, error));
      },
    );
  }

  /** `terminate` has run: a `stopReply` answer goes now (OTP replies after terminate), then the exit. */
  private terminated(reason: ExitReason): void {
    if (this.status === DEAD) return;
    const answer = this.stopReply;
    if (answer !== null) {
      this.stopReply = null;
      answer.to.settle(answer.value);
    }
    if (!isNormalExit(reason)) this.reportCrash(reason);
    this.finalize(reason);
  }

  private exitAbnormally(reason: ExitReason): void {
    this.reportCrash(reason);
    this.finalize(reason);
  }

  /** OTP's crash report: the process ended abnormally by its own doing (not killed by a signal). */
  reportCrash(reason: ExitReason): void {
    const message = this.crashMessage;
    this.crashMessage = undefined;
    this.rt.report({
      kind: 'crash',
      pid: this.pid,
      name: this.name,
      behaviour: this.behaviour.behaviourName ?? 'gen_server',
      reason,
      ...(message === undefined ? {} : { lastMessage: message }),
    });
  }

  /** Ends the process now: no `terminate` (an exit signal or a kill). */
  finalize(reason: ExitReason): void {
    if (this.status === DEAD) return;
    this.status = DEAD;
    this.exitReason = reason;
    const rt = this.rt;
    const pid = this.pid;
    if (this.idle !== null) rt.timers.remove(this.idle);
    disarmOwnTimers(this);
    if (this.name !== null) rt.registry.release(this);
    if (this.starter !== null) settleStart(this, new InitError(reason));
    let call = this.callsHead;
    this.callsHead = null;
    if (call !== null) {
      const error = new ExitError(pid, reason);
      while (call !== null) {
        const next: CallRecord | null = call.cnext;
        call.cprev = call.cnext = null;
        call.fail(error);
        call = next;
      }
    }
    const stops = this.stopRequests;
    this.stopRequests = null;
    const cause = this.stopCause;
    this.stopCause = null;
    this.stopReply = null;
    if (stops !== null) for (const request of stops) request.settle(reason, request === cause);
    this.mailbox.drain();
    this.sys = null;
    this.state = undefined;
    pid.proc = null;
    if (this.monitoring !== null) {
      for (const [ref, target] of this.monitoring) target.monitoredBy?.delete(ref);
      this.monitoring = null;
    }
    if (this.monitoredBy !== null) {
      const watchers = this.monitoredBy;
      this.monitoredBy = null;
      for (const [ref, watcher] of watchers) {
        watcher.monitoring?.delete(ref);
        watcher.enqueue(INFO, new Down(ref, pid, reason));
      }
    }
    const links = this.links;
    this.links = null;
    rt.onExit(this, reason);
    const waiters = this.exitWaiters;
    this.exitWaiters = null;
    if (waiters !== null) {
      for (const waiter of waiters) {
        try {
          waiter(reason);
        } catch (error) {
          log('an exit callback of %s threw: %O', pid, error);
        }
      }
    }
    if (links !== null) {
      // A process that ended with reason 'kill' (not killed by the signal) sends 'kill' to its
      // links as an ordinary, trappable reason, as OTP does; one killed by the signal sends 'killed'.
      for (const linked of linkedProcs(links)) {
        linked.links = withoutLink(linked.links, this);
        rt.exitSignal(linked, pid, reason, true);
      }
    }
    if (this.abort !== null) this.abort.abort(new ProcessExitedError(pid, reason));
  }

  /** Removes every link without signalling (used when init fails). */
  unlinkAll(): void {
    const links = this.links;
    this.links = null;
    for (const linked of linkedProcs(links)) linked.links = withoutLink(linked.links, this);
  }
}
