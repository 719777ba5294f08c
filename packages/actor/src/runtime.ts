// A runtime: the clock, the timer queue, the scheduler and the registry that a set of processes
// share (an Erlang node, in one Node.js thread). Tests create one per test on a VirtualClock.
import createDebug from 'debug';
import { systemClock, type Clock } from './clock.js';
import { liveCaller } from './caller.js';
import { trackAsync, tracksAsync } from './current.js';
import { NotInProcessError, StartTimeoutError } from './errors.js';
import { ExitSignal, isNormalExit, type ExitReason } from './exit-reason.js';
import type { GenServer } from './gen-server.js';
import { withLink } from './link-set.js';
import { INFO } from './mailbox.js';
import type { Pid } from './pid.js';
import { DEAD, INITIALIZING, Proc } from './process.js';
import { finalize, unlinkAll } from './process-exit.js';
import { initProcess } from './process-init.js';
import type { AnyProtocol, Protocol } from './protocol.js';
import { Registry } from './registry.js';
import { RingQueue } from './ring-queue.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import { TimerEntry, TimerQueue } from './timer-queue.js';
import { VirtualClock } from './virtual-clock.js';
import { EventStream, type RuntimeEvent, type RuntimeEventListener } from './events.js';
import { stderrReports, type Report, type ReportHandler } from './reports.js';

const log = createDebug('switchboard:actor:runtime');

/** Default time an asynchronous `init` may take before `start` gives up. */
export const DEFAULT_START_TIMEOUT = 5000;

/** Options of a `Runtime`: its clock and its scheduler's budget. */
export interface RuntimeOptions extends SchedulerOptions {
  /** Source of time for every timer; default the system clock. Pass a VirtualClock in tests. */
  readonly clock?: Clock;
  /**
   * Where crash and supervisor reports go (OTP's logger reports): default one line each on
   * stderr; pass your logger's function, or `false` to drop them.
   */
  readonly reports?: ReportHandler | false;
}

/** Options of `runtime.start`: a name, a link, a timeout for `init`. */
export interface StartOptions {
  /** Register the process under this name; start fails if the name is taken. */
  readonly name?: string;
  /**
   * Link the new process to its parent: `true` for the calling process (it must run inside a
   * process), or the parent's pid. An exit signal from the parent makes a process that traps
   * exits run `terminate` and exit with the parent's reason.
   */
  readonly link?: boolean | Pid;
  /** How long an asynchronous `init` may take (ms); default 5000; Infinity to wait forever. */
  readonly timeout?: number;
}

/** Counters of a runtime, read by `runtime.stats()` for status pages and metrics. */
export interface RuntimeStats {
  /** Processes started and not yet exited. */
  readonly processes: number;
  /** Processes waiting in the run queue. */
  readonly runnable: number;
  /** Times the scheduler handed the event loop back with work left (time slice used up). */
  readonly yields: number;
  /** Registered names. */
  readonly names: number;
}

/** `start`'s arguments: `args` may be left out when `init` takes none. */
export type StartArgs<A> = [A] extends [void]
  ? [args?: A, options?: StartOptions]
  : unknown extends A
    ? [args?: A, options?: StartOptions]
    : [args: A, options?: StartOptions];

/**
 * Where processes live: the clock, the timer queue, the scheduler and the registry they share.
 * Every process, timer and supervisor belongs to one runtime, so tests can run many side by side,
 * each on its own `VirtualClock`.
 *
 * @example
 * ```ts
 * const runtime = new Runtime();
 * const counter = await runtime.start<number, { call: 'get'; reply: number; cast: number }, void>({
 *   init: () => Result.ok(0),
 *   handleCall: (_request, _from, n) => Result.reply(n, n),
 *   handleCast: (add, n) => Result.noreply(n + add),
 * });
 * cast(counter, 2);
 * await call(counter, 'get'); // 2
 * ```
 */
