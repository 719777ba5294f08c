import test from 'ava';
import { readFileSync } from 'node:fs';
import { connect as netConnect, createServer } from 'node:net';
import { once } from 'node:events';
import {
  BindStateError,
  CommandStatus,
  CommandStatusError,
  ConnectAbortedError,
  McSimulator,
  SmppClient,
  createPdu,
  encodePdu,
  parseReceipt,
  parseUdh,
  requestPdu,
  sessionStats,
  listenMc,
  connectEsme,
  WindowTimeoutError,
  ResponseTimeoutError,
  MAX_PENDING_DELIVERIES,
  type Pdu,
} from '@switchboard/smpp';
import { Runtime, VirtualClock, exited, isAlive } from '@switchboard/actor';
import { TestMc, TestEsme, bind, rawMc, settleWithClock, until } from './support/sessions.js';

const credentials = { esme01: 'secret' };
const asEsme = { mode: 'transceiver', system_id: 'esme01', password: 'secret' } as const;

function runtime(): { rt: Runtime; clock: VirtualClock } {
  const clock = new VirtualClock();
  return { rt: new Runtime({ clock }), clock };
}

test('SmppClient against McSimulator: bind, submit with a message id, the receipt after its delay, unbind', async (t) => {
  const { rt, clock } = runtime();
  const sim = await McSimulator.start(rt, { credentials, receiptDelay: 2000 });
  const delivered: Pdu[] = [];
  const client = await SmppClient.connect(rt, { port: sim.port, onDeliver: (pdu) => void delivered.push(pdu) });
  const bound = await client.bind(asEsme);
  t.like(bound, { command: 'bind_transceiver_resp', system_id: 'SMPPSIM' });
  t.deepEqual(sim.bound.map((b) => [b.systemId, b.mode]), [['esme01', 'transceiver']]);
  const resp = await client.submit({ source_addr: '4000', destination_addr: '447700900123', registered_delivery: 1, short_message: Buffer.from('hello') });
  t.is(resp.message_id, '00000001');
  t.is(sim.submitted[0]!.pdu.command, 'submit_sm');
  await clock.advance(1999);
  t.is(delivered.length, 0);
  await clock.advance(1);
  await until(() => delivered.length === 1, 'the receipt');
  const receipt = delivered[0]!;
  t.true(receipt.command === 'deliver_sm' && (receipt.esm_class & 0x04) !== 0);
  t.like(parseReceipt(receipt.command === 'deliver_sm' ? receipt.short_message.toString('latin1') : ''), { id: '00000001', state: 'DELIVERED' });
  t.like(receipt, { source_addr: '447700900123', destination_addr: '4000' });
  const pid = client.pid!;
  await client.unbind();
  t.false(isAlive(pid));
  t.deepEqual(sim.bound, []);
  await sim.close();
});

test('SmppClient: a wrong password and an unknown system_id reject with typed CommandStatusErrors', async (t) => {
  const { rt, clock } = runtime();
  const sim = await McSimulator.start(rt, { credentials });
  const client = await SmppClient.connect(rt, { port: sim.port });
  // Failed binds are answered late (bindFailures): the virtual clock moves on while we wait.
  const wrong = await settleWithClock(clock, t.throwsAsync(client.bind({ ...asEsme, password: 'nope' }), { instanceOf: CommandStatusError }));
  t.is(wrong?.commandStatus, CommandStatus.ESME_RINVPASWD);
  t.is(wrong?.statusName, 'ESME_RINVPASWD');
  t.is(wrong?.code, 'ERR_SMPP_STATUS');
  const unknown = await settleWithClock(clock, t.throwsAsync(client.bind({ ...asEsme, system_id: 'who' }), { instanceOf: CommandStatusError }));
  t.is(unknown?.commandStatus, CommandStatus.ESME_RINVSYSID);
  await t.throwsAsync(client.submit({ destination_addr: '1' }), { instanceOf: BindStateError, code: 'ERR_SMPP_BIND_STATE' });
  await client.bind(asEsme);
  t.is((await client.stats()).bindState, 'BOUND_TRX');
  await client.close();
  await sim.close();
});

