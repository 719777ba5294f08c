// Which bind leases a node takes, keeps and gives up at a tick, decided from the cluster view
// alone (pure, so it is tested without a database). The binds are shared out evenly: a node takes
// free binds up to its share (the configured binds over the live nodes, rounded up), gives one up
// at a time while it holds more than its share and another live node holds less than the lower
// share, and takes any bind left free for two ticks whatever its share, so none stays unowned.
import type { ClusterView } from './store.js';

/** What a tick does with the leases. */
export interface LeasePlan {
  /** Binds this node holds: renew them. */
  readonly renew: readonly string[];
  /** Free binds to take. */
  readonly acquire: readonly string[];
  /** Binds to give up (another node is short of its share). */
  readonly release: readonly string[];
}

/** What `planLeases` decides from. */
export interface LeasePlanInput {
  /** This node (`Store.node`). */
  readonly me: string;
  /** The configured binds' ids, in order. */
  readonly binds: readonly string[];
  /** The cluster as the store shows it. */
  readonly view: ClusterView;
  /** The time between ticks (ms): a bind free for two of them is taken by anyone. */
  readonly tick: number;
}

/** The leases this node renews, takes and gives up at this tick (pure: the view is all it reads). */
export function planLeases({ me, binds, view, tick }: LeasePlanInput): LeasePlan {
  const lease = new Map(view.leases.map((l) => [l.bind, l]));
  const live = new Set(view.nodes.filter((n) => n.alive).map((n) => n.node));
  live.add(me);
  const share = Math.ceil(binds.length / live.size);
  const lowerShare = Math.floor(binds.length / live.size);

  const mine: string[] = [];
  const free: { bind: string; freeFor: number }[] = [];
  const heldBy = new Map<string, number>([...live].map((n) => [n, 0]));
  for (const bind of binds) {
    const l = lease.get(bind);
    if (l?.owner === me) mine.push(bind);
    else if (l === undefined || l.owner === null || l.left <= 0) free.push({ bind, freeFor: l === undefined ? Infinity : -l.left });
    else if (heldBy.has(l.owner)) heldBy.set(l.owner, heldBy.get(l.owner)! + 1);
  }

  const acquire: string[] = [];
  for (const { bind, freeFor } of free) {
    if (mine.length + acquire.length < share || freeFor >= 2 * tick) acquire.push(bind);
  }
  const release: string[] = [];
  const short = [...heldBy].some(([node, n]) => node !== me && n < lowerShare);
  if (acquire.length === 0 && mine.length > share && short) release.push(mine[mine.length - 1]!);
  return { renew: mine.filter((b) => !release.includes(b)), acquire, release };
}

/**
 * When to look again (ms): at the next tick, or just after a lease held elsewhere ends if that
 * comes first, so a dead node's binds are taken as soon as its leases allow.
 */
export function nextTick({ me, view, tick }: Pick<LeasePlanInput, 'me' | 'view' | 'tick'>): number {
  let next = tick;
  for (const l of view.leases) if (l.owner !== null && l.owner !== me && l.left > 0) next = Math.min(next, l.left + 25);
  return next;
}
