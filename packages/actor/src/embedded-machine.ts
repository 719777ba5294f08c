// An xstate v5 machine embedded in a process's state, run by xstate's pure `transition`: no actor
// system per machine, so it costs a snapshot (under 1 kB) rather than an actor (5 kB and more).
// That matters when every connection or transaction has a machine. Delayed events (`after`,
// delayed `raise`) are scheduled with `sendAfter` on the runtime's clock and come back through the
// owner's mailbox as `MachineTimeout` messages: the owner passes them to `deliver`. Other actions
// (the machine's own named actions, `emit`…) are handed to `onAction` for the owner to carry out.
import { createActor, type AnyActorScope, type AnyStateMachine, type EventFromLogic, type InputFrom, type SnapshotFrom } from 'xstate';
import type { Pid } from './pid.js';
import { self } from './signals.js';
import { cancelTimer, sendAfter, type TimerRef } from './timers.js';

/** What `transition` hands back besides the snapshot: the actions to execute. */
export interface MachineAction {
  /** The action's name as the machine declares it (`'sendAck'`), or xstate's built-in type (`'xstate.emit'`). */
  readonly type: string;
  /** The action's resolved parameters, when it has any. */
  readonly params?: unknown;
}

/** Options of an `EmbeddedMachine`: the machine's input and where its actions go. */
export interface EmbeddedMachineOptions<M extends AnyStateMachine> {
  /** The machine's input, as `createActor(machine, { input })` takes it. */
  readonly input?: InputFrom<M>;
  /** Actions other than delayed raises and cancels, in order, after each step. */
  readonly onAction?: (action: MachineAction) => void;
  /**
   * Share snapshots between this machine definition's instances (default false). After each step,
   * a snapshot equal to one another instance already holds — the same state value, a context with
   * the same own values, no children, no history — is replaced by that one, so an instance that
   * rests in a common state costs no snapshot of its own (about 0.5 kB: the snapshot, its state
   * node list, tag set, children and history objects). For machines with many long-lived
   * instances in few states, such as one per connection. The machine must treat its context as
   * immutable, as xstate's `assign` does; a snapshot read from `snapshot` must not be changed.
   */
  readonly shareSnapshots?: boolean;
}

/** A delayed event of an embedded machine, back in its owner's mailbox: pass it to `deliver`. */
export class MachineTimeout {
  /** @internal made by the machine when it schedules a delayed event. */
  constructor(
    /** @internal */ readonly machine: EmbeddedMachine<AnyStateMachine>,
    /** @internal */ readonly id: string,
    /** @internal */ readonly event: { readonly type: string },
  ) {}
}

/**
 * The actor scope a pure transition runs in, made once per machine definition. xstate's own
 * `transition()` and `initialTransition()` build a fresh one on every call — an unstarted actor,
 * its initial snapshot and an actor system — which cost more than the transition itself (a third
 * of a SIP transaction's CPU). Sharing it is safe for the machines embedded here, which invoke
 * and spawn nothing: the scope only collects the actions a step produces.
 */
interface PureScope {
  readonly scope: AnyActorScope;
  readonly actions: MachineAction[];
}

const scopes = new WeakMap<AnyStateMachine, PureScope>();

/** Shared snapshots by machine definition, then by state value (see `shareSnapshots`). */
const shared = new WeakMap<AnyStateMachine, Map<string, object[]>>();
/** Shared snapshots kept per state value: contexts that vary more than this are not shared. */
const SHARED_PER_VALUE = 8;

interface ShareableSnapshot {
  readonly status: string;
  readonly value: unknown;
  readonly context: unknown;
  readonly children: object;
  readonly historyValue: object;
}

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}

function sameContext(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let count = 0;
  for (const key in left) {
    if (!Object.hasOwn(right, key) || left[key] !== right[key]) return false;
    count++;
  }
  for (const _ in right) count--;
  return count === 0;
}

/** The shared snapshot equal to `snapshot`, made the shared one if there is none yet; `snapshot` itself when it cannot be shared. */
function sharedSnapshot(machine: AnyStateMachine, snapshot: ShareableSnapshot): ShareableSnapshot {
  if (snapshot.status !== 'active' || !isEmpty(snapshot.children) || !isEmpty(snapshot.historyValue)) return snapshot;
  const key = typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);
  let byValue = shared.get(machine);
  if (byValue === undefined) shared.set(machine, (byValue = new Map()));
  const candidates = byValue.get(key);
  if (candidates === undefined) {
    byValue.set(key, [snapshot]);
    return snapshot;
  }
  for (const candidate of candidates as ShareableSnapshot[]) if (candidate === snapshot || sameContext(candidate.context, snapshot.context)) return candidate;
  if (candidates.length < SHARED_PER_VALUE) candidates.push(snapshot);
  return snapshot;
}

