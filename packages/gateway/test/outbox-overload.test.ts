// Overload: when every bind's queue is full, each fresh MESSAGE is stored and given back for later.
// A give-back used to start a flush at once, which claimed the whole backlog, failed every row on
// the same full queue and released them all, once per incoming MESSAGE: a livelock that took the
// node's CPU while the SMSC was behind. Now the give-backs of a burst lead to one flush, a second
// later, which submits the backlog once the queue has room.
import test from 'ava';
import { QueueFullError } from '@switchboard/smpp';
import { SqliteStore } from '@switchboard/gateway';
import type { Connector } from '../src/connectors.js';
import { Outbox } from '../src/outbox.js';
import type { SmppPool } from '../src/smpp-pool.js';

/** A connector whose pool refuses with QueueFullError while `full`, and accepts otherwise. */
function congested(): { connector: Connector; attempts: () => number; setFull(full: boolean): void } {
  let full = true;
  let attempts = 0;
  let ids = 0;
  const pool = {
    sendText: async () => {
      attempts++;
      if (full) throw new QueueFullError('submit_sm', 1000);
      return [{ command: 'submit_sm_resp', command_status: 0, sequence_number: 1, message_id: `m${++ids}` }];
    },
  } as unknown as SmppPool;
  return { connector: { name: 'smsc', pool }, attempts: () => attempts, setFull: (value) => (full = value) };
}

const message = (i: number) => ({ senderAor: null, source: '447700900123', sourceTon: 1, sourceNpi: 1, destination: '447700900999', destinationTon: 1, text: `hello ${i}`, sipMessageId: `call-${i}`, createdAt: 0 });

test('a burst given back on full queues makes one flush a second later, not one per message', async (t) => {
  const store = new SqliteStore(':memory:');
  const smsc = congested();
  const timers: (() => void)[] = [];
  let claims = 0;
  const claimOutbound = store.claimOutbound.bind(store);
  store.claimOutbound = (limit, lease) => {
    claims++;
    return claimOutbound(limit, lease);
  };
  const outbox = new Outbox(store, () => ({ candidates: () => [smsc.connector], boundCount: 1 }), () => 0, 3_600_000, { later: (retry) => void timers.push(retry) });
  const taken = await Promise.all(Array.from({ length: 50 }, (_, i) => outbox.take(message(i))));
  await Promise.all(taken.map((outcome) => (outcome.type === 'stored' ? outcome.submitted : undefined)));
  t.is(smsc.attempts(), 50, 'each fresh message tried once');
  t.is(claims, 0, 'no flush ran meanwhile');
  t.is(timers.length, 1, 'one flush is due, for the whole burst');
  t.is(await store.countOutbound(), 50, 'every message kept');

  smsc.setFull(false);
  timers.shift()!();
  for (let i = 0; i < 100 && (await store.countOutbound()) > 0; i++) await new Promise((resolve) => setImmediate(resolve));
  t.is(await store.countOutbound(), 0, 'the due flush submitted the backlog');
  t.is(smsc.attempts(), 100);
  await store.close();
});
