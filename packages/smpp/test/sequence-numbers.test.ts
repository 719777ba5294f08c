// sequence_number outside 0x00000001..0x7FFFFFFF (SMPP v3.4 §3.2): the decoder refuses it with a
// typed error, and the session answers such a request with generic_nack (ESME_RSYSERR) echoing the
// number as received — never silence, never a crash.
import test from 'ava';
import { Runtime, VirtualClock, isAlive } from '@switchboard/actor';
import { CommandId, CommandStatus, PduDecodeError, createGenericNack, createPdu, decodePdu, encodePdu, listenMc, type Pdu } from '@switchboard/smpp';
import { TestMc, bind, rawPeer, until } from './support/sessions.js';

/** A PDU's bytes with its sequence_number overwritten (the encoder refuses to write such numbers). */
function withSequence(pdu: Pdu, sequence: number): Buffer {
  const bytes = encodePdu({ ...pdu, sequence_number: 1 } as Pdu);
  bytes.writeUInt32BE(sequence, 12);
  return bytes;
}

const BAD = [0, 0x80000000, 0x80000001, 0xffffffff];

test('the decoder refuses requests and responses with sequence_number 0 or above 0x7FFFFFFF', (t) => {
  for (const sequence of BAD) {
    for (const pdu of [createPdu('submit_sm'), createPdu('enquire_link'), createPdu('submit_sm_resp')] as Pdu[]) {
      const error = t.throws(() => decodePdu(withSequence(pdu, sequence)), { instanceOf: PduDecodeError });
      t.is(error?.field, 'sequence_number');
      t.is(error?.sequenceNumber, sequence);
      t.is(error?.commandStatus, CommandStatus.ESME_RSYSERR);
      t.is(error?.commandId, CommandId[pdu.command]);
    }
  }
  t.is(decodePdu(withSequence(createPdu('enquire_link'), 0x7fffffff)).sequence_number, 0x7fffffff);
});

test('generic_nack carries any 32-bit sequence number both ways (it echoes what it answers)', (t) => {
  for (const sequence of [...BAD, 1, 0x7fffffff]) {
    const nack = createGenericNack(sequence, CommandStatus.ESME_RSYSERR);
    t.like(decodePdu(encodePdu(nack)), { command: 'generic_nack', sequence_number: sequence, command_status: CommandStatus.ESME_RSYSERR });
  }
  t.throws(() => encodePdu(createGenericNack(2 ** 32, 0)), { code: 'ERR_SMPP_ENCODE' });
  t.throws(() => encodePdu(createPdu('submit_sm', { sequence_number: 0x80000000 })), { code: 'ERR_SMPP_ENCODE' });
});

test('the session answers each out-of-range request with generic_nack echoing its number, and goes on', async (t) => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const mc = await listenMc(rt, { session: TestMc, args: { log: [] } });
  const peer = await rawPeer(mc.port);
  const requests: Pdu[] = [createPdu('enquire_link'), bind(), createPdu('submit_sm', { destination_addr: '1' }), createPdu('unbind')];
  let expected = 0;
  for (const sequence of BAD) {
    for (const pdu of requests) {
      peer.socket.write(withSequence(pdu, sequence));
      expected++;
      await until(() => peer.received.length === expected, `an answer to ${pdu.command} #${sequence}`);
      t.like(peer.received[expected - 1], { command: 'generic_nack', sequence_number: sequence, command_status: CommandStatus.ESME_RSYSERR });
    }
  }
  // A response with such a number matches nothing: dropped, no answer, the connection stays.
  peer.socket.write(withSequence(createPdu('enquire_link_resp'), 0));
  peer.socket.write(encodePdu(createPdu('enquire_link', { sequence_number: 7 })));
  await until(() => peer.received.length === expected + 1, 'the enquire_link_resp');
  t.like(peer.received[expected], { command: 'enquire_link_resp', sequence_number: 7 });
  const [session] = await mc.sessions();
  t.true(isAlive(session!));
  t.false(peer.closed());
  peer.socket.destroy();
  await mc.close({ timeout: 100 });
});