test('sendText splits a long message into concatenated parts; injected faults and the throttle reject submits', async (t) => {
  const { rt, clock } = runtime();
  const sim = await McSimulator.start(rt, { throttle: 5 });
  const client = await SmppClient.connect(rt, { port: sim.port });
  await client.bind({ mode: 'transmitter', system_id: 'any', password: 'x' });
  const text = 'The quick brown fox jumps over the lazy dog. '.repeat(5); // 225 GSM characters: two parts
  const parts = await client.sendText({ source: 'Switch', destination: '447700900123', text });
  t.is(parts.length, 2);
  t.deepEqual(parts.map((p) => p.message_id), ['00000001', '00000002']);
  const submitted = sim.submitted.map((m) => m.pdu).filter((p) => p.command === 'submit_sm');
  t.true(submitted.every((p) => (p.esm_class & 0x40) !== 0));
  const udh = parseUdh(submitted[1]!.short_message);
  t.like(udh.udh.concat, { total: 2, sequence: 2 });

  sim.inject({ status: CommandStatus.ESME_RSYSERR, count: 1 });
  const failed = await t.throwsAsync(client.submit({ destination_addr: '1' }), { instanceOf: CommandStatusError });
  t.is(failed?.commandStatus, CommandStatus.ESME_RSYSERR);
  t.like(failed?.response, { command: 'submit_sm_resp' });
  await client.submit({ destination_addr: '1' }); // the fault was for one submit only

  await clock.advance(1000); // a fresh second: five submits pass, the sixth is throttled
  const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => client.submit({ destination_addr: `${i}` })));
  t.is(results.filter((r) => r.status === 'fulfilled').length, 5);
  const throttled = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  t.is((throttled.reason as CommandStatusError).commandStatus, CommandStatus.ESME_RTHROTTLED);
  await client.close();
  await sim.close();
});

test('McSimulator delivers mobile-originated messages to a receiver bound with that system_id', async (t) => {
  const { rt } = runtime();
  const sim = await McSimulator.start(rt);
  const got: Pdu[] = [];
  const client = await SmppClient.connect(rt, { port: sim.port, onDeliver: (pdu) => void got.push(pdu) });
  t.false(sim.deliver('esme01', { source_addr: '447700900123', short_message: Buffer.from('before') }));
  await client.bind({ ...asEsme, mode: 'receiver' });
  t.true(sim.deliver('esme01', { source_addr: '447700900123', destination_addr: '4000', short_message: Buffer.from('MO text') }));
  await until(() => got.length === 1, 'the MO message');
  t.like(got[0], { command: 'deliver_sm', source_addr: '447700900123' });
  await client.close();
  await sim.close();
});

test('reconnect: a supervised client reconnects and rebinds after the connection drops, backing off while the MC is away', async (t) => {
  const { rt, clock } = runtime();
  let sim = await McSimulator.start(rt, { credentials });
  const port = sim.port;
  const statuses: string[] = [];
  const client = await SmppClient.connect(rt, {
    port,
    bind: asEsme,
    reconnect: { delay: 1000, maxDelay: 8000 },
    onStatus: (s) => statuses.push(s.type),
  });
  await until(() => statuses.includes('bound'), 'the first bind');
  const first = client.pid!;
  // the MC goes away
  await sim.close();
  await until(() => !isAlive(first), 'the first session to end');
  // the first attempt follows at once and fails (nothing listens); the next waits 1 s
  await until(() => statuses.includes('reconnecting'), 'a reconnect attempt to fail');
  sim = await McSimulator.start(rt, { credentials, port });
  await clock.advance(1000);
  await until(() => statuses.filter((s) => s === 'bound').length === 2, 'the rebind');
  t.not(client.pid, first);
  t.like(await client.submit({ destination_addr: '1' }), { command_status: 0 });
  await client.close();
  t.deepEqual(statuses, ['bound', 'closed', 'reconnecting', 'bound', 'closed']);
  await sim.close();
});

