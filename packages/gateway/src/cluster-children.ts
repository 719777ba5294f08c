// The gateway's cluster processes, as children of its tree: `cluster` keeps this node's heartbeat
// and bind leases (before the binds, so they start with their leases known, and stop before it
// gives them back), and `outbox-poll` (PostgreSQL only) submits MESSAGEs that nodes without a
// bind stored and gave back.
import createDebug from 'debug';
import { worker, type ChildSpec, type ClockHandle, type Runtime } from '@switchboard/actor';
import type { GatewayConfig } from './config.js';
import { LeaseKeeper } from './lease-keeper.js';
import { ResourceOwner } from './owners.js';
import type { SmppPool } from './smpp-pool.js';
import type { NodeDetail, ReapedNodes, Store } from './store.js';

const log = createDebug('switchboard:gateway:cluster');

/** The bind ids of a configuration: the same on every node bound to the same SMSC account. */
export function bindIds(config: GatewayConfig, smppPort: number): string[] {
  const { systemId, binds, host } = config.smpp;
  return Array.from({ length: binds }, (_, index) => `${systemId}@${host ?? '127.0.0.1'}:${smppPort}#${index}`);
}

export interface ClusterChildArgs {
  readonly runtime: Runtime;
  readonly config: GatewayConfig;
  readonly store: Store;
  readonly pool: SmppPool;
  /** This node's name. */
  readonly name: string;
  /** The SMSC's port (the embedded simulator's is known only once it runs). */
  readonly smppPort: () => number;
  readonly detail: () => Promise<NodeDetail>;
  readonly onReaped: (reaped: ReapedNodes) => void;
}

/** The lease keeper's process. */
export function leaseKeeperChild(args: ClusterChildArgs): ChildSpec {
  return worker(
    'cluster',
    ResourceOwner,
    {
      open: async () => {
        const keeper = new LeaseKeeper({
          store: args.store,
          pool: args.pool,
          clock: args.runtime.clock,
          name: args.name,
          leaseTime: args.config.cluster.leaseTime,
          binds: () => bindIds(args.config, args.smppPort()),
          detail: args.detail,
          onReaped: args.onReaped,
        });
        await keeper.start();
        return keeper;
      },
      close: (keeper) => (keeper as LeaseKeeper).stop(),
    },
    { timeout: Infinity, shutdown: 10_000 },
  );
}

interface Poll {
  handle?: ClockHandle;
  stopped: boolean;
  running?: Promise<void>;
}

/** Every `interval` ms, while a bind of this node may submit, a flush of what waits in the outbox. */
export function outboxPollChild(runtime: Runtime, pool: SmppPool, flush: () => Promise<void>, interval: number): ChildSpec {
  return worker(
    'outbox-poll',
    ResourceOwner,
    {
      open: async () => {
        const poll: Poll = { stopped: false };
        const tick = (): void => {
          poll.running = (pool.boundCount > 0 ? flush() : Promise.resolve())
            .catch((error: unknown) => log('outbox poll failed: %O', error))
            .finally(() => {
              if (!poll.stopped) poll.handle = runtime.clock.setTimeout(tick, interval);
            });
        };
        poll.handle = runtime.clock.setTimeout(tick, interval);
        return poll;
      },
      close: async (resource) => {
        const poll = resource as Poll;
        poll.stopped = true;
        if (poll.handle !== undefined) runtime.clock.clearTimeout(poll.handle);
        await poll.running;
      },
    },
    { shutdown: 5000 },
  );
}
