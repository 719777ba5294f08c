// What an observer or a status page reads: one process's info, and a supervision tree's shape.
import { currentProc } from './current.js';
import { linkedProcs } from './link-set.js';
import type { Pid } from './pid.js';
import { ALIVE, EXITING, INITIALIZING } from './process.js';
import { countChildren, whichChildren, type SupervisorPid } from './supervisor.js';

/** What a process is doing at the moment `processInfo` looks: see `ProcessInfo.status`. */
export type ProcessStatus = 'initializing' | 'running' | 'runnable' | 'waiting' | 'suspended' | 'exiting';

/** A snapshot of one process (OTP's `Process.info`), for tools and status pages; `processInfo` returns it. */
export interface ProcessInfo {
  /** The process described. */
  readonly pid: Pid;
  /**
   * `running`: its callback is on the stack now; `runnable`: it has messages and awaits its turn;
   * `waiting`: its mailbox is empty; `suspended`: an async callback is pending; `exiting`: its
   * `terminate` is running.
   */
  readonly status: ProcessStatus;
  /** Messages waiting in its mailbox, not counting the one being handled. */
  readonly mailboxLength: number;
  /** The name it is registered under in the runtime's `Registry`, or null. */
  readonly registeredName: string | null;
  /** The behaviour's `behaviourName` ('gen_server', 'supervisor', 'xstate:<id>', …). */
  readonly behaviour: string;
  /** Whether it traps exits, receiving linked exits as `ExitSignal` messages instead of dying. */
  readonly trapExit: boolean;
  /** The process that started it linked, if any. */
  readonly parent: Pid | null;
  /** The processes linked to it: their exits reach it, and its exit reaches them. */
  readonly links: Pid[];
  /** Processes this one monitors. */
  readonly monitors: Pid[];
  /** Processes monitoring this one. */
  readonly monitoredBy: Pid[];
}

/** A snapshot of a live process, or undefined once it has exited. */
export function processInfo(pid: Pid): ProcessInfo | undefined {
  const proc = pid.proc;
  if (proc === null) return undefined;
  let status: ProcessStatus;
  if (proc.status === INITIALIZING) status = 'initializing';
  else if (proc.status >= EXITING) status = 'exiting';
  else if (currentProc() === proc) status = 'running';
  else if (proc.suspended) status = 'suspended';
  else status = proc.status === ALIVE && proc.queued ? 'runnable' : 'waiting';
  return {
    pid,
    status,
    mailboxLength: proc.mailbox.length,
    registeredName: proc.name,
    behaviour: proc.behaviour.behaviourName ?? 'gen_server',
    trapExit: proc.trapExit,
    parent: proc.parent?.pid ?? null,
    links: [...linkedProcs(proc.links)].map((p) => p.pid),
    monitors: proc.monitoring === null ? [] : [...proc.monitoring.values()].map((p) => p.pid),
    monitoredBy: proc.monitoredBy === null ? [] : [...proc.monitoredBy.values()].map((p) => p.pid),
  };
}

/** One node of `supervisionTree`: a supervisor or worker, with the children of supervisors below it. */
export interface SupervisionNode {
  /** The child's id in its supervisor's spec; the root is named by `supervisionTree`'s `id`. */
  readonly id: string;
  /** null when the child is not running. */
  readonly pid: Pid | null;
  /** Whether the child is a worker or a supervisor with children of its own. */
  readonly type: 'worker' | 'supervisor';
  /** Present for supervisors: their children in `whichChildren`'s order (the first `maxChildren`). */
  readonly children?: SupervisionNode[];
  /** Present for supervisors with more children than shown: how many were left out. */
  readonly omitted?: number;
}

/** Options of `supervisionTree`. */
export interface SupervisionTreeOptions {
  /**
   * Most children listed per supervisor (default: all). A DynamicSupervisor of connections or
   * transactions may hold tens of thousands: a status page lists the first few and the count.
   */
  readonly maxChildren?: number;
}

/**
 * Walks a supervision tree from `root` (asking each supervisor for its children).
 *
 * @example
 * const tree = await supervisionTree(app.root, 'app', { maxChildren: 20 });
 */
export async function supervisionTree(root: SupervisorPid, id = 'root', options: SupervisionTreeOptions = {}): Promise<SupervisionNode> {
  const limit = options.maxChildren;
  const [children, counts] = await Promise.all([limit === undefined ? whichChildren(root) : whichChildren(root, { limit }), limit === undefined ? undefined : countChildren(root)]);
  const nodes = await Promise.all(
    children.map((child) =>
      child.type === 'supervisor' && child.pid !== null
        ? supervisionTree(child.pid as SupervisorPid, child.id, options).catch(() => ({ id: child.id, pid: child.pid, type: child.type }))
        : { id: child.id, pid: child.pid, type: child.type },
    ),
  );
  const omitted = counts === undefined ? 0 : counts.specs - nodes.length;
  return omitted > 0 ? { id, pid: root, type: 'supervisor', children: nodes, omitted } : { id, pid: root, type: 'supervisor', children: nodes };
}
