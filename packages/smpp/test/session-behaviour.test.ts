// The Session behaviour's callbacks, each seen doing its job against a raw peer.
import test from 'ava';
import { Runtime, VirtualClock, call, cast, exited, reply, send, stop, type From, type Pid } from '@switchboard/actor';
import {
  CommandStatus,
  PduDecodeError,
  SessionReturn,
  connectEsme,
  createPdu,
  nextSequenceNumber,
  sendPdu,
  sessionStats,
  type Pdu,
  type Session,
} from '@switchboard/smpp';
import { bind, rawMc, until } from './support/sessions.js';

function runtime(): { rt: Runtime; clock: VirtualClock } {
  const clock = new VirtualClock();
  return { rt: new Runtime({ clock }), clock };
}

const quiet = { enquireLinkInterval: 1e9 };

interface Recorder {
  readonly events: string[];
  pending?: From<string>;
  lost?: string[];
}

test('handleCall sends a PDU and replies later from handleResp; handleCast and handleInfo send PDUs too', async (t) => {
  const { rt } = runtime();
  const mc = await rawMc({ answerAll: true });
  const session: Session<Recorder, Recorder, { submit: string }, string, { enquire: true }, { query: string }> = {
    handleCall(request, from, state) {
      state.pending = from;
      return SessionReturn.ok(state, [createPdu('submit_sm', { destination_addr: request.submit })]);
    },
    handleResp(resp, original, state) {
      state.events.push(`${original.command}->${resp.command}`);
      if (resp.command === 'submit_sm_resp' && state.pending) reply(state.pending, `answered #${resp.sequence_number}`);
      return SessionReturn.ok(state);
    },
    handleCast(_message, state) {
      return SessionReturn.ok(state, [createPdu('enquire_link')]);
    },
    handleInfo(message, state) {
      return SessionReturn.ok(state, [createPdu('query_sm', { message_id: message.query })]);
    },
  };
  type Protocol = { call: { submit: string }; reply: string; cast: { enquire: true }; info: { query: string } };
  const esme = (await connectEsme(rt, {
    port: mc.port,
    session: session as Session<unknown, Recorder>,
    args: { events: [] },
    options: quiet,
    bind: bind(),
  })) as Pid<Protocol>;
  await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the bind');
  t.is(await call(esme, { submit: '447700900123' }), 'answered #2');
  cast(esme, { enquire: true });
  send(esme, { query: 'abc' });
  await until(() => mc.received.length === 4, 'the cast and info PDUs');
  t.deepEqual(
    mc.received.map((p) => `${p.command}#${p.sequence_number}`),
    ['bind_transceiver#1', 'submit_sm#2', 'enquire_link#3', 'query_sm#4'],
  );
  await stop(esme);
  await mc.close();
});

test('the peer closes with requests in flight: each is in lostPdus exactly once, and handleSocketClosed names the reason', async (t) => {
  const { rt } = runtime();
  const mc = await rawMc();
  const lost: string[][] = [];
  const session: Session<null, null> = {
    handleSocketClosed: () => 'peer_went_away',
    terminate(_reason, lostPdus) {
      lost.push(lostPdus.map((p) => `${p.command}:${p.command === 'submit_sm' ? p.destination_addr : ''}`));
    },
  };
  const esme = await connectEsme(rt, { port: mc.port, session, args: null, options: { ...quiet, window: 2 }, bind: bind() });
  await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the bind');
  const reason = exited(esme);
  for (const dest of ['1', '2', '3']) sendPdu(esme, createPdu('submit_sm', { destination_addr: dest }));
  await until(() => mc.received.length === 3, 'two submits on the wire (the third waits for the window)');
  mc.sockets[0]!.destroy();
  t.is(await reason, 'peer_went_away');
  // the two in flight, then the one still waiting for a window slot (it never went out)
  t.deepEqual(lost, [['submit_sm:1', 'submit_sm:2', 'submit_sm:3']]);
  await mc.close();
});

