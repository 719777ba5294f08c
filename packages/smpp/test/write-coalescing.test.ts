// The first PDU a session writes in a turn of the event loop leaves at once, and the rest of the
// turn's leave together in one writev: the socket is corked after the turn's first write and
// uncorked once the turn's work is done. A write each costs a system call per PDU on the sender
// and a wake-up per PDU on the reader; holding the first one back would leave the peer idle.
// The tests run one at a time: countSocketWrites patches net.Socket.
import test from 'ava';
import { Runtime, stop, type Pid } from '@switchboard/actor';
import { connectEsme, createPdu, sendPdu, sessionStats } from '@switchboard/smpp';
import { countSocketWrites, type SocketWrites } from '@switchboard/test-support';
import { TestEsme, bind, rawMc, until } from './support/sessions.js';

/** An ESME bound to a raw MC that answers everything, its writes to the MC counted from now on. */
async function boundEsme(): Promise<{ esme: Pid; log: string[]; received: () => string[]; counts: SocketWrites; close(): Promise<void> }> {
  const mc = await rawMc({ answerAll: true });
  const log: string[] = [];
  const esme = await connectEsme(new Runtime(), { port: mc.port, session: TestEsme, args: { log }, bind: bind(), options: { window: 100 } });
  await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the bind');
  const counts = countSocketWrites(mc.port);
  return {
    esme,
    log,
    received: () => mc.received.map((p) => p.command),
    counts,
    close: async () => {
      counts.restore();
      await stop(esme).catch(() => {});
      await mc.close();
    },
  };
}

test.serial('ten submit_sm sent in one turn leave the ESME as the first at once and the other nine in one writev', async (t) => {
  const { esme, log, received, counts, close } = await boundEsme();
  try {
    for (let i = 0; i < 10; i++) sendPdu(esme, createPdu('submit_sm', { destination_addr: String(i) }));
    await until(() => received().filter((c) => c === 'submit_sm').length === 10, 'the ten submits');
    t.deepEqual({ writes: counts.writes, writevs: counts.writevs, chunks: counts.chunks }, { writes: 1, writevs: 1, chunks: 9 });
    await until(() => log.filter((l) => l.startsWith('submit_sm#')).length === 10, 'the ten responses');
  } finally {
    await close();
  }
});

test.serial('a PDU written alone still leaves at once, and a later turn starts a cork of its own', async (t) => {
  const { esme, log, counts, close } = await boundEsme();
  try {
    const answered = (): string[] => log.filter((l) => l.startsWith('submit_sm#'));
    sendPdu(esme, createPdu('submit_sm', { destination_addr: '1' }));
    await until(() => answered().length === 1, 'the first response');
    sendPdu(esme, createPdu('submit_sm', { destination_addr: '2' }));
    await until(() => answered().length === 2, 'the second response');
    t.deepEqual(answered(), ['submit_sm#2->submit_sm_resp:0', 'submit_sm#3->submit_sm_resp:0']);
    t.deepEqual({ writes: counts.writes, writevs: counts.writevs }, { writes: 2, writevs: 0 });
  } finally {
    await close();
  }
});