function pureScope(machine: AnyStateMachine): PureScope {
  let entry = scopes.get(machine);
  if (entry === undefined) {
    const actor = createActor(machine); // never started, as in xstate's transition()
    const actions: MachineAction[] = [];
    const scope = {
      self: actor,
      defer: () => {},
      id: '',
      logger: () => {},
      sessionId: '',
      stopChild: () => {},
      system: actor.system,
      emit: () => {},
      actionExecutor: (action: MachineAction) => {
        actions.push(action);
      },
    } as unknown as AnyActorScope;
    entry = { scope, actions };
    scopes.set(machine, entry);
  }
  return entry;
}

interface RaiseParams {
  readonly event: { readonly type: string };
  readonly id?: string;
  readonly delay?: number;
}

/**
 * A machine run step by step inside the current process.
 *
 * @example
 * // in init:        state.machine = new EmbeddedMachine(sessionMachine, { input });
 * // in handleInfo:  if (message instanceof MachineTimeout) message.machine === state.machine && state.machine.deliver(message);
 * // anywhere:       state.machine.send({ type: 'bound' }); state.machine.value
 */
export class EmbeddedMachine<M extends AnyStateMachine> {
  private current: SnapshotFrom<M>;
  private readonly owner: Pid;
  private timers: Map<string, TimerRef> | undefined;
  private readonly onAction: ((action: MachineAction) => void) | undefined;
  private readonly share: boolean;

  /** Must be created inside the owning process (its delayed events go to `self()`). */
  constructor(
    private readonly machine: M,
    options: EmbeddedMachineOptions<M> = {},
  ) {
    this.owner = self();
    this.onAction = options.onAction;
    this.share = options.shareSnapshots === true;
    const pure = pureScope(machine);
    const snapshot = machine.getInitialSnapshot(pure.scope, options.input as never);
    this.current = (this.share ? sharedSnapshot(machine, snapshot as ShareableSnapshot) : snapshot) as SnapshotFrom<M>;
    // splice: an action may step another machine of the same definition
    this.execute(pure.actions.splice(0));
  }

  /** The machine's current snapshot: state value, context and status, as xstate's `getSnapshot()` returns. */
  get snapshot(): SnapshotFrom<M> {
    return this.current;
  }

  /** The state value (a string for a flat machine). */
  get value(): SnapshotFrom<M>['value'] {
    return (this.current as { value: unknown }).value as SnapshotFrom<M>['value'];
  }

  /** Delayed events scheduled and not yet delivered. */
  get pendingTimers(): number {
    return this.timers?.size ?? 0;
  }

  /** Runs one event through the machine. Events sent after the machine is done are ignored. */
  send(event: EventFromLogic<M>): void {
    if ((this.current as { status: string }).status !== 'active') return;
    const pure = pureScope(this.machine);
    const snapshot = this.machine.transition(this.current as never, event, pure.scope);
    this.current = (this.share ? sharedSnapshot(this.machine, snapshot as ShareableSnapshot) : snapshot) as SnapshotFrom<M>;
    this.execute(pure.actions.splice(0));
    if ((this.current as { status: string }).status !== 'active') this.stop();
  }

  /** Delivers a delayed event that came back through the mailbox; false if it is not this machine's or was cancelled. */
  deliver(message: MachineTimeout): boolean {
    if (message.machine !== (this as unknown as EmbeddedMachine<AnyStateMachine>) || this.timers?.get(message.id) === undefined) return false;
    this.forgetTimer(message.id);
    this.send(message.event as EventFromLogic<M>);
    return true;
  }

  /** Cancels every pending delayed event. */
  stop(): void {
    if (this.timers === undefined) return;
    for (const timer of this.timers.values()) cancelTimer(timer);
    this.timers = undefined;
  }

  /**
   * Drops a delivered or cancelled timer, and the map with the last one: a machine that lives long
   * after its last delayed event (a bound SMPP session after session_init) keeps no empty table.
   */
  private forgetTimer(id: string): void {
    const timers = this.timers!;
    timers.delete(id);
    if (timers.size === 0) this.timers = undefined;
  }

  private execute(actions: readonly MachineAction[]): void {
    for (const action of actions) {
      if (action.type === 'xstate.raise') {
        const params = action.params as RaiseParams;
        if (params.delay !== undefined) {
          const id = params.id ?? params.event.type;
          const timers = (this.timers ??= new Map());
          const previous = timers.get(id);
          if (previous !== undefined) cancelTimer(previous);
          const message = new MachineTimeout(this as unknown as EmbeddedMachine<AnyStateMachine>, id, params.event);
          timers.set(id, sendAfter(this.owner as Pid<{ info: MachineTimeout }>, message, params.delay));
          continue;
        }
      } else if (action.type === 'xstate.cancel') {
        const id = (action.params as { sendId: string }).sendId;
        const timer = this.timers?.get(id);
        if (timer !== undefined) {
          cancelTimer(timer);
          this.forgetTimer(id);
        }
        continue;
      }
      this.onAction?.(action);
    }
  }
}
