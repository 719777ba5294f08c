import test from 'ava';
import {
  CommandStatus,
  connectEsme,
  createPdu,
  encodePdu,
  listenMc,
  sendPdu,
  sessionStats,
  type McServer,
  type Pdu,
} from '@switchboard/smpp';
import { Runtime, VirtualClock, exited, isAlive, type Pid } from '@switchboard/actor';
import { TestEsme, TestMc, bind, rawPeer, settleWithClock, until } from './support/sessions.js';

async function setup(mcArgs: { hold?: boolean } = {}, esmeOptions = {}): Promise<{ rt: Runtime; clock: VirtualClock; mc: McServer; esme: Pid; mcLog: string[]; log: string[]; lost: string[] }> {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const mcLog: string[] = [];
  const mc = await listenMc(rt, { session: TestMc, args: { log: mcLog, ...mcArgs } });
  const log: string[] = [];
  const lost: string[] = [];
  const esme = await connectEsme(rt, { port: mc.port, session: TestEsme, args: { log, lost }, options: esmeOptions });
  return { rt, clock, mc, esme, mcLog, log, lost };
}

test('ESME and MC: bind, submit, receipt back, unbind — both sides in order', async (t) => {
  const { mc, esme, mcLog, log } = await setup();
  sendPdu(esme, bind());
  await until(() => log.length >= 1, 'the bind response');
  t.is(log[0], 'bind_transceiver#1->bind_transceiver_resp:0');
  t.is((await sessionStats(esme)).bindState, 'BOUND_TRX');
  sendPdu(esme, createPdu('submit_sm', { destination_addr: '447700900123', registered_delivery: 1, short_message: Buffer.from('hi') }));
  await until(() => log.includes('esme<-deliver_sm'), 'the receipt');
  t.true(log.includes('submit_sm#2->submit_sm_resp:0'));
  t.deepEqual(mcLog.slice(0, 2), ['mc<-bind_transceiver', 'mc<-submit_sm']);
  sendPdu(esme, createPdu('unbind'));
  t.is(await exited(esme), 'normal');
  t.true(log.includes('unbind#3->unbind_resp:0'));
  t.true(log.includes('terminate:normal'));
  await mc.close();
});

test('a wrong password gets ESME_RINVPASWD and the session stays unbound; requests before a bind are refused locally', async (t) => {
  const { mc, esme, log, clock } = await setup();
  sendPdu(esme, createPdu('bind_transceiver', { system_id: 'esme01', password: 'nope' }));
  // The MC answers a failed bind late (listenMc's bindFailures): move the virtual clock on.
  await settleWithClock(clock, until(() => log.length >= 1, 'the bind response'));
  t.is(log[0], `bind_transceiver#1->bind_transceiver_resp:${CommandStatus.ESME_RINVPASWD}`);
  t.is((await sessionStats(esme)).bindState, 'OPEN');
  sendPdu(esme, createPdu('submit_sm', { destination_addr: '1' }));
  await until(() => log.length >= 2, 'the refusal');
  t.is(log[1], 'not-sent:submit_sm:BindStateError');
  await mc.close();
});

test('the MC answers a request not allowed in its bind state with ESME_RINVBNDSTS, and a second bind with ESME_RALYBND', async (t) => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const mc = await listenMc(rt, { session: TestMc, args: { log: [] } });
  const peer = await rawPeer(mc.port);
  peer.socket.write(encodePdu(createPdu('submit_sm', { sequence_number: 5, destination_addr: '1' })));
  await until(() => peer.received.length >= 1, 'a refusal');
  t.like(peer.received[0] as Pdu, { command: 'submit_sm_resp', sequence_number: 5, command_status: CommandStatus.ESME_RINVBNDSTS });
  peer.socket.write(encodePdu(createPdu('bind_transmitter', { sequence_number: 6, system_id: 'esme01', password: 'secret' })));
  peer.socket.write(encodePdu(createPdu('bind_transmitter', { sequence_number: 7, system_id: 'esme01', password: 'secret' })));
  await until(() => peer.received.length >= 3, 'two bind responses');
  t.like(peer.received[1] as Pdu, { command: 'bind_transmitter_resp', sequence_number: 6, command_status: 0 });
  t.like(peer.received[2] as Pdu, { command: 'bind_transmitter_resp', sequence_number: 7, command_status: CommandStatus.ESME_RALYBND });
  peer.socket.write(encodePdu(createPdu('deliver_sm_resp', { sequence_number: 99 })));
  peer.socket.write(encodePdu(createPdu('enquire_link', { sequence_number: 8 })));
  await until(() => peer.received.length >= 4, 'the enquire_link_resp');
  t.like(peer.received[3] as Pdu, { command: 'enquire_link_resp', sequence_number: 8 }, 'an unexpected response was dropped, the session goes on');
  peer.socket.destroy();
  await mc.close();
});

