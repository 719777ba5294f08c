// Supervisor: starts children in order, restarts them by strategy within a restart intensity,
// and stops them in reverse order (OTP's `supervisor`). It is a GenServer on the public API.
import createDebug from 'debug';
import { resolveChildSpec, shouldRestart, type ChildSpec, type ResolvedChildSpec } from './child-spec.js';
import { shutdownChild } from './child-shutdown.js';
import { InitIgnoredError } from './errors.js';
import { ExitSignal, isNormalExit, type ExitReason } from './exit-reason.js';
import { Result, type GenServer } from './gen-server.js';
import { call, send } from './messaging.js';
import type { Pid } from './pid.js';
import { RestartIntensity } from './restart-intensity.js';
import type { Runtime } from './runtime.js';
import { runAs } from './caller.js';
import { link, self, trapExit } from './signals.js';
import { ChildStartError, SupervisorError } from './supervisor-errors.js';

const log = createDebug('switchboard:actor:supervisor');

/**
 * - `one_for_one`: only the child that exited is restarted;
 * - `one_for_all`: all other children are stopped (reverse order), then all restarted (in order);
 * - `rest_for_one`: the children started after it are stopped, then it and they are restarted.
 */
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/** What a supervisor supervises and how (OTP's supervisor flags and child specs). */
export interface SupervisorSpec {
  /** The children, started in this order and stopped in the reverse order. */
  readonly children: readonly ChildSpec[];
  /** Default `one_for_one`. */
  readonly strategy?: Strategy;
  /** Restarts allowed within `period` (default 3); one more stops the supervisor with `shutdown`. */
  readonly intensity?: number;
  /** Milliseconds (default 5000). */
  readonly period?: number;
}

/** Options of `startSupervisor`. */
export interface SupervisorStartOptions {
  /** Register the supervisor under this name. */
  readonly name?: string;
  /** Link to the parent (`true`: the calling process); a nested supervisor passes its parent. */
  readonly link?: boolean | Pid;
}

/** One row of `whichChildren`. */
export interface ChildInfo {
  /** The child's id from its spec. */
  readonly id: string;
  /** null when the child is not running (ignored at start, terminated, or failed to restart). */
  readonly pid: Pid | null;
  /** Whether the child is a worker or a supervisor. */
  readonly type: 'worker' | 'supervisor';
  /** The child's restart type from its spec, defaults applied. */
  readonly restart: ResolvedChildSpec['restart'];
}

/** A window of a supervisor's children: `limit` rows from `offset` (in `whichChildren`'s order). */
export interface ChildPage {
  /** Rows to skip from the start (default 0). */
  readonly offset?: number;
  /** Rows to return at most (default: all the rest). */
  readonly limit?: number;
}

/** The rows of `items` that `page` selects (all of them without one). */
export function pageOf<T>(items: Iterable<T>, page: ChildPage | undefined): T[] {
  const offset = page?.offset ?? 0;
  const limit = page?.limit ?? Infinity;
  const out: T[] = [];
  let index = 0;
  for (const item of items) {
    if (out.length >= limit) break;
    if (index++ >= offset) out.push(item);
  }
  return out;
}

/** The children in OTP's `which_children` order: the one started last first. */
function* newestFirst<T>(items: readonly T[]): Generator<T> {
  for (let i = items.length - 1; i >= 0; i--) yield items[i]!;
}

/** What `countChildren` returns (OTP's `count_children`). */
export interface ChildCounts {
  /** Child specs the supervisor holds, running or not. */
  readonly specs: number;
  /** Children running now. */
  readonly active: number;
  /** Children that are workers. */
  readonly workers: number;
  /** Children that are supervisors. */
  readonly supervisors: number;
}

/**
 * A supervisor's answer to a {@link SupervisorRequest}: the value, or the error the helper
 * function (`startChild`, `terminateChild`, …) rejects with. Errors travel as values so that a
 * refused request does not crash the supervisor.
 */
export type Outcome<T> =
  | {
      /** The request succeeded. */
      readonly ok: true;
      /** What the request produced: a pid, a list of children, counts, or nothing. */
      readonly value: T;
    }
  | {
      /** The request was refused or failed. */
      readonly ok: false;
      /** Why: usually a `SupervisorError` or a `ChildStartError`. */
      readonly error: Error;
    };

