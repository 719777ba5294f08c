// The PDUs a session writes during one turn of the event loop leave in one writev: the socket is
// corked at the turn's first write and uncorked once the turn's work is done. A write each costs
// a system call per PDU on the sender and a wake-up per PDU on the reader.
import test from 'ava';
import { Socket } from 'node:net';
import { Runtime, stop } from '@switchboard/actor';
import { connectEsme, createPdu, sendPdu, sessionStats } from '@switchboard/smpp';
import { TestEsme, bind, rawMc, until } from './support/sessions.js';

// The tests run one at a time: they patch Socket.prototype.

/** Counts the stream-level writes of the sockets connected to `port`: one per `_write`, one per `_writev` (with its chunks). */
function countWrites(port: number): { writes: number; writevs: number; chunks: number; restore(): void } {
  const proto = Socket.prototype as unknown as {
    _write(chunk: unknown, encoding: unknown, cb: unknown): void;
    _writev(chunks: readonly unknown[], cb: unknown): void;
  };
  const { _write: write, _writev: writev } = proto;
  const counts = {
    writes: 0,
    writevs: 0,
    chunks: 0,
    restore: () => Object.assign(proto, { _write: write, _writev: writev }),
  };
  proto._write = function (this: Socket, chunk, encoding, cb) {
    if (this.remotePort === port) counts.writes++;
    write.call(this, chunk, encoding, cb);
  };
  proto._writev = function (this: Socket, chunks, cb) {
    if (this.remotePort === port) {
      counts.writevs++;
      counts.chunks += chunks.length;
    }
    writev.call(this, chunks, cb);
  };
  return counts;
}

test.serial('ten submit_sm sent in one turn leave the ESME in one writev', async (t) => {
  const rt = new Runtime();
  const mc = await rawMc({ answerAll: true });
  const log: string[] = [];
  const esme = await connectEsme(rt, { port: mc.port, session: TestEsme, args: { log }, bind: bind(), options: { window: 100 } });
  await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the bind');
  const counts = countWrites(mc.port);
  try {
    for (let i = 0; i < 10; i++) sendPdu(esme, createPdu('submit_sm', { destination_addr: String(i) }));
    await until(() => mc.received.filter((p) => p.command === 'submit_sm').length === 10, 'the ten submits');
    t.is(counts.writes, 0);
    t.is(counts.writevs, 1);
    t.is(counts.chunks, 10);
    await until(() => log.filter((l) => l.startsWith('submit_sm#')).length === 10, 'the ten responses');
  } finally {
    counts.restore();
    await stop(esme).catch(() => {});
    await mc.close();
  }
});

test.serial('a PDU written alone still leaves at once, and a later turn starts a cork of its own', async (t) => {
  const rt = new Runtime();
  const mc = await rawMc({ answerAll: true });
  const log: string[] = [];
  const esme = await connectEsme(rt, { port: mc.port, session: TestEsme, args: { log }, bind: bind(), options: { window: 100 } });
  await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the bind');
  const counts = countWrites(mc.port);
  try {
    sendPdu(esme, createPdu('submit_sm', { destination_addr: '1' }));
    const answered = (): string[] => log.filter((l) => l.startsWith('submit_sm#'));
    await until(() => answered().length === 1, 'the first response');
    sendPdu(esme, createPdu('submit_sm', { destination_addr: '2' }));
    await until(() => answered().length === 2, 'the second response');
    t.deepEqual(answered(), ['submit_sm#2->submit_sm_resp:0', 'submit_sm#3->submit_sm_resp:0']);
    t.deepEqual({ writes: counts.writes, writevs: counts.writevs }, { writes: 2, writevs: 0 });
  } finally {
    counts.restore();
    await stop(esme).catch(() => {});
    await mc.close();
  }
});
