// DynamicSupervisor: children started on demand (one per connection, per transaction), restarted
// one for one within a restart intensity, and stopped concurrently (Elixir's DynamicSupervisor).
// It answers the same calls as a Supervisor: startChild, terminateChild (by pid), whichChildren,
// countChildren.
import createDebug from 'debug';
import { resolveChildSpec, shouldRestart, type ResolvedChildSpec } from './child-spec.js';
import { shutdownChild } from './child-shutdown.js';
import { InitIgnoredError } from './errors.js';
import { ExitSignal, isNormalExit, type ExitReason } from './exit-reason.js';
import { Result, type GenServer } from './gen-server.js';
import { send } from './messaging.js';
import type { Pid } from './pid.js';
import { RestartIntensity } from './restart-intensity.js';
import type { Runtime } from './runtime.js';
import { runAs } from './caller.js';
import { link, self, trapExit } from './signals.js';
import { ChildStartError, SupervisorError } from './supervisor-errors.js';
import {
  notFound,
  pageOf,
  type ChildCounts,
  type ChildInfo,
  type Outcome,
  type SupervisorPid,
  type SupervisorProtocol,
  type SupervisorRequest,
  type SupervisorStartOptions,
} from './supervisor.js';

const log = createDebug('switchboard:actor:dynamic-supervisor');

/**
 * Limits of a DynamicSupervisor (OTP's `DynamicSupervisor`): children are added at run time with
 * `startChild`, one per connection or transaction, and restarted one for one.
 */
export interface DynamicSupervisorSpec {
  /** Restarts allowed within `period` (default 3). */
  readonly intensity?: number;
  /** Milliseconds (default 5000). */
  readonly period?: number;
  /** Most children at once (default unlimited); `startChild` beyond it fails with ERR_MAX_CHILDREN. */
  readonly maxChildren?: number;
  /** Passed to every child's `start` after the context (Elixir's `extra_arguments`). */
  readonly extraArguments?: readonly unknown[];
}

interface State {
  readonly runtime: Runtime;
  readonly self: Pid<SupervisorProtocol>;
  readonly intensity: RestartIntensity;
  readonly maxChildren: number;
  readonly extraArguments: readonly unknown[];
  /**
   * Each running child's spec: the caller's own object when it was complete (see resolveChildSpec),
   * or for a temporary child, what `keptSpec` keeps of it.
   */
  readonly children: Map<Pid, ResolvedChildSpec>;
  /** The last temporary child's kept spec, shared by the next ones that match it. */
  lastTemporary: ResolvedChildSpec | null;
}

/** A child to start again (its restart failed); carried in a message to the supervisor itself. */
class RetryDynamicRestart {
  constructor(readonly child: ResolvedChildSpec) {}
}

const DynamicSupervisorBehaviour: GenServer<State, SupervisorProtocol, { runtime: Runtime; spec: DynamicSupervisorSpec }> = {
  behaviourName: 'dynamic_supervisor',
  // as the Supervisor: its start functions and links run through runAs (see supervisor.ts)
  tracksAwaits: false,

  init({ runtime, spec }) {
    trapExit(true);
    return Result.ok({
      runtime,
      self: self<SupervisorProtocol>(),
      intensity: new RestartIntensity(spec.intensity ?? 3, spec.period ?? 5000, runtime.clock),
      maxChildren: spec.maxChildren ?? Infinity,
      extraArguments: spec.extraArguments ?? [],
      children: new Map(),
      lastTemporary: null,
    });
  },

  async handleCall(request, _from, state) {
    return Result.reply(await handleRequest(request, state), state);
  },

  async handleInfo(message, state) {
    let child: ResolvedChildSpec | undefined;
    let reason: ExitReason = 'retry';
    if (message instanceof ExitSignal) {
      child = message.from === null ? undefined : state.children.get(message.from);
      if (child === undefined) return Result.noreply(state);
      state.children.delete(message.from!);
      if (!isNormalExit(message.reason)) {
        state.runtime.report({ kind: 'supervisor', supervisor: state.self, context: 'child_terminated', childId: child.id, child: message.from, reason: message.reason });
      }
      if (!shouldRestart(child, message.reason)) return Result.noreply(state);
      reason = message.reason;
    } else if (message instanceof RetryDynamicRestart) {
      child = message.child;
    } else return Result.noreply(state);
    if (!state.intensity.record()) {
      log('%s: restart intensity reached, shutting down', state.self);
      state.runtime.report({ kind: 'supervisor', supervisor: state.self, context: 'shutdown', reason: 'reached_max_restart_intensity' });
      return Result.stop('shutdown', state);
    }
    const started = await startDynamicChild(state, child);
    if (started.ok) {
      state.runtime.publish({ type: 'restart', supervisor: state.self, childId: child.id, pid: started.value, reason });
    } else {
      log('%s: restart of a %s child failed: %O', state.self, child.id, started.error);
      state.runtime.report({ kind: 'supervisor', supervisor: state.self, context: 'start_error', childId: child.id, child: null, reason: started.error });
      send(state.self, new RetryDynamicRestart(child));
    }
    return Result.noreply(state);
  },

  async terminate(_reason, state) {
    const children = [...state.children];
    state.children.clear();
    await Promise.all(children.map(([pid, child]) => shutdownChild(pid, child.shutdown, state.self, state.runtime.clock)));
  },
};