/**
 * The call requests a supervisor handles, one per helper function; prefer the functions
 * (`startChild`, `terminateChild`, `restartChild`, `deleteChild`, `whichChildren`,
 * `countChildren`), which unwrap the {@link Outcome}.
 */
export type SupervisorRequest =
  | {
      /** Add a child and start it (`startChild`). */
      readonly op: 'startChild';
      /** The new child's spec. */
      readonly spec: ChildSpec;
    }
  | {
      /** Stop a running child, keeping its spec (`terminateChild`). */
      readonly op: 'terminateChild';
      /** The child's id, or its pid. */
      readonly id: string | Pid;
    }
  | {
      /** Start a terminated child again (`restartChild`). */
      readonly op: 'restartChild';
      /** The child's id. */
      readonly id: string;
    }
  | {
      /** Remove a terminated child's spec (`deleteChild`). */
      readonly op: 'deleteChild';
      /** The child's id. */
      readonly id: string;
    }
  | {
      /** List children (`whichChildren`). */
      readonly op: 'whichChildren';
      /** Which rows to return; all of them without one. */
      readonly page?: ChildPage;
    }
  | {
      /** Count children (`countChildren`). */
      readonly op: 'countChildren';
    };

/**
 * The messages a supervisor accepts (use the functions below rather than calling it directly).
 * Its info messages are its own retry notes; anything else sent to it is ignored.
 */
export type SupervisorProtocol = {
  /** The requests the supervisor's helper functions send. */
  call: SupervisorRequest;
  /** Every request is answered with an outcome, so a refusal never crashes the supervisor. */
  reply: Outcome<unknown>;
  /** The supervisor's own retry notes; anything else is ignored. */
  info: unknown;
};

/** @internal sent to itself when a restart failed, to try again (counted against the intensity) */
class RetryRestart {
  constructor(readonly id: string) {}
}

interface Child {
  readonly spec: ResolvedChildSpec;
  pid: Pid | null;
}

interface State {
  readonly runtime: Runtime;
  readonly self: Pid<SupervisorProtocol>;
  readonly strategy: Strategy;
  readonly intensity: RestartIntensity;
  readonly children: Child[];
}

interface InitArgs {
  readonly runtime: Runtime;
  readonly spec: SupervisorSpec;
}

const SupervisorBehaviour: GenServer<State, SupervisorProtocol, InitArgs> = {
  behaviourName: 'supervisor',
  // Its code after an await runs the children's start functions and links through runAs, as the
  // supervisor (inert once it has exited): a program of synchronous callbacks pays no tracking.
  tracksAwaits: false,

  async init({ runtime, spec }) {
    trapExit(true);
    const state: State = {
      runtime,
      self: self<SupervisorProtocol>(),
      strategy: spec.strategy ?? 'one_for_one',
      intensity: new RestartIntensity(spec.intensity ?? 3, spec.period ?? 5000, runtime.clock),
      children: [],
    };
    // Validate every spec before starting anything, so a bad spec never orphans started children.
    const specs = spec.children.map(resolveChildSpec);
    const ids = new Set(specs.map((s) => s.id));
    if (ids.size !== specs.length) throw new TypeError('child ids must be unique');
    for (const childSpec of specs) {
      const child: Child = { spec: childSpec, pid: null };
      const started = await startChildProcess(state, child);
      if (!started.ok) {
        await stopChildren(state, state.children);
        return Result.stop(started.error, state);
      }
      state.children.push(child);
    }
    return Result.ok(state);
  },

  async handleCall(request, _from, state) {
    return Result.reply(await handleRequest(request, state), state);
  },

  async handleInfo(message, state) {
    if (message instanceof RetryRestart) {
      const child = state.children.find((c) => c.spec.id === message.id);
      if (child === undefined || child.pid !== null) return Result.noreply(state);
      if (!state.intensity.record()) return giveUp(state);
      await restartGroup(state, child, 'retry');
      return Result.noreply(state);
    }
    if (!(message instanceof ExitSignal)) return Result.noreply(state);
    const child = state.children.find((c) => c.pid !== null && c.pid === message.from);
    if (child === undefined) return Result.noreply(state); // an exit we already handled
    child.pid = null;
    if (!isNormalExit(message.reason)) {
      state.runtime.report({ kind: 'supervisor', supervisor: state.self, context: 'child_terminated', childId: child.spec.id, child: message.from, reason: message.reason });
    }
    if (!shouldRestart(child.spec, message.reason)) {
      if (child.spec.restart === 'temporary') state.children.splice(state.children.indexOf(child), 1);
      return Result.noreply(state);
    }
    log('%s: child %s exited (%O), restarting (%s)', state.self, child.spec.id, message.reason, state.strategy);
    if (!state.intensity.record()) return giveUp(state);
    await restartGroup(state, child, message.reason);
    return Result.noreply(state);
  },

  async terminate(_reason, state) {
    await stopChildren(state, state.children);
  },
};

