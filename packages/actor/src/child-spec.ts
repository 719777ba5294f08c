// How a supervisor starts, restarts and stops one child (OTP's child specification).
import { isNormalExit, type ExitReason } from './exit-reason.js';
import type { GenServer } from './gen-server.js';
import type { Pid } from './pid.js';
import type { Protocol } from './protocol.js';
import type { Runtime, StartOptions } from './runtime.js';

/**
 * When a child is restarted after it exits:
 * - `permanent`: always;
 * - `transient`: only after an abnormal exit (not `normal`, `shutdown` or `{ shutdown: … }`);
 * - `temporary`: never, not even when a sibling's restart stops it; its spec is then removed.
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/**
 * How a child is stopped: milliseconds to wait after the `shutdown` exit signal before killing
 * it, `'brutal_kill'` to kill at once, or `'infinity'` to wait as long as it takes (the default
 * for supervisors, so a subtree can stop in order).
 */
export type Shutdown = number | 'brutal_kill' | 'infinity';

/** What a child's start function is given. */
export interface ChildContext {
  /** The runtime the supervisor runs on: start the child on it. */
  readonly runtime: Runtime;
  /** The supervisor: link the child to it (`{ link: context.supervisor }`). */
  readonly supervisor: Pid;
}

/**
 * How a supervisor starts, restarts and stops one child (OTP's child specification). `worker` and
 * `supervisorChild` build one for the usual cases.
 */
export interface ChildSpec {
  /** Unique among the supervisor's children. */
  readonly id: string;
  /**
   * Starts the child linked to `context.supervisor` and resolves with its pid. Rejecting with
   * `InitIgnoredError` (init returned `ignore`) leaves the child not running; any other
   * rejection is a failed start.
   */
  readonly start: (context: ChildContext, ...extraArguments: unknown[]) => Promise<Pid>;
  /** Default `permanent`. */
  readonly restart?: RestartType;
  /** Default 5000 ms for a worker, `'infinity'` for a supervisor. */
  readonly shutdown?: Shutdown;
  /** Default `worker`. */
  readonly type?: 'worker' | 'supervisor';
}

/** Options of `worker`: the start options it passes on, and the child's restart and shutdown policy. */
export interface WorkerOptions extends Pick<StartOptions, 'name' | 'timeout'> {
  /** When the supervisor restarts the child (default `permanent`); see {@link RestartType}. */
  readonly restart?: RestartType;
  /** How long the supervisor waits for the child's `terminate` when stopping it (default 5000 ms); see {@link Shutdown}. */
  readonly shutdown?: Shutdown;
}

/**
 * A child spec for a GenServer: it is started with `runtime.start(behaviour, args)`, linked to
 * the supervisor.
 *
 * @example
 * const spec = worker('cache', Cache, { size: 100 }, { restart: 'transient' });
 */
export function worker<S, P extends Protocol, A>(id: string, behaviour: GenServer<S, P, A>, args: A, options: WorkerOptions = {}): ChildSpec {
  return {
    id,
    start: ({ runtime, supervisor }) =>
      (runtime.start as (b: GenServer<S, P, A>, a: A, o: StartOptions) => Promise<Pid>)(behaviour, args, {
        link: supervisor,
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      }),
    restart: options.restart ?? 'permanent',
    shutdown: options.shutdown ?? 5000,
    type: 'worker',
  };
}

/** The defaults filled in. */
export interface ResolvedChildSpec extends ChildSpec {
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
  readonly type: 'worker' | 'supervisor';
}

/**
 * The spec with its defaults filled in. A spec that sets every field is returned as it is (its
 * fields are readonly): a DynamicSupervisor keeps one per restartable child and resolves one per
 * start (a connection, a transaction), and a copy is 64 bytes more each time.
 */
export function resolveChildSpec(spec: ChildSpec): ResolvedChildSpec {
  const type = spec.type ?? 'worker';
  if (typeof spec.id !== 'string' || spec.id === '') throw new TypeError('a child spec needs a non-empty string id');
  if (typeof spec.start !== 'function') throw new TypeError(`child ${spec.id}: start must be a function`);
  const shutdown = spec.shutdown ?? (type === 'supervisor' ? 'infinity' : 5000);
  if (typeof shutdown === 'number' && !(shutdown >= 0)) throw new TypeError(`child ${spec.id}: shutdown must be >= 0 ms`);
  if (spec.restart !== undefined && spec.shutdown !== undefined && spec.type !== undefined) return spec as ResolvedChildSpec;
  // A literal of one shape, not a spread: a copy that adds fields the spec lacks gets a separate
  // property array, and a DynamicSupervisor keeps one of these per child.
  return { id: spec.id, start: spec.start, restart: spec.restart ?? 'permanent', shutdown, type };
}

/** Whether a child that exited with `reason` is restarted, by its restart type. */
export function shouldRestart(spec: ResolvedChildSpec, reason: ExitReason): boolean {
  if (spec.restart === 'permanent') return true;
  if (spec.restart === 'temporary') return false;
  return !isNormalExit(reason);
}