test('signal: aborting a reconnecting client that never connected stops its retries and rejects connect; aborting a bound one unbinds it', async (t) => {
  const { rt, clock } = runtime();
  const dead = createServer();
  dead.listen(0, '127.0.0.1');
  await once(dead, 'listening');
  const port = (dead.address() as { port: number }).port;
  dead.close(); // nothing listens there now
  const before = rt.processCount;
  const abort = new AbortController();
  const statuses: string[] = [];
  const connecting = SmppClient.connect(rt, { port, bind: asEsme, reconnect: { delay: 1000 }, signal: abort.signal, onStatus: (s) => statuses.push(s.type) });
  await until(() => statuses.includes('reconnecting'), 'a failed attempt');
  abort.abort();
  await t.throwsAsync(connecting, { instanceOf: ConnectAbortedError, code: 'ERR_SMPP_CONNECT_ABORTED' });
  await clock.advance(60_000);
  t.is(statuses.filter((s) => s === 'reconnecting').length, 1, 'no attempt after the abort');
  t.is(rt.processCount, before, 'its supervisor and session are gone');

  const sim = await McSimulator.start(rt, { credentials });
  const bound = new AbortController();
  const client = await SmppClient.connect(rt, { port: sim.port, bind: asEsme, reconnect: true, signal: bound.signal, onStatus: (s) => statuses.push(s.type) });
  await until(() => statuses.includes('bound'), 'the bind');
  const session = client.pid!;
  bound.abort();
  await until(() => !isAlive(session), 'the session to end');
  await client.close(); // the same unbind, not a second one
  t.deepEqual(statuses.slice(-2), ['bound', 'closed']);
  await sim.close();
});

