// The lease keeper on one node with a store of its own: it takes the leases of the node's binds at
// start and gives them up at stop, and its pool keeps no lease (nor a timer for one) after that.
import test from 'ava';
import { VirtualClock } from '@switchboard/actor';
import { LeaseKeeper } from '../src/lease-keeper.js';
import { SmppPool } from '../src/smpp-pool.js';
import { SqliteStore } from '../src/sqlite-store.js';

test('stop drops every lease the pool held with its expiry timer: nothing fires later, and the binds are told', async (t) => {
  const clock = new VirtualClock(1_000_000);
  const store = new SqliteStore(':memory:');
  t.teardown(() => store.close());
  const pool = new SmppPool(2, 10, clock, () => 0, () => {});
  const told: (number | null)[] = [];
  pool.listen(0, (grant) => told.push(grant?.token ?? null));
  const keeper = new LeaseKeeper({
    store,
    clock,
    name: 'node-a',
    leaseTime: 15_000,
    binds: () => [
      { id: 'smsc/0', pool, index: 0 },
      { id: 'smsc/1', pool, index: 1 },
    ],
    detail: () => Promise.resolve({ sip: [], status: null, binds: [] }),
    onReaped: () => {},
  });
  await keeper.start();
  t.not(pool.grantOf(0), null);
  t.not(pool.grantOf(1), null);
  t.is(told.length, 1);
  const before = clock.pendingTimers;

  await keeper.stop();
  t.is(pool.grantOf(0), null);
  t.is(pool.grantOf(1), null);
  t.deepEqual(told.slice(1), [null], 'the bind process is told once that its lease is gone');
  // the keeper's tick and both expiry timers are gone
  t.is(clock.pendingTimers, before - 3);
  await clock.advance(60_000);
  t.is(pool.counters.leasesLost, 0, 'no expiry fired after the stop');
});
