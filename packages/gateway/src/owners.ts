// Processes that give the gateway's resources a place in its supervision tree: each opens (or
// takes) its resource in init and closes it in terminate, trapping exits so that a shutdown of the
// tree closes them in reverse start order — the store last.
//
// None of them acts for its process after an `await` (no self(), send, start or link there), so
// none needs its awaits tracked (GenServer.tracksAwaits): the gateway's process tree turns on no
// tracking, and the SIP and SMPP paths under it pay none.
import { Result, trapExit, type GenServer, type Runtime } from '@switchboard/actor';
import { McSimulator, type McSimulatorOptions } from '@switchboard/smpp';
import type { Store } from './store.js';

type Quiet = { call: never; reply: never; cast: never; info: never };

/** Owns the store: nothing to do but close it at the very end. */
export const StoreOwner: GenServer<Store, Quiet, Store> = {
  behaviourName: 'gateway_store',
  tracksAwaits: false,
  init(store) {
    trapExit(true);
    return Result.ok(store);
  },
  async terminate(_reason, store) {
    await store.close();
  },
};

export interface SmscArgs {
  readonly runtime: Runtime;
  readonly options: McSimulatorOptions;
  readonly started: (simulator: McSimulator) => void;
}

/** Runs the embedded SMSC simulator. */
export const EmbeddedSmsc: GenServer<McSimulator, Quiet, SmscArgs> = {
  behaviourName: 'embedded_smsc',
  tracksAwaits: false,
  async init({ runtime, options, started }) {
    trapExit(true);
    const simulator = await McSimulator.start(runtime, options);
    started(simulator);
    return Result.ok(simulator);
  },
  async terminate(_reason, simulator) {
    await simulator.close({ timeout: 1000 });
  },
};

export interface ClosableArgs<T> {
  readonly open: () => Promise<T>;
  readonly close: (resource: T) => Promise<void>;
}

/** Owns anything with an async open and close (the status page's HTTP server). */
export const ResourceOwner: GenServer<{ resource: unknown; close: (r: unknown) => Promise<void> }, Quiet, ClosableArgs<unknown>> = {
  behaviourName: 'gateway_resource',
  tracksAwaits: false,
  async init({ open, close }) {
    trapExit(true);
    return Result.ok({ resource: await open(), close });
  },
  async terminate(_reason, state) {
    await state.close(state.resource);
  },
};
