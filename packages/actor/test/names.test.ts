// call, cast, send and stop by registered name and through a via-registry (OTP's `Name` and
// `{via, Module, Name}`), resolved at each send so a restarted server is found again.
import test from 'ava';
import {
  AmbiguousNameError,
  NoProcError,
  Result,
  Runtime,
  VirtualClock,
  call,
  cast,
  isAlive,
  send,
  stop,
  via,
  type GenServer,
  type Pid,
} from '@switchboard/actor';
import { virtualRuntime } from './support/runtime.js';

type CounterProtocol = { call: 'get'; reply: number; cast: number; info: number };

const Counter: GenServer<number, CounterProtocol, number> = {
  init: (start) => Result.ok(start),
  handleCall: (_request, _from, n) => Result.reply(n, n),
  handleCast: (add, n) => Result.noreply(n + add),
  handleInfo: (add, n) => Result.noreply(typeof add === 'number' ? n + add : n),
};

test('call, cast, send and stop take a registered name', async (t) => {
  const { rt } = virtualRuntime();
  const pid = await rt.start(Counter, 0, { name: 'names-counter' });
  cast<CounterProtocol>('names-counter', 2);
  send<CounterProtocol>('names-counter', 3);
  t.is(await call<CounterProtocol>('names-counter', 'get'), 5);
  await stop('names-counter');
  t.false(isAlive(pid));
  await t.throwsAsync(call('names-counter', 'get'), { instanceOf: NoProcError, message: /names-counter/ });
  t.notThrows(() => cast('names-counter', 1), 'a cast to a name nobody holds is dropped, as OTP drops it');
  t.throws(() => send('names-counter', 1), { instanceOf: NoProcError }, "send to an unregistered name fails, as Erlang's Name ! Msg raises badarg");
  await t.throwsAsync(stop('names-counter'), { instanceOf: NoProcError });
});

test('inside a process a name resolves on its own runtime', async (t) => {
  const { rt } = virtualRuntime();
  await rt.start(Counter, 40, { name: 'inner-counter' });
  const other = virtualRuntime();
  await other.rt.start(Counter, 0, { name: 'inner-counter' });
  const asker = await rt.start<null, { call: 'ask'; reply: number }, void>({
    handleCall: async (_request, _from, state) => Result.reply(await call<CounterProtocol>('inner-counter', 'get'), state),
  });
  t.is(await call(asker, 'ask'), 40);
});

test('outside a process a name held on two runtimes is ambiguous; via(runtime.registry, name) says which', async (t) => {
  const clock = new VirtualClock();
  const a = new Runtime({ clock });
  const b = new Runtime({ clock });
  await a.start(Counter, 1, { name: 'shared-name' });
  await b.start(Counter, 2, { name: 'shared-name' });
  await t.throwsAsync(call('shared-name', 'get'), { instanceOf: AmbiguousNameError });
  t.is(await call<CounterProtocol>(via(b.registry, 'shared-name'), 'get'), 2);
  await stop(via(a.registry, 'shared-name'));
  t.is(await call<CounterProtocol>('shared-name', 'get'), 2, 'one holder left: the bare name resolves');
  await stop(via(b.registry, 'shared-name'));
});

test('a via-registry of your own resolves at each send, so a replaced process is reached', async (t) => {
  const { rt } = virtualRuntime();
  const table = new Map<string, Pid>();
  const registry = { whereis: (name: string) => table.get(name) };
  table.set('smsc-1', await rt.start(Counter, 1));
  t.is(await call<CounterProtocol>(via(registry, 'smsc-1'), 'get'), 1);
  table.set('smsc-1', await rt.start(Counter, 7));
  t.is(await call<CounterProtocol>(via(registry, 'smsc-1'), 'get'), 7);
  table.delete('smsc-1');
  await t.throwsAsync(call(via(registry, 'smsc-1'), 'get'), { instanceOf: NoProcError, message: /smsc-1/ });
});
