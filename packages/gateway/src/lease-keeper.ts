// The node's part in the cluster, one tick at a time on the runtime clock: its heartbeat, the bind
// leases it takes, renews and gives up (lease-plan.ts decides which), the pool told of each, and the
// claims of dead nodes given back so that live nodes finish their work. A tick that fails (the
// store is down) changes nothing: leases not renewed end in the pool at their local deadline, and
// their binds unbind.
import createDebug from 'debug';
import type { Clock, ClockHandle } from '@switchboard/actor';
import { nextTick, planLeases } from './lease-plan.js';
import type { SmppPool } from './smpp-pool.js';
import type { NodeDetail, ReapedNodes, Store } from './store.js';

const log = createDebug('switchboard:gateway:cluster');

/** Nodes dead this long are forgotten (their row leaves the cluster view). */
const FORGET_DEAD_NODES = 10 * 60_000;
/** How long a bind given up may take to unbind before its lease is released anyway (ms). */
const UNBIND_WAIT = 5000;

/** One configured bind: its id (the same on every node) and the pool member that uses it. */
export interface BindRef {
  /** The bind's id, the lease's key. */
  readonly id: string;
  /** The pool of the bind's connector. */
  readonly pool: SmppPool;
  /** The bind's member in that pool. */
  readonly index: number;
}

export interface LeaseKeeperOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** This node's name (`cluster.nodeId`). */
  readonly name: string;
  /** How long a lease and a heartbeat hold (ms). */
  readonly leaseTime: number;
  /** Every configured bind of every connector, read at each tick (connectors come and go at run time). */
  readonly binds: () => readonly BindRef[];
  /** What the node says of itself at each heartbeat. */
  readonly detail: () => Promise<NodeDetail>;
  /** Dead nodes' claims were given back. */
  readonly onReaped: (reaped: ReapedNodes) => void;
}

/** How much earlier than the store the node counts its lease as ended (ms). */
export function leaseMargin(leaseTime: number): number {
  return Math.min(leaseTime / 5, 1000);
}

export class LeaseKeeper {
  private readonly startedAt = Date.now();
  private readonly tickEvery: number;
  private timer: ClockHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.tickEvery = Math.max(1, Math.floor(options.leaseTime / 3));
  }

  /** Runs the first tick (so the binds start with their leases known), then one every third of the lease. */
  async start(): Promise<void> {
    await this.tick();
  }

  /**
   * Runs a tick now rather than at its time (a connector was added or changed: its binds wait for
   * their leases); after a tick already running, if one is.
   */
  nudge(): void {
    if (this.stopped) return;
    void (async () => {
      await this.running;
      if (this.stopped || this.running !== undefined) return;
      if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
      await this.tick();
    })();
  }

  /**
   * Stops ticking; the node leaves the cluster (its leases end, its heartbeat row goes) and its
   * pools drop the leases they held, with their expiry timers.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    await this.running;
    try {
      await this.options.store.leaveCluster();
    } catch (error) {
      log('leaving the cluster failed (the leases end by themselves): %O', error);
    }
    for (const pool of new Set(this.options.binds().map((ref) => ref.pool))) pool.dropLeases();
  }

  private tick(): Promise<void> {
    const run = this.once()
      .catch((error: unknown) => {
        log('tick failed: %O', error);
        return this.tickEvery;
      })
      .then((delay) => {
        this.running = undefined;
        if (!this.stopped) this.timer = this.options.clock.setTimeout(() => void this.tick(), delay);
      });
    this.running = run;
    return run;
  }

  /** One tick; resolves with the delay to the next. */
  private async once(): Promise<number> {
    const { store, clock, leaseTime } = this.options;
    await store.heartbeat({ name: this.options.name, startedAt: this.startedAt, ttl: leaseTime, detail: await this.options.detail() });
    const refs = this.options.binds();
    const byId = new Map(refs.map((ref) => [ref.id, ref]));
    const binds = refs.map((ref) => ref.id);
    const view = await store.clusterView();
    const plan = planLeases({ me: store.node, binds, view, tick: this.tickEvery });
    const refOf = (bind: string): BindRef => byId.get(bind)!;

    for (const bind of plan.release) {
      const { pool, index } = refOf(bind);
      const token = pool.grantOf(index)?.token;
      log('giving bind %s up (another node is short of binds)', bind);
      await withTimeout(clock, pool.revoke(index, 'released'), UNBIND_WAIT);
      if (token !== undefined) await store.releaseBind(bind, token);
    }
    await Promise.all(
      [...plan.renew, ...plan.acquire].map(async (bind) => {
        // measured before the store is asked: the store's lease ends later than this
        const asked = clock.now();
        const lease = await store.leaseBind(bind, leaseTime);
        const { pool, index: at } = refOf(bind);
        if (lease === undefined) {
          if (pool.grantOf(at) !== null) log('bind %s: lease lost to another node: unbinding', bind);
          await withTimeout(clock, pool.revoke(at), UNBIND_WAIT);
          return;
        }
        if (plan.acquire.includes(bind)) log('bind %s: lease taken (token %d)', bind, lease.token);
        pool.grant(at, { bind, token: lease.token, deadline: asked + leaseTime - leaseMargin(leaseTime) });
      }),
    );
    // binds this node holds in the pool but the plan no longer lists (another node took them)
    for (const { id: bind, pool, index: at } of refs) {
      if (pool.grantOf(at) !== null && !plan.renew.includes(bind) && !plan.acquire.includes(bind)) await withTimeout(clock, pool.revoke(at), UNBIND_WAIT);
    }

    const reaped = await store.reapNodes(FORGET_DEAD_NODES);
    if (reaped.nodes.length > 0) {
      log('claims of dead nodes %o given back', reaped.nodes);
      this.options.onReaped(reaped);
    }
    return nextTick({ me: store.node, view, tick: this.tickEvery });
  }
}

/** Waits for `promise`, at most `ms` on `clock`: an unbind that hangs must not hold the tick. */
async function withTimeout(clock: Clock, promise: Promise<void>, ms: number): Promise<void> {
  let timer: ClockHandle | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, ms)))]);
  if (timer !== undefined) clock.clearTimeout(timer);
}