function giveUp(state: State): ReturnType<typeof Result.stop<State>> {
  log('%s: restart intensity reached, shutting down', state.self);
  state.runtime.report({ kind: 'supervisor', supervisor: state.self, context: 'shutdown', reason: 'reached_max_restart_intensity' });
  return Result.stop('shutdown', state);
}

/** Restarts `failed` and, per the strategy, its siblings. */
async function restartGroup(state: State, failed: Child, reason: ExitReason): Promise<void> {
  const { children } = state;
  let group: Child[];
  if (state.strategy === 'one_for_one') group = [failed];
  else if (state.strategy === 'one_for_all') group = [...children];
  else group = children.slice(children.indexOf(failed));
  await stopChildren(state, group.filter((c) => c !== failed));
  for (const child of group) {
    // a temporary sibling stopped for the restart is not restarted: it is removed
    if (child !== failed && child.spec.restart === 'temporary') {
      children.splice(children.indexOf(child), 1);
      continue;
    }
    const started = await startChildProcess(state, child);
    if (started.ok) {
      state.runtime.publish({ type: 'restart', supervisor: state.self, childId: child.spec.id, pid: child.pid, reason });
    } else {
      log('%s: restart of %s failed: %O', state.self, child.spec.id, started.error);
      state.runtime.report({ kind: 'supervisor', supervisor: state.self, context: 'start_error', childId: child.spec.id, child: null, reason: started.error });
      send(state.self, new RetryRestart(child.spec.id));
    }
  }
}

/** Stops the running children of `group` in reverse order. */
async function stopChildren(state: State, group: readonly Child[]): Promise<void> {
  for (let i = group.length - 1; i >= 0; i--) {
    const child = group[i]!;
    if (child.pid === null) continue;
    const pid = child.pid;
    child.pid = null;
    await shutdownChild(pid, child.spec.shutdown, state.self, state.runtime.clock);
  }
}

async function startChildProcess(state: State, child: Child): Promise<Outcome<Pid | null>> {
  try {
    // as the supervisor, as in OTP, where a start function runs in the supervisor's process
    const pid = await runAs(state.self, () => child.spec.start({ runtime: state.runtime, supervisor: state.self }));
    runAs(state.self, () => link(pid));
    child.pid = pid;
    return { ok: true, value: pid };
  } catch (error) {
    child.pid = null;
    if (error instanceof InitIgnoredError) return { ok: true, value: null };
    return { ok: false, error: new ChildStartError(child.spec.id, error) };
  }
}

async function handleRequest(request: SupervisorRequest, state: State): Promise<Outcome<unknown>> {
  const find = (id: string): Child | undefined => state.children.find((c) => c.spec.id === id);
  switch (request.op) {
    case 'startChild': {
      let spec: ResolvedChildSpec;
      try {
        spec = resolveChildSpec(request.spec);
      } catch (error) {
        return { ok: false, error: error as Error };
      }
      const existing = find(spec.id);
      if (existing !== undefined) {
        return { ok: false, error: new SupervisorError('ERR_CHILD_ALREADY_PRESENT', `child ${JSON.stringify(spec.id)} already exists`, existing.pid ?? undefined) };
      }
      const child: Child = { spec, pid: null };
      const started = await startChildProcess(state, child);
      if (started.ok) state.children.push(child);
      return started;
    }
    case 'terminateChild': {
      const child = typeof request.id === 'string' ? find(request.id) : state.children.find((c) => c.pid === request.id);
      if (child === undefined) return notFound(String(request.id));
      await stopChildren(state, [child]);
      if (child.spec.restart === 'temporary') state.children.splice(state.children.indexOf(child), 1);
      return { ok: true, value: undefined };
    }
    case 'restartChild': {
      const child = find(request.id);
      if (child === undefined) return notFound(request.id);
      if (child.pid !== null) return { ok: false, error: new SupervisorError('ERR_CHILD_RUNNING', `child ${JSON.stringify(request.id)} is running`, child.pid) };
      return startChildProcess(state, child);
    }
    case 'deleteChild': {
      const child = find(request.id);
      if (child === undefined) return notFound(request.id);
      if (child.pid !== null) return { ok: false, error: new SupervisorError('ERR_CHILD_RUNNING', `child ${JSON.stringify(request.id)} is running`, child.pid) };
      state.children.splice(state.children.indexOf(child), 1);
      return { ok: true, value: undefined };
    }
    case 'whichChildren':
      return {
        ok: true,
        value: pageOf(newestFirst(state.children), request.page).map((c): ChildInfo => ({ id: c.spec.id, pid: c.pid, type: c.spec.type, restart: c.spec.restart })),
      };
    case 'countChildren': {
      const counts: ChildCounts = {
        specs: state.children.length,
        active: state.children.filter((c) => c.pid !== null).length,
        workers: state.children.filter((c) => c.spec.type === 'worker').length,
        supervisors: state.children.filter((c) => c.spec.type === 'supervisor').length,
      };
      return { ok: true, value: counts };
    }
  }
}

