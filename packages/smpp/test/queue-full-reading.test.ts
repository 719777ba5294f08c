// A full queue of requests to send must not stop a session reading: only the peer's responses free
// the window that drains it. Found by the scaling bench: an MC whose receipts (deliver_sm) had
// filled its queue paused reading, so it never read their deliver_sm_resp, and both ends waited for
// ever (the outbox drain stalled at 10,000 submits with 100,000 queued). Real sockets on loopback,
// bounded in count; no timing assertions.
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { McSimulator, SmppClient, sessionStats } from '@switchboard/smpp';
import { until } from './support/sessions.js';

test('an MC whose queue of receipts is full still reads the ESME: every submit is answered and receipts go on arriving', async (t) => {
  const rt = new Runtime();
  // a window of 1 and a queue of 5 deliver_sm: the queue fills as soon as receipts come faster than one round trip
  const sim = await McSimulator.start(rt, { credentials: { esme: 'secret' }, receiptDelay: 0, options: { window: 1, maxQueued: 5 } });
  let delivered = 0;
  const client = await SmppClient.connect(rt, {
    port: sim.port,
    // answered a little later, as a handler that stores the receipt would
    onDeliver: () =>
      new Promise<number>((resolve) =>
        setImmediate(() => {
          delivered++;
          resolve(0);
        }),
      ),
  });
  try {
    await client.bind({ mode: 'transceiver', system_id: 'esme', password: 'secret' });
    const pid = sim.bound[0]!.pid;
    const total = 300;
    let full = false;
    const answers = await Promise.all(
      Array.from({ length: total }, async (_, i) => {
        const resp = await client.submit({ destination_addr: '447700900123', registered_delivery: 1, short_message: Buffer.from(`m${i}`) });
        if (!full) full = (await sessionStats(pid)).waiting >= 5;
        return resp.command_status;
      }),
    );
    t.is(answers.filter((s) => s === 0).length, total, 'every submit accepted');
    t.true(full, "the MC's queue of receipts was full at some point");
    t.false((await sessionStats(pid)).readPaused, 'the MC reads on');
    // the MC read every deliver_sm_resp, so its window kept freeing and its queue drains
    await until(async () => {
      const stats = await sessionStats(pid);
      return stats.waiting === 0 && stats.inFlight === 0;
    }, 'the queue to drain');
    // every receipt is counted once: sent (and it reached the ESME) or dropped (past the full queue)
    await until(() => delivered === sim.stats.receiptsSent, 'the sent receipts to arrive');
    t.is(sim.stats.receiptsSent + sim.stats.receiptsDropped, total);
    t.true(sim.stats.receiptsDropped > 0, 'some were past the full queue');
    t.true(delivered > 5, `${delivered} receipts reached the ESME, ${sim.stats.receiptsDropped} dropped`);
  } finally {
    await client.close();
    await sim.close({ timeout: 200 });
  }
});
