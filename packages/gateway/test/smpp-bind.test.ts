// One bind's process (SmppBind) against a real SMSC simulator: it rebinds when its lease comes back
// with a new token, and a bind process killed while it unbinds the old session binds no new one
// (what it does after that await acts for its pid, and a dead pid does nothing more).
import test from 'ava';
import { Runtime, exit, isAlive, stop } from '@switchboard/actor';
import { McSimulator } from '@switchboard/smpp';
import { SmppBind, type BindTarget } from '../src/smpp-bind.js';
import { SmppPool } from '../src/smpp-pool.js';
import { until } from './support/wait.js';

async function setup(t: { teardown: (fn: () => Promise<void>) => void }) {
  const runtime = new Runtime();
  const simulator = await McSimulator.start(runtime, { credentials: { gateway: 'secret' }, receiptDelay: 3_600_000, bindFailures: false });
  t.teardown(() => simulator.close({ timeout: 1000 }));
  const pool = new SmppPool(1, 10, runtime.clock, () => 0, () => {});
  // the lease's expiry timer runs on the wall clock
  t.teardown(async () => pool.dropLeases());
  const target = (): BindTarget => ({ host: '127.0.0.1', port: simulator.port, systemId: 'gateway', password: 'secret', window: 10, throughput: 0 });
  const lease = (token: number) => ({ bind: 'gateway@127.0.0.1#0', token, deadline: runtime.clock.now() + 3_600_000 });
  pool.grant(0, lease(1));
  const pid = await runtime.start(SmppBind, { runtime, pool, index: 0, target });
  await until('the first bind', () => simulator.bound.length === 1 && pool.boundCount === 1);
  return { runtime, simulator, pool, pid, lease };
}

test('a new lease token: the bind process unbinds the old session and binds again', async (t) => {
  const { simulator, pool, pid, lease } = await setup(t);
  t.teardown(() => stop(pid));
  const [first] = simulator.bound;
  pool.grant(0, lease(2));
  await until('the rebind', () => simulator.bound.length === 1 && simulator.bound[0]!.pid !== first!.pid && pool.boundCount === 1);
  t.true(isAlive(pid));
});

test('killed while it unbinds the old session, the bind process binds no new one', async (t) => {
  const { simulator, pool, pid, lease } = await setup(t);
  pool.grant(0, lease(2));
  // the process now awaits the old session's unbind; it is killed meanwhile
  await new Promise((resolve) => setImmediate(resolve));
  exit(pid, 'kill');
  await until('the old session unbound', () => simulator.bound.length === 0);
  // a new client would connect and bind at once (the simulator answers on this host's loopback)
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.is(simulator.bound.length, 0, 'no new bind');
  t.is(pool.boundCount, 0);
});
