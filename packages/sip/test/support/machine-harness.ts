// Runs one transaction machine in a process on a VirtualClock and records, with the virtual time,
// every action it asks its owner to carry out.
import { EmbeddedMachine, MachineTimeout, Result, Runtime, VirtualClock, cast, type GenServer, type Pid } from '@switchboard/actor';
import type { AnyStateMachine, EventFromLogic, InputFrom } from 'xstate';

export interface Recorded {
  readonly at: number;
  readonly action: string;
}

interface State {
  machine: EmbeddedMachine<AnyStateMachine>;
}

export interface Harness<M extends AnyStateMachine> {
  readonly clock: VirtualClock;
  readonly actions: Recorded[];
  /** Sends an event and lets the process handle it. */
  send(event: EventFromLogic<M>): Promise<void>;
  /** The top-level state name (Calling, Proceeding…), or 'terminated' once done. */
  state(): string;
  /** Times of one action. */
  times(action: string): number[];
  stop(): void;
}

export async function runMachine<M extends AnyStateMachine>(machine: M, input: InputFrom<M>): Promise<Harness<M>> {
  const clock = new VirtualClock();
  const runtime = new Runtime({ clock });
  const actions: Recorded[] = [];
  let current: EmbeddedMachine<AnyStateMachine> | undefined;
  const Host: GenServer<State, { call: never; reply: never; cast: unknown; info: unknown }, void> = {
    init() {
      const hosted = new EmbeddedMachine(machine as AnyStateMachine, { input, onAction: (a) => actions.push({ at: clock.now(), action: a.type }) });
      current = hosted;
      return Result.ok({ machine: hosted });
    },
    handleCast(event, state) {
      state.machine.send(event as never);
      return Result.noreply(state);
    },
    handleInfo(message, state) {
      if (message instanceof MachineTimeout) state.machine.deliver(message);
      return Result.noreply(state);
    },
  };
  const pid: Pid<{ call: never; reply: never; cast: unknown; info: unknown }> = await runtime.start(Host);
  return {
    clock,
    actions,
    async send(event) {
      cast(pid, event);
      await clock.advance(0);
    },
    state() {
      const snapshot = current!.snapshot as { status: string; value: unknown };
      if (snapshot.status === 'done') return 'terminated';
      return typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value as object)[0]!;
    },
    times(action) {
      return actions.filter((a) => a.action === action).map((a) => a.at);
    },
    stop() {
      current?.stop();
    },
  };
}