export function notFound(id: string): Outcome<never> {
  return { ok: false, error: new SupervisorError('ERR_CHILD_NOT_FOUND', `no child ${JSON.stringify(id)}`) };
}

/** A supervisor's pid. */
export type SupervisorPid = Pid<SupervisorProtocol>;

/**
 * Starts a supervisor and its children, in order. Rejects with `InitError` whose `reason` is a
 * `ChildStartError` naming the child when one fails (those already started are stopped first).
 *
 * @example
 * const sup = await startSupervisor(rt, {
 *   strategy: 'one_for_one',
 *   children: [worker('db', Db, config), worker('api', Api, 8080)],
 * });
 */
export function startSupervisor(runtime: Runtime, spec: SupervisorSpec, options: SupervisorStartOptions = {}): Promise<SupervisorPid> {
  return runtime.start(SupervisorBehaviour, { runtime, spec }, { ...options, timeout: Infinity });
}

/** A child spec for a nested supervisor (type `supervisor`, shutdown `infinity`). */
export function supervisorChild(id: string, spec: SupervisorSpec, options: { restart?: ResolvedChildSpec['restart'] } = {}): ChildSpec {
  return {
    id,
    start: ({ runtime, supervisor }) => startSupervisor(runtime, spec, { link: supervisor }),
    restart: options.restart ?? 'permanent',
    shutdown: 'infinity',
    type: 'supervisor',
  };
}

async function request<T>(sup: SupervisorPid, req: SupervisorRequest): Promise<T> {
  const outcome = await call(sup, req, { timeout: Infinity });
  if (!outcome.ok) throw outcome.error;
  return outcome.value as T;
}

/** Adds and starts a child; resolves with its pid (null if its init returned ignore). */
export function startChild(sup: SupervisorPid, spec: ChildSpec): Promise<Pid | null> {
  return request(sup, { op: 'startChild', spec });
}
/**
 * Stops a child, named by id or pid; its spec stays (except a temporary child's) for
 * `restartChild`. A DynamicSupervisor's child is named by pid and its spec is dropped.
 */
export function terminateChild(sup: SupervisorPid, id: string | Pid): Promise<void> {
  return request(sup, { op: 'terminateChild', id });
}
/** Starts a stopped child again from its spec. */
export function restartChild(sup: SupervisorPid, id: string): Promise<Pid | null> {
  return request(sup, { op: 'restartChild', id });
}
/** Removes a stopped child's spec. */
export function deleteChild(sup: SupervisorPid, id: string): Promise<void> {
  return request(sup, { op: 'deleteChild', id });
}
/** The children in start order. */
/**
 * The supervisor's children, in start order; `page` takes a window of them (a supervisor of
 * transactions may have tens of thousands).
 */
export function whichChildren(sup: SupervisorPid, page?: ChildPage): Promise<ChildInfo[]> {
  return request(sup, page === undefined ? { op: 'whichChildren' } : { op: 'whichChildren', page });
}
/** Counts a supervisor's children by kind and by state (OTP's `Supervisor.count_children`). */
export function countChildren(sup: SupervisorPid): Promise<ChildCounts> {
  return request(sup, { op: 'countChildren' });
}
