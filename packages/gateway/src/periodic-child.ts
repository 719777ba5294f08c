// A child of the gateway's tree that runs some work every so often on the runtime clock: the
// registration sweep, the outbox poll, the routing table's poll. A run that fails is logged and the
// next one comes all the same; runs never overlap; stopping waits for the run in progress.
import createDebug from 'debug';
import { worker, type ChildSpec, type ClockHandle, type Runtime } from '@switchboard/actor';
import { ResourceOwner } from './owners.js';

const log = createDebug('switchboard:gateway');

interface Periodic {
  handle?: ClockHandle;
  stopped: boolean;
  running?: Promise<void>;
}

/** A child (`id`) running `work` every `interval` ms, the first time `interval` ms after it starts. */
export function periodicChild(runtime: Runtime, id: string, interval: number, work: () => Promise<void>): ChildSpec {
  return worker(
    id,
    ResourceOwner,
    {
      open: async () => {
        const periodic: Periodic = { stopped: false };
        const tick = (): void => {
          periodic.running = work()
            .catch((error: unknown) => log('%s failed: %O', id, error))
            .finally(() => {
              if (!periodic.stopped) periodic.handle = runtime.clock.setTimeout(tick, interval);
            });
        };
        periodic.handle = runtime.clock.setTimeout(tick, interval);
        return periodic;
      },
      close: async (resource) => {
        const periodic = resource as Periodic;
        periodic.stopped = true;
        if (periodic.handle !== undefined) runtime.clock.clearTimeout(periodic.handle);
        await periodic.running;
      },
    },
    { shutdown: 5000 },
  );
}