async function startDynamicChild(state: State, child: ResolvedChildSpec): Promise<Outcome<Pid | null>> {
  try {
    const pid = await runAs(state.self, () => child.start({ runtime: state.runtime, supervisor: state.self }, ...state.extraArguments));
    runAs(state.self, () => link(pid));
    state.children.set(pid, keptSpec(state, child));
    return { ok: true, value: pid };
  } catch (error) {
    if (error instanceof InitIgnoredError) return { ok: true, value: null };
    return { ok: false, error: new ChildStartError(child.id, error) };
  }
}

/** The start of a kept temporary spec: a temporary child is never restarted, so it is never called. */
function notRestarted(): Promise<Pid> {
  return Promise.reject(new TypeError('a temporary child is never restarted'));
}

/**
 * What the supervisor keeps of a running child's spec. A temporary child is never restarted, so
 * its start function, and all it holds (a connection's socket, its options), is let go once the
 * child runs, as OTP's supervisors keep no start arguments for temporary children. What is left
 * (id, shutdown, type) is one object shared by consecutive temporary children that agree on it:
 * a DynamicSupervisor with a child per connection keeps no spec per connection.
 */
function keptSpec(state: State, child: ResolvedChildSpec): ResolvedChildSpec {
  if (child.restart !== 'temporary') return child;
  const last = state.lastTemporary;
  if (last !== null && last.id === child.id && last.shutdown === child.shutdown && last.type === child.type) return last;
  const kept: ResolvedChildSpec = { id: child.id, start: notRestarted, restart: 'temporary', shutdown: child.shutdown, type: child.type };
  state.lastTemporary = kept;
  return kept;
}

async function handleRequest(request: SupervisorRequest, state: State): Promise<Outcome<unknown>> {
  switch (request.op) {
    case 'startChild': {
      if (state.children.size >= state.maxChildren) {
        return { ok: false, error: new SupervisorError('ERR_MAX_CHILDREN', `at most ${state.maxChildren} children`) };
      }
      try {
        return await startDynamicChild(state, resolveChildSpec(request.spec));
      } catch (error) {
        return { ok: false, error: error as Error };
      }
    }
    case 'terminateChild': {
      const pid = request.id;
      const child = typeof pid === 'string' ? undefined : state.children.get(pid);
      if (child === undefined || typeof pid === 'string') return notFound(String(pid));
      state.children.delete(pid);
      await shutdownChild(pid, child.shutdown, state.self, state.runtime.clock);
      return { ok: true, value: undefined };
    }
    case 'whichChildren':
      return {
        ok: true,
        value: pageOf(state.children, request.page).map(([pid, c]): ChildInfo => ({ id: c.id, pid, type: c.type, restart: c.restart })),
      };
    case 'countChildren': {
      let supervisors = 0;
      for (const child of state.children.values()) if (child.type === 'supervisor') supervisors++;
      const counts: ChildCounts = { specs: state.children.size, active: state.children.size, workers: state.children.size - supervisors, supervisors };
      return { ok: true, value: counts };
    }
    case 'restartChild':
    case 'deleteChild':
      return { ok: false, error: new TypeError(`a DynamicSupervisor has no ${request.op}: children are started and stopped by pid`) };
  }
}

/**
 * Starts a DynamicSupervisor with no children. Add them with `startChild(sup, spec)` (the spec's
 * `start` also receives `extraArguments`), stop them with `terminateChild(sup, pid)`.
 *
 * @example
 * const connections = await startDynamicSupervisor(rt, { maxChildren: 10_000 });
 * const pid = await startChild(connections, worker('conn', Connection, socket, { restart: 'temporary' }));
 */
export function startDynamicSupervisor(runtime: Runtime, spec: DynamicSupervisorSpec = {}, options: SupervisorStartOptions = {}): Promise<SupervisorPid> {
  return runtime.start(DynamicSupervisorBehaviour, { runtime, spec }, options);
}