test('bad input: an unparseable body gets its own response with the decoder status; a broken length gets generic_nack and a close', async (t) => {
  const rt = new Runtime({ clock: new VirtualClock() });
  const mc = await listenMc(rt, { session: TestMc, args: { log: [] } });
  const peer = await rawPeer(mc.port);
  // a bind_transmitter whose system_id runs past the end: the body is broken, the frame is sound
  const broken = Buffer.from('00000000' + '00000002' + '00000000' + '0000000b' + '6162', 'hex');
  broken.writeUInt32BE(broken.length, 0);
  peer.socket.write(broken);
  await until(() => peer.received.length >= 1, 'the answer to the broken body');
  t.like(peer.received[0] as Pdu, { command: 'bind_transmitter_resp', sequence_number: 11, command_status: CommandStatus.ESME_RINVCMDLEN });
  peer.socket.write(Buffer.from('0000000300000004', 'hex'));
  await until(() => peer.closed(), 'the close');
  t.like(peer.received[1] as Pdu, { command: 'generic_nack', command_status: CommandStatus.ESME_RINVCMDLEN });
  t.is(peer.received[2], 'closed');
  await mc.close();
});

test('the window holds requests beyond its size, and occupancy is observable', async (t) => {
  const { mc, esme, log } = await setup({ hold: true }, { window: 2 });
  sendPdu(esme, bind());
  await until(() => log.length >= 1, 'the bind');
  for (let i = 0; i < 5; i++) sendPdu(esme, createPdu('submit_sm', { destination_addr: `${i}` }));
  let stats = await sessionStats(esme);
  await until(async () => (stats = await sessionStats(esme)).waiting + stats.inFlight === 5, 'five submits accepted');
  t.is(stats.inFlight, 2);
  t.is(stats.waiting, 3);
  t.is(stats.window, 2);
  await mc.close({ timeout: 100 });
});

test('unanswered requests time out into handleRespTimeout; on close, what is still in flight is lost exactly once', async (t) => {
  const { clock, mc, esme, log, lost } = await setup({ hold: true }, { window: 5, responseTimeout: 10_000, enquireLinkInterval: 1e9 });
  sendPdu(esme, bind());
  await until(() => log.length >= 1, 'the bind');
  sendPdu(esme, createPdu('submit_sm', { destination_addr: '1' }));
  sendPdu(esme, createPdu('submit_sm', { destination_addr: '2' }));
  await until(async () => (await sessionStats(esme)).inFlight === 2, 'two in flight');
  await clock.advance(9_000);
  sendPdu(esme, createPdu('submit_sm', { destination_addr: '3' }));
  await clock.advance(1_000);
  await until(() => log.some((l) => l.startsWith('timeout:')), 'the timeout');
  t.true(log.includes('timeout:submit_sm#2,submit_sm#3'));
  const reason = exited(esme);
  await mc.close({ timeout: 100 });
  await reason;
  t.deepEqual(lost, ['submit_sm#4']);
});

