// Which bind leases a node takes, keeps and gives up at a tick (lease-plan.ts), on views made by
// hand: the binds are shared out evenly, one is given up at a time, none stays unowned, and a lease
// about to end elsewhere brings the next tick forward.
import test from 'ava';
import { nextTick, planLeases, type ClusterLease, type ClusterView } from '@switchboard/gateway';

const BINDS = ['b#0', 'b#1', 'b#2'];
const TICK = 1000;

function view(nodes: Record<string, boolean>, leases: [bind: string, owner: string | null, left: number][]): ClusterView {
  return {
    now: 1_000_000,
    nodes: Object.entries(nodes).map(([node, alive]) => ({ node, name: node, startedAt: 0, heartbeatAge: alive ? 100 : 60_000, alive, detail: { sip: [], status: null, binds: [] } })),
    leases: leases.map(([bind, owner, left]): ClusterLease => ({ bind, owner, token: 1, left })),
  };
}

test('alone, a node takes every bind never leased', (t) => {
  t.deepEqual(planLeases({ me: 'a', binds: BINDS, view: view({ a: true }, []), tick: TICK }), { renew: [], acquire: BINDS, release: [] });
});

test('it renews what it holds and takes free binds up to its share of the live nodes', (t) => {
  const plan = planLeases({ me: 'b', binds: BINDS, view: view({ a: true, b: true }, [['b#0', 'a', 5000], ['b#1', null, -10], ['b#2', 'a', -10]]), tick: TICK });
  t.deepEqual(plan, { renew: [], acquire: ['b#1', 'b#2'], release: [] }, 'share: ceil(3 / 2) = 2');
  const full = planLeases({ me: 'b', binds: BINDS, view: view({ a: true, b: true }, [['b#0', 'b', 5000], ['b#1', 'b', 5000], ['b#2', null, -10]]), tick: TICK });
  t.deepEqual(full, { renew: ['b#0', 'b#1'], acquire: [], release: [] }, 'at its share, a bind given back just now is left to the others');
});

test('a bind free for two ticks is taken whatever the share, so none stays unowned', (t) => {
  const plan = planLeases({ me: 'b', binds: BINDS, view: view({ a: true, b: true }, [['b#0', 'b', 5000], ['b#1', 'b', 5000], ['b#2', null, -2 * TICK]]), tick: TICK });
  t.deepEqual(plan.acquire, ['b#2']);
});

test('a node over its share gives one bind up while another live node is short; a dead node does not count', (t) => {
  const leases: [string, string | null, number][] = [['b#0', 'a', 5000], ['b#1', 'a', 5000]];
  const binds = ['b#0', 'b#1'];
  t.deepEqual(planLeases({ me: 'a', binds, view: view({ a: true, b: true }, leases), tick: TICK }), { renew: ['b#0'], acquire: [], release: ['b#1'] });
  t.deepEqual(planLeases({ me: 'a', binds, view: view({ a: true, b: false }, leases), tick: TICK }), { renew: binds, acquire: [], release: [] });
  // the short node takes the bind given up (its share is 1) and the giver does not take it back
  const after: [string, string | null, number][] = [['b#0', 'a', 5000], ['b#1', null, -5]];
  t.deepEqual(planLeases({ me: 'b', binds, view: view({ a: true, b: true }, after), tick: TICK }).acquire, ['b#1']);
  t.deepEqual(planLeases({ me: 'a', binds, view: view({ a: true, b: true }, after), tick: TICK }).acquire, []);
});

test('a dead node’s leases are taken once they end, not before', (t) => {
  const binds = ['b#0', 'b#1'];
  t.deepEqual(planLeases({ me: 'b', binds, view: view({ a: false, b: true }, [['b#0', 'a', 300], ['b#1', 'b', 5000]]), tick: TICK }).acquire, []);
  t.deepEqual(planLeases({ me: 'b', binds, view: view({ a: false, b: true }, [['b#0', 'a', -1], ['b#1', 'b', 5000]]), tick: TICK }).acquire, ['b#0']);
});

test('the next tick comes just after a lease held elsewhere ends, if that is sooner', (t) => {
  t.is(nextTick({ me: 'b', view: view({ a: true, b: true }, [['b#0', 'a', 300], ['b#1', 'b', 100]]), tick: TICK }), 325);
  t.is(nextTick({ me: 'b', view: view({ a: true, b: true }, [['b#0', 'a', 5000]]), tick: TICK }), TICK);
});
