// The Session example of docs/smpp.md, run as written against the simulator.
import test from 'ava';
import { Runtime, VirtualClock, call, reply, type From } from '@switchboard/actor';
import { McSimulator, SessionReturn, connectEsme, createPdu, createResponse, type Pdu, type Session } from '@switchboard/smpp';

interface State { waiting: Map<Pdu, From<string>>; }
const Sender: Session<State, null, { to: string; text: string }, string> = {
  init: () => SessionReturn.init({ waiting: new Map() }),
  handleCall({ to, text }, from, state) {
    const submit = createPdu('submit_sm', { destination_addr: to, short_message: Buffer.from(text) });
    state.waiting.set(submit, from);
    return SessionReturn.ok(state, [submit]);
  },
  handleResp(resp, original, state) {
    const from = state.waiting.get(original);
    state.waiting.delete(original);
    if (from && resp.command === 'submit_sm_resp') reply(from, resp.message_id);
    return SessionReturn.ok(state);
  },
  handleRespTimeout(pdus, state) {
    for (const pdu of pdus) {
      const from = state.waiting.get(pdu);
      if (from) reply(from, 'no answer');
      state.waiting.delete(pdu);
    }
    return SessionReturn.ok(state);
  },
  handlePdu(pdu, state) {
    return SessionReturn.ok(state, pdu.command === 'deliver_sm' ? [createResponse(pdu)] : []);
  },
};

test('docs/smpp.md: the Sender session answers each caller with its own message id', async (t) => {
  const runtime = new Runtime({ clock: new VirtualClock() });
  const sim = await McSimulator.start(runtime, { credentials: { esme01: 'secret' } });
  const esme = await connectEsme(runtime, {
    port: sim.port,
    session: Sender,
    args: null,
    bind: createPdu('bind_transceiver', { system_id: 'esme01', password: 'secret' }),
    options: { window: 50 },
  });
  const texts = ['a', 'b', 'c'];
  const ids = await Promise.all(texts.map((text) => call(esme, { to: '447700900123', text })));
  const idOf = new Map(sim.submitted.map((m) => [m.pdu.command === 'submit_sm' ? m.pdu.short_message.toString() : '', m.messageId]));
  t.deepEqual(ids, texts.map((text) => idOf.get(text)));
  t.is(new Set(ids).size, 3);
  await sim.close();
});
