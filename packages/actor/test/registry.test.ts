import test from 'ava';
import { AlreadyRegisteredError, NoProcError, Result, Runtime, VirtualClock, call, stop, type GenServer, type Pid } from '@switchboard/actor';

const Named: GenServer<string, { call: 'who'; reply: string }, string> = {
  handleCall: (_r, _f, s) => Result.reply(s, s),
};

test('a named process can be found by name, and the name is released when it exits', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const pid = await rt.start(Named, 'first', { name: 'svc' });
  t.is<Pid | undefined, Pid | undefined>(rt.whereis('svc'), pid);
  t.is(rt.registry.nameOf(pid), 'svc');
  t.deepEqual(rt.registry.names(), ['svc']);
  const found = rt.whereis<{ call: 'who'; reply: string }>('svc')!;
  t.is(await call(found, 'who'), 'first');
  await stop(pid);
  t.is(rt.whereis('svc'), undefined);
  t.is(rt.registry.size, 0);
  const again = await rt.start(Named, 'second', { name: 'svc' });
  t.is(await call(again, 'who'), 'second');
});

test('starting under a taken name fails with the holder pid, and init does not run', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const holder = await rt.start(Named, 'a', { name: 'svc' });
  let inits = 0;
  const error = await t.throwsAsync(
    rt.start({ ...Named, init: (s: string) => (inits++, Result.ok(s)) }, 'b', { name: 'svc' }),
    { instanceOf: AlreadyRegisteredError },
  );
  t.is(error?.pid, holder);
  t.is(error?.registeredName, 'svc');
  t.is(error?.code, 'ERR_ALREADY_REGISTERED');
  t.is(inits, 0);
  t.is(rt.processCount, 1);
});

test('register and unregister by hand', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const pid = await rt.start(Named, 'x');
  rt.registry.register('later', pid);
  t.is<Pid | undefined, Pid | undefined>(rt.whereis('later'), pid);
  t.throws(() => rt.registry.register('another', pid), { instanceOf: TypeError });
  t.true(rt.registry.unregister('later'));
  t.false(rt.registry.unregister('later'));
  t.is(rt.registry.nameOf(pid), undefined);
  await stop(pid);
  t.throws(() => rt.registry.register('dead', pid), { instanceOf: NoProcError });
});

test('a name whose init fails is released', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  await t.throwsAsync(rt.start({ init: () => Result.stop('nope', null) }, undefined, { name: 'svc' }));
  t.is(rt.whereis('svc'), undefined);
});