test('TLS on both sides: bind and submit over node:tls', async (t) => {
  const { rt } = runtime();
  const key = readFileSync(new URL('./fixtures/tls-key.pem', import.meta.url));
  const cert = readFileSync(new URL('./fixtures/tls-cert.pem', import.meta.url));
  const sim = await McSimulator.start(rt, { credentials, tls: { key, cert } });
  const client = await SmppClient.connect(rt, { port: sim.port, tls: { ca: cert, servername: 'localhost' } });
  await client.bind(asEsme);
  t.like(await client.submit({ destination_addr: '1' }), { message_id: '00000001' });
  await client.close();
  // a client that does not trust the MC's certificate does not connect
  await t.throwsAsync(SmppClient.connect(rt, { port: sim.port, tls: { servername: 'localhost' } }), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  await sim.close();
});

test('requestPdu: a request past the window waits for a slot and fails with WindowTimeoutError after windowTimeout', async (t) => {
  const { rt, clock } = runtime();
  const mc = await listenMc(rt, { session: TestMc, args: { log: [], hold: true } });
  const esme = await connectEsme(rt, { port: mc.port, session: TestEsme, args: { log: [] }, options: { window: 1, windowTimeout: 5000, enquireLinkInterval: 1e9 }, bind: bind() });
  await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the bind');
  const first = requestPdu(esme, createPdu('submit_sm', { destination_addr: '1' }));
  const second = requestPdu(esme, createPdu('submit_sm', { destination_addr: '2' }));
  await until(async () => (await sessionStats(esme)).waiting === 1, 'the second to wait');
  await clock.advance(5000);
  await t.throwsAsync(second, { instanceOf: WindowTimeoutError, code: 'ERR_SMPP_WINDOW_TIMEOUT' });
  const ended = exited(esme);
  await mc.close({ timeout: 10 });
  await ended;
  await t.throwsAsync(first, { code: 'ERR_SMPP_SESSION_CLOSED' });
});

test('the MC refuses connections past maxConnections', async (t) => {
  const { rt } = runtime();
  const mc = await listenMc(rt, { session: TestMc, args: { log: [] }, maxConnections: 2 });
  const sockets = await Promise.all(
    [0, 1, 2].map(async () => {
      const socket = netConnect({ port: mc.port, host: '127.0.0.1' });
      socket.on('error', () => {});
      await once(socket, 'connect');
      return socket;
    }),
  );
  await until(() => sockets.some((s) => s.readyState !== 'open'), 'one connection to be closed');
  t.is(sockets.filter((s) => s.readyState === 'open').length, 2);
  t.is((await mc.sessions()).length, 2);
  for (const s of sockets) s.destroy();
  await mc.close();
});

test('a peer that stops reading: the session stops reading too, and its buffers stay bounded', async (t) => {
  const { rt } = runtime();
  const highWaterMark = 64 * 1024;
  const mc = await listenMc(rt, { session: TestMc, args: { log: [] }, options: { highWaterMark } });
  const peer = netConnect({ port: mc.port, host: '127.0.0.1' });
  await once(peer, 'connect');
  peer.pause(); // never reads what the MC answers
  const enquire = encodePdu(createPdu('enquire_link', { sequence_number: 1 }));
  const chunk = Buffer.concat(Array.from({ length: 1000 }, () => enquire)); // 16 kB of requests
  const cap = 200 * 1024 * 1024;
  let sent = 0;
  // write until our own buffer backs up: the kernel buffers in between fill only once the MC
  // stopped reading (it answers every enquire_link, and its answers are never read)
  await until(() => {
    if (peer.writableLength < 1024 * 1024 && sent < cap) {
      peer.write(chunk);
      sent += chunk.length;
    }
    return peer.writableLength >= 1024 * 1024;
  }, 'the MC to stop reading', 60_000);
  const [session] = await mc.sessions();
  const stats = await sessionStats(session!);
  t.true(stats.readPaused, 'reading is paused');
  // past the mark by at most the answers to one read (64 KiB of equal-sized enquire_links)
  t.true(stats.writeBuffered <= highWaterMark + 64 * 1024, `write buffer ${stats.writeBuffered} stays near the high-water mark`);
  t.true(sent < cap, `the MC stopped taking requests after ${sent} bytes`);
  t.log(`the MC stopped reading after ${(sent / 1e6).toFixed(1)} MB of requests`);
  peer.destroy();
  await mc.close();
});

test('a silent server never answering the bind: the response timeout stops a bind-on-connect session', async (t) => {
  const { rt, clock } = runtime();
  const silent = createServer(() => {});
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const port = (silent.address() as { port: number }).port;
  const esme = await connectEsme(rt, { port, session: TestEsme, args: { log: [] }, bind: bind(), options: { responseTimeout: 3000, enquireLinkInterval: 1e9 } });
  const reason = exited(esme);
  await clock.advance(4000);
  t.true((await reason) instanceof ResponseTimeoutError);
  silent.close();
});

test('a deliver_sm whose handler is still running does not hold up the submit_sm_resp behind it; it is answered when the handler settles', async (t) => {
  const { rt } = runtime();
  const mc = await rawMc({ answerAll: true });
  let release: (status: number) => void = () => {};
  const started: number[] = [];
  const client = await SmppClient.connect(rt, {
    port: mc.port,
    onDeliver: (pdu) => {
      started.push(pdu.sequence_number);
      // the first waits for the test (a store write, say); the next ones answer at once
      return started.length === 1 ? new Promise<number>((resolve) => (release = resolve)) : CommandStatus.ESME_ROK;
    },
  });
  await client.bind(asEsme);
  const socket = mc.sockets[0]!;
  socket.write(encodePdu(createPdu('deliver_sm', { sequence_number: 7001, source_addr: '447700900001', destination_addr: '4000', short_message: Buffer.from('one') })));
  await until(() => started.length === 1, 'the first deliver_sm handled');
  // a submit and another deliver_sm after it: both go on while the first handler waits
  const submitted = client.submit({ source_addr: '4000', destination_addr: '447700900123', short_message: Buffer.from('hello') });
  socket.write(encodePdu(createPdu('deliver_sm', { sequence_number: 7002, source_addr: '447700900002', destination_addr: '4000', short_message: Buffer.from('two') })));
  t.is((await submitted).command_status, CommandStatus.ESME_ROK, 'the submit_sm_resp was read although the first handler still runs');
  await until(() => mc.received.some((p) => p.command === 'deliver_sm_resp' && p.sequence_number === 7002), 'the second answered');
  t.false(mc.received.some((p) => p.command === 'deliver_sm_resp' && p.sequence_number === 7001), 'the first not yet');
  release(CommandStatus.ESME_RX_T_APPN);
  await until(() => mc.received.some((p) => p.command === 'deliver_sm_resp' && p.sequence_number === 7001), 'the first answered once its handler settled');
  t.is(mc.received.find((p) => p.command === 'deliver_sm_resp' && p.sequence_number === 7001)!.command_status, CommandStatus.ESME_RX_T_APPN);
  await client.close();
  await mc.close();
});

test('a handler that rejects is answered ESME_RSYSERR; at MAX_PENDING_DELIVERIES reading waits until one ends; close waits for the running ones', async (t) => {
  const { rt } = runtime();
  const mc = await rawMc({ answerAll: true });
  const waiting: ((status: number) => void)[] = [];
  let calls = 0;
  const client = await SmppClient.connect(rt, {
    port: mc.port,
    onDeliver: () => {
      calls++;
      if (calls === 1) return Promise.reject(new Error('store down'));
      return new Promise<number>((resolve) => waiting.push(resolve));
    },
  });
  await client.bind(asEsme);
  const socket = mc.sockets[0]!;
  const send = (n: number): void => void socket.write(encodePdu(createPdu('deliver_sm', { sequence_number: 8000 + n, source_addr: '1', destination_addr: '2', short_message: Buffer.from(String(n)) })));
  const answered = (): Pdu[] => mc.received.filter((p) => p.command === 'deliver_sm_resp');
  send(0);
  await until(() => answered().length === 1, 'the rejected one answered');
  t.is(answered()[0]!.command_status, CommandStatus.ESME_RSYSERR);
  for (let n = 1; n <= MAX_PENDING_DELIVERIES + 5; n++) send(n);
  await until(() => waiting.length === MAX_PENDING_DELIVERIES, 'the cap reached');
  await new Promise((r) => setTimeout(r, 50));
  t.is(waiting.length, MAX_PENDING_DELIVERIES, 'no handler started past the cap');
  // the oldest ends: its response goes out and the next request's handler starts
  waiting.shift()!(CommandStatus.ESME_ROK);
  await until(() => answered().length === 2 && waiting.length === MAX_PENDING_DELIVERIES, 'one answered, one more started');
  t.is(answered()[1]!.sequence_number, 8001);
  // the rest: every handler but the last ends, so nothing is left unread
  const total = MAX_PENDING_DELIVERIES + 6;
  // handlers for 8001..8069: 8001 ended above; all but the last of the others end now
  let toEnd = total - 3;
  for (let i = 0; i < 100 && (toEnd > 0 || answered().length < total - 1); i++) {
    while (toEnd > 0 && waiting.length > 0) {
      waiting.shift()!(CommandStatus.ESME_ROK);
      toEnd--;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  t.is(answered().length, total - 1);
  t.is(waiting.length, 1);
  // close waits for the running handler: its response goes out before the unbind
  const closed = client.close();
  await new Promise((r) => setTimeout(r, 50));
  t.false(mc.received.some((p) => p.command === 'unbind'), 'no unbind while a response is owed');
  waiting.shift()!(CommandStatus.ESME_ROK);
  await closed;
  const unbindAt = mc.received.findIndex((p) => p.command === 'unbind');
  const lastResponseAt = mc.received.findLastIndex((p) => p.command === 'deliver_sm_resp');
  t.true(unbindAt > lastResponseAt && lastResponseAt >= 0, 'the unbind came after every response');
  t.is(answered().length, total, 'every deliver_sm answered');
  await mc.close();
});
