// KeyRegistry: Elixir's Registry — unique keys as a via-registry, duplicate keys with dispatch
// as a local pub/sub; entries go with their process.
import test from 'ava';
import { AlreadyRegisteredError, KeyRegistry, RegistryFullError, Result, call, exit, exited, send, stop, via, type GenServer } from '@switchboard/actor';
import { startRecorder } from './support/recorder.js';
import { virtualRuntime } from './support/runtime.js';

type Proto = { call: 'get'; reply: string };

function named(registry: KeyRegistry<string, string>, key: string, value: string): GenServer<string, Proto, void> {
  return {
    init() {
      registry.register(key, value);
      return Result.ok(value);
    },
    handleCall: (_request, _from, state) => Result.reply(state, state),
  };
}

test('unique keys name processes and serve as a via-registry; the entry goes with the process', async (t) => {
  const { rt } = virtualRuntime();
  const registry = new KeyRegistry<string, string>({ keys: 'unique' });
  const pid = await rt.start(named(registry, 'smsc-1', 'first'));
  t.is(await call<Proto>(via(registry, 'smsc-1'), 'get'), 'first');
  await t.throwsAsync(rt.start(named(registry, 'smsc-1', 'second')), { message: /smsc-1|init/ });
  t.is(registry.size, 1);
  await stop(pid);
  t.deepEqual(registry.lookup('smsc-1'), []);
  t.is(registry.size, 0);
  const again = await rt.start(named(registry, 'smsc-1', 'restarted'));
  t.is(await call<Proto>(via(registry, 'smsc-1'), 'get'), 'restarted');
  t.deepEqual(registry.keysOf(again), ['smsc-1']);
});

test('duplicate keys with dispatch: a pub/sub that forgets subscribers that exit', async (t) => {
  const { rt } = virtualRuntime();
  const topics = new KeyRegistry<string, string>({ keys: 'duplicate' });
  const a = await startRecorder(rt);
  const b = await startRecorder(rt);
  topics.register('receipts', 'a', a.pid);
  topics.register('receipts', 'b', b.pid);
  topics.register('mo', 'b', b.pid);
  t.is(topics.count('receipts'), 2);
  const publish = (message: string): void => topics.dispatch('receipts', (entries) => entries.forEach(({ pid, value }) => send(pid as typeof a.pid, `${message} for ${value}`)));
  publish('r1');
  await rt.whenIdle();
  t.deepEqual(a.messages, ['r1 for a']);
  t.deepEqual(b.messages, ['r1 for b']);
  const down = exited(a.pid);
  exit(a.pid, 'kill');
  await down;
  publish('r2');
  await rt.whenIdle();
  t.deepEqual(b.messages, ['r1 for b', 'r2 for b']);
  t.deepEqual(topics.lookup('receipts').map((e) => e.value), ['b']);
  t.true(topics.unregister('receipts', b.pid));
  t.false(topics.unregister('receipts', b.pid));
  let called = false;
  topics.dispatch('receipts', () => (called = true));
  t.false(called, 'dispatch with no entries does not call');
  t.is(topics.updateValue('mo', (v) => `${v}!`, b.pid), 'b!');
  t.is(topics.size, 1);
});

test('a registry holds at most maxEntries; a taken unique key names its holder', async (t) => {
  const { rt } = virtualRuntime();
  const small = new KeyRegistry<string, null>({ keys: 'duplicate', maxEntries: 2 });
  const p = await startRecorder(rt);
  small.register('a', null, p.pid);
  small.register('b', null, p.pid);
  small.register('b', null, p.pid);
  t.throws(() => small.register('c', null, p.pid), { instanceOf: RegistryFullError });
  const unique = new KeyRegistry<string, null>({ keys: 'unique' });
  const q = await startRecorder(rt);
  unique.register('k', null, p.pid);
  const error = t.throws(() => unique.register('k', null, q.pid), { instanceOf: AlreadyRegisteredError });
  t.is(error?.pid, p.pid);
});
