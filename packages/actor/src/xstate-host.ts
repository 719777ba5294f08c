// Hosting an xstate v5 machine as a process. The machine's delayed events (`after`) run on the
// runtime's clock and come back through the process's mailbox, so every machine step happens
// inside the process, one message at a time. Events in: `cast` (fire and forget) or `call`
// (resolves with the snapshot after the event). Effects out: the machine's `emit`ted events reach
// `onEmit` from the process, never as a synchronous cross-process send.
import createDebug from 'debug';
import { createActor, type Actor, type AnyStateMachine, type EmittedFrom, type EventFromLogic, type InputFrom, type SnapshotFrom } from 'xstate';
import type { Clock } from './clock.js';
import { Result, type GenServer } from './gen-server.js';
import { send } from './messaging.js';
import type { Pid } from './pid.js';
import { self } from './signals.js';

const log = createDebug('switchboard:actor:xstate');

/** Pass as a call request to read the machine's snapshot without sending it an event. */
export const getSnapshot: unique symbol = Symbol('switchboard.getSnapshot');

/** The protocol of a machine process: events in, snapshots out. */
export type MachineProtocol<M extends AnyStateMachine> = {
  /** An event for the machine, sent without waiting. */
  cast: EventFromLogic<M>;
  /** An event for the machine, answered with the snapshot after it; or `getSnapshot` to read it. */
  call: EventFromLogic<M> | typeof getSnapshot;
  /** The machine's snapshot after the call's event was processed. */
  reply: SnapshotFrom<M>;
  /** The host's own notes to itself (timers, emitted events, errors); not for users to send. */
  info: MachineMessage;
};

/** Options of `machineServer`. */
export interface MachineServerOptions<M extends AnyStateMachine> {
  /** The machine's input. */
  readonly input?: InputFrom<M>;
  /** Receives the machine's `emit`ted events, run by the hosting process (cast them onward). */
  readonly onEmit?: (event: EmittedFrom<M>, self: Pid<MachineProtocol<M>>) => void;
}

/**
 * A note a machine process sends itself, so that xstate's callbacks (clock timers, emitted events,
 * errors) run in the process's own turn rather than on a foreign stack. It appears in
 * {@link MachineProtocol} only as the `info` type; user code never makes or handles one.
 */
export class MachineMessage {
  /** @internal made by the host process only. */
  constructor(
    /** What happened: a clock timer is due, the machine emitted an event, failed, or finished. */
    readonly kind: 'timer' | 'emitted' | 'error' | 'done',
    /** The timer's callback, the emitted event, or the error. */
    readonly payload: unknown,
  ) {}
}

/**
 * The state of a process made by {@link machineServer}: the xstate actor it hosts and its own
 * pid. It is the `S` of the server's `GenServer` type; code outside the process never sees it.
 */
export interface HostState<M extends AnyStateMachine> {
  /** The root xstate actor, created on the runtime's clock and fed by the process's mailbox. */
  readonly actor: Actor<M>;
  /** The hosting process, passed to `onEmit`. */
  readonly self: Pid<MachineProtocol<M>>;
}

/** Ends the process when the machine failed (exit reason: the error) or reached a final state. */
function afterStep<M extends AnyStateMachine>(state: HostState<M>) {
  const snapshot = state.actor.getSnapshot() as { status: string; error?: unknown };
  if (snapshot.status === 'error') return Result.stop(snapshot.error ?? new Error('machine failed'), state);
  if (snapshot.status === 'done') return Result.stop('normal', state);
  return Result.noreply(state);
}

/**
 * A GenServer behaviour that runs `machine` (one root xstate actor per process).
 *
 * - The actor is created on the runtime's clock: `after` delays follow a VirtualClock in tests.
 * - A machine error ends the process with that error as its exit reason; a final state ends it
 *   with `normal`.
 * - Stopping the process stops the machine.
 *
 * @example
 * const light = await rt.start(machineServer(trafficLight), undefined);
 * cast(light, { type: 'POWER_OFF' });
 * const snapshot = await call(light, getSnapshot);
 */
export function machineServer<M extends AnyStateMachine>(machine: M, options: MachineServerOptions<M> = {}): GenServer<HostState<M>, MachineProtocol<M>, void> {
  return {
    behaviourName: `xstate:${machine.id}`,
    init() {
      const me = self<MachineProtocol<M>>();
      const runtimeClock = me.proc!.rt.clock;
      // Delayed events fire as messages to this process, which then runs xstate's callback.
      const clock: Clock = {
        now: () => runtimeClock.now(),
        setTimeout: (fn, delay) => runtimeClock.setTimeout(() => send(me, new MachineMessage('timer', fn)), delay),
        clearTimeout: (handle) => runtimeClock.clearTimeout(handle),
      };
      const actor = createActor(machine, { clock, ...(options.input === undefined ? {} : { input: options.input }) }) as Actor<M>;
      // Always observe errors: an unobserved xstate error is rethrown asynchronously.
      actor.subscribe({ error: (error) => send(me, new MachineMessage('error', error)) });
      if (options.onEmit) actor.on('*', (event) => send(me, new MachineMessage('emitted', event)));
      actor.start();
      const started = actor.getSnapshot() as { status: string; error?: unknown };
      if (started.status === 'error') return Result.stop(started.error ?? new Error('machine failed'), { actor, self: me });
      return Result.ok({ actor, self: me });
    },
    handleCast(event, state) {
      state.actor.send(event);
      return afterStep(state);
    },
    handleCall(request, _from, state) {
      if (request !== getSnapshot) state.actor.send(request);
      const next = afterStep(state);
      const snapshot = state.actor.getSnapshot() as SnapshotFrom<M>;
      if (next.type === 'noreply') return Result.reply(snapshot, state);
      // A final state answers with the final snapshot; an error leaves the call to be rejected
      // with ExitError carrying the machine's error, as any crash of a server does.
      return next.reason === 'normal' ? Result.stopReply('normal', snapshot, state) : next;
    },
    handleInfo(message, state) {
      if (!(message instanceof MachineMessage)) return Result.noreply(state);
      switch (message.kind) {
        case 'timer':
          (message.payload as () => void)();
          return afterStep(state);
        case 'emitted':
          options.onEmit?.(message.payload as EmittedFrom<M>, state.self);
          return Result.noreply(state);
        case 'error':
          log('%s: machine error %O', state.self, message.payload);
          return Result.stop(message.payload ?? new Error('machine failed'), state);
        default:
          return Result.noreply(state);
      }
    },
    terminate(_reason, state) {
      state.actor.stop();
    },
  };
}
