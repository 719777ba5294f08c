// A peer that binds, floods submit_sm asking for receipts, and never reads: the MC must stop
// reading from it, keep what it owes that peer bounded, go on serving others, and finally drop it.
// Real sockets on loopback, bounded in count and wall time; no timing assertions.
import test from 'ava';
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { Runtime, exited } from '@switchboard/actor';
import { McSimulator, PeerStalledError, SmppClient, createPdu, encodePdu, sessionStats, type SessionStats } from '@switchboard/smpp';
import { until } from './support/sessions.js';

const credentials = { flood: 'secret', good: 'secret' };
const maxQueued = 200;
const highWaterMark = 64 * 1024;

/** Binds as `flood`, then writes submit_sm (receipts requested, unless told not to) until its own buffer backs up, never reading. */
async function floodingPeer(port: number, receipts = true): Promise<{ socket: Socket; sent: () => number; pump: () => boolean }> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(encodePdu(createPdu('bind_transceiver', { system_id: 'flood', password: 'secret', sequence_number: 1 })));
  socket.pause(); // never reads a byte of what the MC answers
  let sequence = 2;
  let sent = 0;
  const cap = 300_000; // bound in count: the test ends whatever happens
  const pump = (): boolean => {
    const batch: Buffer[] = [];
    for (let i = 0; i < 500 && sent < cap; i++, sent++) {
      batch.push(encodePdu(createPdu('submit_sm', { sequence_number: sequence++, destination_addr: '447700900123', registered_delivery: receipts ? 1 : 0, short_message: Buffer.from('hostile') })));
    }
    if (batch.length > 0 && socket.writableLength < 1024 * 1024) socket.write(Buffer.concat(batch));
    return socket.writableLength >= 1024 * 1024 || sent >= cap;
  };
  return { socket, sent: () => sent, pump };
}

function watchWarnings(): { names: string[]; stop: () => void } {
  const names: string[] = [];
  const listener = (warning: Error): void => void names.push(`${warning.name}: ${warning.message}`);
  process.on('warning', listener);
  return { names, stop: () => process.off('warning', listener) };
}

test('a flooding peer that never reads: the MC stops reading it, its queues stay bounded, another ESME is still served', async (t) => {
  const warnings = watchWarnings();
  const rt = new Runtime();
  const sim = await McSimulator.start(rt, { credentials, receiptDelay: 5, options: { maxQueued, highWaterMark } });
  const flood = await floodingPeer(sim.port);
  try {
    await until(() => sim.bound.some((b) => b.systemId === 'flood'), 'the flooding bind');
    const pid = sim.bound.find((b) => b.systemId === 'flood')!.pid;
    let stats: SessionStats | undefined;
    // Flood until the MC holds back: its queue of receipts is full and it no longer reads.
    await until(async () => {
      flood.pump();
      stats = await sessionStats(pid);
      return stats.readPaused && stats.waiting >= maxQueued;
    }, 'the MC to stop reading the flood', 60_000);
    // Keep pushing for a while: nothing the MC holds for this peer may grow.
    for (let i = 0; i < 50; i++) {
      flood.pump();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    stats = await sessionStats(pid);
    t.true(stats.waiting <= maxQueued, `queued requests ${stats.waiting} stay within maxQueued ${maxQueued}`);
    t.true(stats.writeBuffered <= highWaterMark + 64 * 1024, `write buffer ${stats.writeBuffered} stays near the high-water mark`);
    t.true(stats.readPaused, 'reading from the flooding peer is paused');
    t.true(sim.stats.submitted < flood.sent(), `the MC accepted ${sim.stats.submitted} of ${flood.sent()} submits: it stopped reading`);
    t.true(sim.submitted.length <= 1000, 'the simulator keeps a bounded record');

    // Meanwhile a well-behaved ESME binds, submits and is answered.
    const good = await SmppClient.connect(rt, { port: sim.port });
    await good.bind({ mode: 'transceiver', system_id: 'good', password: 'secret' });
    const resp = await good.submit({ destination_addr: '447700900123', short_message: Buffer.from('hello') });
    t.is(resp.command_status, 0);
    t.truthy(resp.message_id);
    await good.close();

    t.deepEqual(warnings.names.filter((w) => w.includes('MaxListeners')), [], 'one drain listener per socket');
    t.log(`flooder wrote ${flood.sent()} submit_sm; the MC accepted ${sim.stats.submitted}, queued ${stats.waiting}, write buffer ${stats.writeBuffered} B`);
  } finally {
    warnings.stop();
    flood.socket.destroy();
    await sim.close({ timeout: 200 });
  }
});

test('a peer that stays stuck past stallTimeout is disconnected with PeerStalledError', async (t) => {
  const rt = new Runtime();
  const sim = await McSimulator.start(rt, { credentials, receiptDelay: 5, options: { maxQueued, highWaterMark, stallTimeout: 300 } });
  // no receipts asked: its answers alone fill the socket's buffers (the queue of receipts, full,
  // would not stop reading, and a dropped receipt per submit only makes the MC slower to get there)
  const flood = await floodingPeer(sim.port, false);
  let closed = false;
  flood.socket.on('close', () => (closed = true));
  try {
    await until(() => sim.bound.some((b) => b.systemId === 'flood'), 'the flooding bind');
    const reason = exited(sim.bound.find((b) => b.systemId === 'flood')!.pid);
    await until(() => {
      if (!closed) flood.pump();
      return closed;
    }, 'the MC to drop the stuck peer', 30_000);
    const error = await reason;
    t.true(error instanceof PeerStalledError, String(error));
    t.is((error as PeerStalledError).code, 'ERR_SMPP_PEER_STALLED');
    await until(() => !sim.bound.some((b) => b.systemId === 'flood'), 'the session to end');
  } finally {
    flood.socket.destroy();
    await sim.close({ timeout: 200 });
  }
});
