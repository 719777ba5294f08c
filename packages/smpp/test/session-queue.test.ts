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

test('sessions that have never queued share no queue: what one queues, another never sees', async (t) => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const mc = await rawMc(); // answers the bind, never a submit: the window stays full
  const options = { window: 1, windowTimeout: 1e9, responseTimeout: 1e9, enquireLinkInterval: 1e9 };
  const busy = await connectEsme(rt, { port: mc.port, session: TestEsme, args: { log: [] }, bind: bind(), options });
  const idle = await connectEsme(rt, { port: mc.port, session: TestEsme, args: { log: [] }, bind: bind(), options });
  for (const esme of [busy, idle]) await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the binds');
  t.is((await sessionStats(idle)).waiting, 0);
  for (let i = 0; i < 5; i++) sendPdu(busy, createPdu('submit_sm', { destination_addr: String(i) }));
  await until(async () => (await sessionStats(busy)).waiting === 4, 'four queued behind the one in flight');
  t.is((await sessionStats(idle)).waiting, 0, 'the idle session queues nothing of the busy one');
  sendPdu(idle, createPdu('submit_sm', { destination_addr: 'idle-1' }));
  sendPdu(idle, createPdu('submit_sm', { destination_addr: 'idle-2' }));
  await until(async () => (await sessionStats(idle)).waiting === 1, 'the idle session queues its own second submit');
  t.is((await sessionStats(busy)).waiting, 4);
  await mc.close();
});