test('terminate may return last PDUs: an unbind goes out before the socket closes', async (t) => {
  const { rt } = runtime();
  const mc = await rawMc();
  const session: Session<null, null> = { terminate: () => [createPdu('unbind')] };
  const esme = await connectEsme(rt, { port: mc.port, session, args: null, options: quiet, bind: bind() });
  await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the bind');
  await stop(esme, 'shutdown');
  await until(() => mc.received.length === 2, 'the unbind');
  t.like(mc.received[1], { command: 'unbind', sequence_number: 2 });
  await mc.close();
});

test('handleUnparsedPdu sees the raw bytes and the decode error, and may answer and stop', async (t) => {
  const { rt } = runtime();
  const mc = await rawMc();
  const seen: string[] = [];
  const session: Session<null, null> = {
    handleUnparsedPdu(raw, error, state) {
      seen.push(`${raw.length}:${error instanceof PduDecodeError}:${error.commandStatus}`);
      return SessionReturn.stop('garbage_from_peer', state, [createPdu('generic_nack', { sequence_number: error.sequenceNumber, command_status: error.commandStatus })]);
    },
  };
  const esme = await connectEsme(rt, { port: mc.port, session, args: null, options: quiet, bind: bind() });
  await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the bind');
  const reason = exited(esme);
  // a deliver_sm cut short inside its service_type: sound frame, broken body
  const broken = Buffer.from('00000014' + '00000005' + '00000000' + '00000009' + '41424344', 'hex');
  mc.sockets[0]!.write(broken);
  t.is(await reason, 'garbage_from_peer');
  t.deepEqual(seen, [`20:true:${CommandStatus.ESME_RINVCMDLEN}`]);
  await until(() => mc.received.length === 2, 'the generic_nack');
  t.like(mc.received[1], { command: 'generic_nack', sequence_number: 9, command_status: CommandStatus.ESME_RINVCMDLEN });
  await mc.close();
});

test('init can refuse the connection: start rejects and the socket is closed', async (t) => {
  const { rt } = runtime();
  const mc = await rawMc();
  const session: Session<null, null> = { init: () => SessionReturn.refuse('not_today') };
  await t.throwsAsync(connectEsme(rt, { port: mc.port, session, args: null }));
  await until(() => mc.sockets.length === 1 && mc.sockets[0]!.destroyed === false, 'the connection');
  await until(() => mc.sockets[0]!.readableEnded || mc.sockets[0]!.destroyed, 'the close');
  t.pass();
  await mc.close();
});

test('the sending throttle spreads submits over seconds; handleSendPduResult reports each write', async (t) => {
  const { rt, clock } = runtime();
  const mc = await rawMc({ answerAll: true });
  const written: string[] = [];
  const session: Session<null, null> = {
    handleSendPduResult(pdu, result, state) {
      if (result.ok) written.push(pdu.command);
      return state;
    },
  };
  const esme = await connectEsme(rt, { port: mc.port, session, args: null, options: { ...quiet, throttle: 2 }, bind: bind() });
  await until(async () => (await sessionStats(esme)).bindState === 'BOUND_TRX', 'the bind');
  for (let i = 0; i < 5; i++) sendPdu(esme, createPdu('submit_sm', { destination_addr: `${i}` }));
  const submits = (): number => mc.received.filter((p: Pdu) => p.command === 'submit_sm').length;
  await until(() => submits() === 2, 'the first two');
  t.is((await sessionStats(esme)).waiting, 3);
  await clock.advance(1000);
  await until(() => submits() === 4, 'two more a second later');
  await clock.advance(1000);
  await until(() => submits() === 5, 'the last');
  await until(() => written.length === 6, 'six write results');
  t.deepEqual(written, ['bind_transceiver', 'submit_sm', 'submit_sm', 'submit_sm', 'submit_sm', 'submit_sm']);
  await stop(esme);
  await mc.close();
});

test('sequence numbers run 1..0x7FFFFFFF, wrap to 1, and skip numbers still in flight', (t) => {
  t.is(nextSequenceNumber(0, new Set()), 1);
  t.is(nextSequenceNumber(41, new Set()), 42);
  t.is(nextSequenceNumber(0x7ffffffe, new Set()), 0x7fffffff);
  t.is(nextSequenceNumber(0x7fffffff, new Set()), 1);
  t.is(nextSequenceNumber(0x7fffffff, new Set([1, 2])), 3);
});
