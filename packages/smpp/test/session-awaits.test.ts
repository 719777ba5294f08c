// The session does not need await continuations tracked (GenServer.tracksAwaits: false): an SMPP
// program whose callbacks are synchronous runs without Node's hook on every promise. A Session with
// an async callback turns tracking on when its session starts, so self() after its awaits works.
// Tracking, once on, stays on for the process: the tests run in order, the untracked one first.
import test from 'ava';
import { Runtime, VirtualClock, cast, self } from '@switchboard/actor';
import { SessionReturn, connectEsme, sessionStats, type Session } from '@switchboard/smpp';
import { rawMc, until } from './support/sessions.js';

const options = { enquireLinkInterval: 1e9, responseTimeout: 1e9 };

/** What self() says, or the name of what it threw. */
function selfOrError(): string {
  try {
    return String(self());
  } catch (error) {
    return (error as Error).name;
  }
}

test.serial('a Session of synchronous callbacks leaves awaits untracked; its calls are answered', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const mc = await rawMc();
  const seen: string[] = [];
  const Sync: Session<null, null, never, never, 'probe'> = {
    handleCast(_message, state) {
      void Promise.resolve().then(() => seen.push(selfOrError()));
      return SessionReturn.ok(state);
    },
  };
  const esme = await connectEsme(rt, { port: mc.port, session: Sync, args: null, options });
  t.is((await sessionStats(esme)).bindState, 'OPEN');
  cast(esme, 'probe' as never);
  await until(() => seen.length === 1, 'the probe');
  t.deepEqual(seen, ['NotInProcessError']);
  await mc.close();
});

test.serial('a Session with an async callback can call self() after its first await', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const mc = await rawMc();
  const seen: string[] = [];
  const Async: Session<null, null, never, never, 'probe'> = {
    init(args) {
      seen.push(String(self()));
      return SessionReturn.init(args);
    },
    async handleCast(_message, state) {
      await Promise.resolve();
      seen.push(selfOrError());
      return SessionReturn.ok(state);
    },
  };
  const esme = await connectEsme(rt, { port: mc.port, session: Async, args: null, options });
  cast(esme, 'probe' as never);
  await until(() => seen.length === 2, 'the probe');
  t.is(seen[1], seen[0]);
  t.is(seen[0], String(esme));
  await mc.close();
});
