// What a DynamicSupervisor keeps of a temporary child's spec: not its start function, which is
// never called again (OTP keeps no start arguments for a temporary child either). A connection's
// spec holds its socket in that function; kept per child, it cost every session its bytes.
import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Result, startChild, startDynamicSupervisor, terminateChild, whichChildren, type GenServer, type RestartType, type SupervisorPid } from '@switchboard/actor';
import { virtualRuntime } from './support/runtime.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const Idle: GenServer<null> = { init: () => Result.ok(null) };

/** Starts a child whose start function holds an object; returns a weak reference to that object. */
async function startHolding(sup: SupervisorPid, restart: RestartType): Promise<WeakRef<object>> {
  const held = { socket: 'stands for a connection' };
  await startChild(sup, {
    id: 'conn',
    restart,
    shutdown: 100,
    type: 'worker',
    start: ({ runtime, supervisor }) => {
      void held;
      return runtime.start(Idle, null, { link: supervisor });
    },
  });
  return new WeakRef(held);
}

test('a running temporary child no longer holds what its start function held; a permanent one does', async (t) => {
  const { rt } = virtualRuntime();
  const sup = await startDynamicSupervisor(rt);
  const temporary = [await startHolding(sup, 'temporary'), await startHolding(sup, 'temporary')];
  const permanent = await startHolding(sup, 'permanent');
  await new Promise((resolve) => setImmediate(resolve)); // weak targets are held to the end of the job
  gc();
  t.deepEqual(
    temporary.map((ref) => ref.deref()),
    [undefined, undefined],
  );
  t.not(permanent.deref(), undefined);

  // what the supervisor says of them, and how it stops them, is unchanged
  const children = await whichChildren(sup);
  t.deepEqual(
    children.map((c) => [c.id, c.type, c.restart]),
    [
      ['conn', 'worker', 'temporary'],
      ['conn', 'worker', 'temporary'],
      ['conn', 'worker', 'permanent'],
    ],
  );
  await terminateChild(sup, children[0]!.pid!);
  t.is((await whichChildren(sup)).length, 2);
});
