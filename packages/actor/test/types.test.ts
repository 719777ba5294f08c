// Compile-time checks of the typed API: `pnpm typecheck` fails if a @ts-expect-error line
// compiles. The runtime assertions only make sure the file is loaded.
import test from 'ava';
import { Result, Runtime, VirtualClock, call, cast, send, type GenServer, type Pid } from '@switchboard/actor';

type KV = { call: { get: string }; reply: number | undefined; cast: { put: string; value: number }; info: 'flush' };

const Store: GenServer<Map<string, number>, KV> = {
  init: () => Result.ok(new Map()),
  handleCall: (request, _from, map) => Result.reply(map.get(request.get), map),
  handleCast(message, map) {
    map.set(message.put, message.value);
    return Result.noreply(map);
  },
  handleInfo: (_message, map) => Result.noreply(map),
};

test('requests, casts and replies are typed end to end', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const pid: Pid<KV> = await rt.start(Store);
  cast(pid, { put: 'a', value: 1 });
  send(pid, 'flush');
  const value: number | undefined = await call(pid, { get: 'a' });
  t.is(value, 1);
  if (value === -1) {
    // @ts-expect-error a request of the wrong shape
    void call(pid, { got: 'a' });
    // @ts-expect-error a cast of the wrong shape
    cast(pid, 'put');
    // @ts-expect-error info the server does not declare
    send(pid, 'other');
    // @ts-expect-error the reply is number | undefined, not string
    const wrong: string = await call(pid, { get: 'a' });
    void wrong;
  }
  type CallOnly = { call: 'ping'; reply: 'pong' };
  const ping: GenServer<null, CallOnly> = { handleCall: (_r, _f, s) => Result.reply('pong' as const, s) };
  const other = await rt.start(ping, null);
  if (value === -1) {
    // @ts-expect-error a protocol without `cast` accepts no cast
    cast(other, 'x');
    // @ts-expect-error init takes a null argument here; a number is refused
    void rt.start(ping, 5);
  }
  t.is(await call(other, 'ping'), 'pong');
});