export class Runtime {
  /** The clock every timer of this runtime goes through (the system clock unless one was given). */
  readonly clock: Clock;
  /** The names registered on this runtime. */
  readonly registry = new Registry();
  /** @internal */ readonly timers: TimerQueue;
  /** @internal */ readonly scheduler: Scheduler;
  private readonly kills = new RingQueue<unknown>(16);
  private killing = false;
  private readonly startTimers = new Map<Proc, StartTimer>();
  private live = 0;
  private readonly events = new EventStream();
  private readonly detachClock: (() => void) | undefined;
  private readonly reports: ReportHandler | null;

  /**
   * Creates an empty runtime. Processes are started with `start`, `startSupervisor` or `startApplication`.
   */
  constructor(options: RuntimeOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timers = new TimerQueue(this.clock);
    this.scheduler = new Scheduler(options);
    this.reports = options.reports === false ? null : (options.reports ?? stderrReports);
    if (this.clock instanceof VirtualClock) this.detachClock = this.clock.addSettler(() => this.whenIdle());
  }

  /**
   * Starts a server: creates the process, runs `init(args)` and resolves with its pid once init
   * has run (OTP's `gen_server:start`/`start_link`).
   *
   * Return values: resolves with the pid; rejects with `AlreadyRegisteredError` (name taken),
   * `InitError` (init threw, returned an invalid result or `stop`; `terminate` is not called),
   * `InitIgnoredError` (init returned `ignore`) or `StartTimeoutError`.
   *
   * @example
   * const pid = await rt.start(Counter, 0, { name: 'counter' });
   */
  start<S, P extends Protocol, A>(behaviour: GenServer<S, P, A>, ...rest: StartArgs<A>): Promise<Pid<P>> {
    const [args, options] = rest as [A, StartOptions | undefined];
    let caller: Proc | null;
    try {
      caller = liveCaller('start');
    } catch (error) {
      return Promise.reject(error);
    }
    if (!tracksAsync() && behaviour.tracksAwaits !== false && hasAsyncCallback(behaviour as GenServer<unknown, AnyProtocol, unknown>)) trackAsync();
    let parent: Proc | null = null;
    if (options?.link !== undefined && options.link !== false) {
      parent = options.link === true ? caller : options.link.proc;
      if (parent === null) {
        return Promise.reject(options.link === true ? new NotInProcessError('start with link: true') : new TypeError('the parent to link to has exited'));
      }
    }
    const proc = new Proc(this, behaviour as GenServer<unknown, AnyProtocol, unknown>);
    if (options?.name !== undefined) {
      try {
        this.registry.claim(options.name, proc);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (parent !== null) {
      proc.parent = parent;
      proc.links = withLink(proc.links, parent);
      parent.links = withLink(parent.links, proc);
    }
    this.live++;
    return initProcess(proc, args, options?.timeout ?? DEFAULT_START_TIMEOUT) as Promise<Pid<P>>;
  }

  /** The pid registered under `name`, if any. */
  whereis<P extends Protocol = AnyProtocol>(name: string): Pid<P> | undefined {
    return this.registry.whereis<P>(name);
  }

  /** Processes started and not yet exited. */
  get processCount(): number {
    return this.live;
  }

  /**
   * Subscribes to spawn, exit and restart events (what an observer or a status page reads).
   * Returns the unsubscribe function. Listeners run synchronously; keep them cheap.
   */
  subscribe(listener: RuntimeEventListener): () => void {
    return this.events.subscribe(listener);
  }

  /** @internal a crash or supervisor report; a handler that throws is not let break the runtime */
  report(report: Report): void {
    if (this.reports === null) return;
    try {
      this.reports(report);
    } catch (error) {
      log('the report handler threw: %O', error);
    }
  }

  /** @internal used by supervisors to report restarts */
  publish(event: RuntimeEvent): void {
    if (this.events.active) this.events.publish(event);
  }

  /** Counters for status pages and tests. */
  stats(): RuntimeStats {
    return {
      processes: this.live,
      runnable: this.scheduler.runnable,
      yields: this.scheduler.yields,
      names: this.registry.size,
    };
  }

  /**
   * Resolves once no process is runnable: every message sent so far has been handled (and the
   * promise callbacks they resolved have run). Tests use it after `cast`/`send`.
   */
  async whenIdle(): Promise<void> {
    do {
      await new Promise<void>((resolve) => setImmediate(resolve));
    } while (!this.scheduler.idle);
  }

  /** Detaches from a VirtualClock (tests that create many runtimes on one clock). */
  dispose(): void {
    this.detachClock?.();
  }

  // ---- internal: signals, start timeouts, lifecycle hooks ------------------------------

  /**
   * @internal Delivers an exit signal (OTP semantics): `kill` sent explicitly cannot be trapped;
   * a process that traps exits gets an ExitSignal message; otherwise `normal` is ignored and any
   * other reason ends the target at once, without `terminate`.
   */
  exitSignal(target: Proc, from: Pid | null, reason: ExitReason, viaLink: boolean): void {
    if (target.status === DEAD) return;
    if (reason === 'kill' && !viaLink) return this.killLater(target, 'killed');
    if (target.trapExit) {
      target.enqueue(INFO, new ExitSignal(from, reason));
      return;
    }
    if (reason === 'normal' && from !== target.pid) return;
    this.killLater(target, reason);
  }

  /** Kills are queued so that a chain of linked processes dies iteratively, not recursively. */
  private killLater(target: Proc, reason: ExitReason): void {
    this.kills.push(target);
    this.kills.push(reason);
    if (this.killing) return;
    this.killing = true;
    try {
      while (this.kills.length > 0) {
        const proc = this.kills.shift() as Proc;
        const why = this.kills.shift() as ExitReason;
        if (proc.status === INITIALIZING) unlinkAll(proc);
        finalize(proc, why);
      }
    } finally {
      this.killing = false;
    }
  }

  /** @internal */
  armStartTimeout(proc: Proc, timeout: number): void {
    const timer = new StartTimer(this, proc, timeout);
    this.startTimers.set(proc, timer);
    this.timers.add(timer, timeout);
  }

  /** @internal */
  disarmStartTimeout(proc: Proc): void {
    const timer = this.startTimers.get(proc);
    if (timer === undefined) return;
    this.startTimers.delete(proc);
    this.timers.remove(timer);
  }

  /** @internal init returned ok */
  onStarted(proc: Proc): void {
    if (log.enabled) log('started %s%s', proc.pid, proc.name === null ? '' : ` as ${proc.name}`);
    if (this.events.active) {
      const behaviour = proc.behaviour.behaviourName ?? 'gen_server';
      this.events.publish({ type: 'spawn', pid: proc.pid, behaviour, name: proc.name, parent: proc.parent?.pid ?? null });
    }
  }

  /** @internal the process is gone */
  onExit(proc: Proc, reason: ExitReason): void {
    this.live--;
    if (this.events.active) this.events.publish({ type: 'exit', pid: proc.pid, reason });
    if (log.enabled) {
      if (isNormalExit(reason)) log('%s exited: %O', proc.pid, reason);
      else log('%s exited abnormally: %O', proc.pid, reason);
    }
  }

  /** @internal the start timeout fired */
  startTimedOut(proc: Proc, timeout: number): void {
    this.startTimers.delete(proc);
    const starter = proc.starter;
    proc.starter = null;
    if (proc.status === INITIALIZING) {
      unlinkAll(proc);
      finalize(proc, 'killed');
    }
    starter?.reject(new StartTimeoutError(timeout));
  }
}

const AsyncFunction = (async () => {}).constructor;

/** Whether any callback is an `async function`: its `await` continuations need tracking from the start. */
function hasAsyncCallback(behaviour: GenServer<unknown, AnyProtocol, unknown>): boolean {
  return (
    behaviour.init instanceof AsyncFunction ||
    behaviour.handleCall instanceof AsyncFunction ||
    behaviour.handleCast instanceof AsyncFunction ||
    behaviour.handleInfo instanceof AsyncFunction ||
    behaviour.handleContinue instanceof AsyncFunction ||
    behaviour.terminate instanceof AsyncFunction
  );
}

class StartTimer extends TimerEntry {
  constructor(
    private readonly rt: Runtime,
    private readonly proc: Proc,
    private readonly timeout: number,
  ) {
    super();
  }

  onTimeout(): void {
    this.rt.startTimedOut(this.proc, this.timeout);
  }
}