test('each request times out at its own deadline, not at the next periodic check', async (t) => {
  const { clock, mc, esme, log } = await setup({ hold: true }, { window: 5, responseTimeout: 5_000, enquireLinkInterval: 1e9 });
  sendPdu(esme, bind());
  await until(() => log.length >= 1, 'the bind');
  sendPdu(esme, createPdu('submit_sm', { destination_addr: '1' }));
  await until(async () => (await sessionStats(esme)).inFlight === 1, 'the first in flight');
  await clock.advance(300);
  sendPdu(esme, createPdu('submit_sm', { destination_addr: '2' }));
  await until(async () => (await sessionStats(esme)).inFlight === 2, 'the second in flight');
  await clock.advance(4_700); // the first's deadline
  await until(() => log.some((l) => l.startsWith('timeout:')), 'the first timeout');
  t.true(log.includes('timeout:submit_sm#2'));
  await clock.advance(299); // 1 ms before the second's deadline (a 1 s check would wait until 6,000)
  t.false(log.includes('timeout:submit_sm#3'));
  await clock.advance(1);
  await until(() => log.includes('timeout:submit_sm#3'), 'the second timeout, at 5,300');
  t.pass();
  await mc.close({ timeout: 100 });
});

test('a connection that does not bind within session_init is closed', async (t) => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const mc = await listenMc(rt, { session: TestMc, args: { log: [] }, options: { sessionInitTime: 5000 } });
  const peer = await rawPeer(mc.port);
  await until(async () => (await mc.sessions()).length === 1, 'the session process');
  const [session] = await mc.sessions();
  const reason = exited(session!);
  await clock.advance(4999);
  t.true(isAlive(session!));
  await clock.advance(1);
  t.is(await reason, 'session_init_timeout');
  await until(() => peer.closed(), 'the close');
  await mc.close();
});

test('an idle link sends enquire_link, answered by the peer; an unanswered one closes the session', async (t) => {
  const { clock, mc, esme, mcLog, log } = await setup({}, { enquireLinkInterval: 30_000, enquireLinkRespTimeout: 5_000 });
  sendPdu(esme, bind());
  await until(() => log.length >= 1, 'the bind');
  await clock.advance(30_000);
  await until(() => mcLog.length === 1 && isAlive(esme), 'the enquire_link round trip');
  await clock.advance(10_000);
  t.true(isAlive(esme), 'the MC answered the enquire_link automatically');
  t.false(mcLog.includes('mc<-enquire_link'), 'enquire_link never reaches the user session');
  // a peer that never answers
  const rt2 = new Runtime({ clock });
  const { createServer } = await import('node:net');
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const lonely = await connectEsme(rt2, { port, session: TestEsme, args: { log: [] }, options: { enquireLinkInterval: 1000, enquireLinkRespTimeout: 500, sessionInitTime: 1e9 } });
  const reason = exited(lonely);
  await clock.advance(1000);
  await clock.advance(1000);
  t.is(await reason, 'enquire_link_timeout');
  silent.close();
  await mc.close();
});

test('an enquire_link whose response timeout is longer than the interval times out at its deadline, and is not sent again meanwhile', async (t) => {
  const clock = new VirtualClock();
  const rt2 = new Runtime({ clock });
  const { createServer } = await import('node:net');
  let received = 0;
  const silent = createServer((socket) => socket.on('data', (chunk: Buffer) => (received += chunk.length)));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const lonely = await connectEsme(rt2, { port, session: TestEsme, args: { log: [] }, options: { enquireLinkInterval: 1000, enquireLinkRespTimeout: 2500, sessionInitTime: 1e9 } });
  let reason: unknown;
  void exited(lonely).then((r) => (reason = r));
  await clock.advance(1000); // the enquire_link goes out: its deadline is 3,500
  await until(() => received === 16, 'the enquire_link');
  await clock.advance(2499);
  t.true(isAlive(lonely), 'alive until the deadline');
  t.is(received, 16, 'one enquire_link while it is unanswered, though two intervals passed');
  await clock.advance(1);
  await until(() => reason !== undefined, 'the exit');
  t.is(reason, 'enquire_link_timeout');
  silent.close();
});
