// The gateway's cluster processes, as children of its tree: `cluster` keeps this node's heartbeat
// and bind leases (before the binds, so they start with their leases known, and stop before it
// gives them back), and `outbox-poll` (PostgreSQL only) submits MESSAGEs that nodes without a
// bind stored and gave back.
import { worker, type ChildSpec, type Runtime } from '@switchboard/actor';
import { periodicChild } from './periodic-child.js';
import type { GatewayConfig } from './config.js';
import { LeaseKeeper, type BindRef } from './lease-keeper.js';
import { ResourceOwner } from './owners.js';
import type { NodeDetail, ReapedNodes, Store } from './store.js';

/** The configured connector's bind ids: the same on every node bound to the same SMSC account. */
export function bindIds(config: GatewayConfig, smppPort: number): string[] {
  const { systemId, binds, host } = config.smpp;
  return Array.from({ length: binds }, (_, index) => `${systemId}@${host ?? '127.0.0.1'}:${smppPort}#${index}`);
}

export interface ClusterChildArgs {
  readonly runtime: Runtime;
  readonly config: GatewayConfig;
  readonly store: Store;
  /** This node's name. */
  readonly name: string;
  /** Every bind of every connector (the embedded simulator's port is known only once it runs). */
  readonly binds: () => readonly BindRef[];
  readonly detail: () => Promise<NodeDetail>;
  readonly onReaped: (reaped: ReapedNodes) => void;
  /** The keeper started (again, after a restart): the gateway nudges it when connectors change. */
  readonly started?: (keeper: LeaseKeeper) => void;
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
          clock: args.runtime.clock,
          name: args.name,
          leaseTime: args.config.cluster.leaseTime,
          binds: args.binds,
          detail: args.detail,
          onReaped: args.onReaped,
        });
        await keeper.start();
        args.started?.(keeper);
        return keeper;
      },
      close: (keeper) => (keeper as LeaseKeeper).stop(),
    },
    { timeout: Infinity, shutdown: 10_000 },
  );
}

/** Every `interval` ms, while a bind of this node may submit, a flush of what waits in the outbox. */
export function outboxPollChild(runtime: Runtime, pool: { readonly boundCount: number }, flush: () => Promise<void>, interval: number): ChildSpec {
  return periodicChild(runtime, 'outbox-poll', interval, async () => {
    if (pool.boundCount > 0) await flush();
  });
}
