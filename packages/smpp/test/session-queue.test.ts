// The queue of requests waiting to be sent is bounded (maxQueued) and drains in O(1) per request:
// a request past the bound fails with QueueFullError, and a full queue timing out all at once is
// reported request by request, in order, without stalling the process.
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import { connectEsme, createPdu, sendPdu, sessionStats } from '@switchboard/smpp';
import { TestEsme, bind, rawMc, until } from './support/sessions.js';

test('past maxQueued a request fails with QueueFullError; the queued ones time out one by one after windowTimeout', async (t) => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const mc = await rawMc(); // answers the bind, never a submit: the window stays full
  const log: string[] = [];
  const maxQueued = 20_000;
  const esme = await connectEsme(rt, { port: mc.port, session: TestEsme, args: { log }, bind: bind(), options: { window: 1, maxQueued, windowTimeout: 30_000, responseTimeout: 1e9, enquireLinkInterval: 1e9 } });
  await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the bind');
  for (let i = 0; i <= maxQueued + 1; i++) sendPdu(esme, createPdu('submit_sm', { destination_addr: String(i) }));
  await until(async () => (await sessionStats(esme)).waiting === maxQueued, 'the queue to fill');
  await until(() => log.includes('not-sent:submit_sm:QueueFullError'), 'the refusal past maxQueued');
  t.is(log.filter((l) => l === 'not-sent:submit_sm:QueueFullError').length, 1);
  await clock.advance(30_000);
  await until(() => log.filter((l) => l === 'not-sent:submit_sm:WindowTimeoutError').length === maxQueued, 'every queued request to time out', 20_000);
  t.is((await sessionStats(esme)).waiting, 0);
  await mc.close();
});
