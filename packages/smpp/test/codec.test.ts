import test from 'ava';
import {
  CommandStatus,
  FrameError,
  PduDecodeError,
  PduEncodeError,
  createGenericNack,
  createPdu,
  createResponse,
  decodePdu,
  describeStatus,
  encodePdu,
  type Pdu,
} from '@switchboard/smpp';
import { ALL_COMMANDS, SAMPLE_COMMANDS, SAMPLES } from './support/samples.js';

test('the samples cover every command of v3.4 and v5.0', (t) => {
  t.is(ALL_COMMANDS.length, 33);
  t.deepEqual([...SAMPLE_COMMANDS].sort(), [...ALL_COMMANDS].sort());
});

for (const sample of SAMPLES) {
  test(`${sample.command}: decode(encode(pdu)) equals the pdu, and re-encoding is byte-identical`, (t) => {
    const bytes = encodePdu(sample);
    t.is(bytes.readUInt32BE(0), bytes.length);
    const decoded = decodePdu(bytes);
    t.deepEqual(decoded, sample);
    t.deepEqual(encodePdu(decoded), bytes);
  });
}

test('a submit_sm is laid out as SMPP v3.4 §4.4.1 says, octet for octet', (t) => {
  const pdu = createPdu('submit_sm', {
    sequence_number: 2,
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: '12',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: '34',
    data_coding: 0,
    short_message: Buffer.from('hi'),
  });
  const expected = Buffer.from(
    '00000027' + '00000004' + '00000000' + '00000002' + // header: length 39, submit_sm, ok, seq 2
      '00' + '01' + '01' + '313200' + '01' + '01' + '333400' + // service_type, source, destination
      '00' + '00' + '00' + '00' + '00' + '00' + '00' + '00' + '00' + // esm..sm_default_msg_id (with two empty times)
      '02' + '6869', // sm_length, short_message
    'hex',
  );
  t.deepEqual(encodePdu(pdu), expected);
});

test('unknown TLVs are kept raw, in wire order, and re-encoded byte for byte', (t) => {
  const base = encodePdu(createPdu('deliver_sm', { sequence_number: 9 }));
  const tlv = (tag: string, value: string): string => tag + (value.length / 2).toString(16).padStart(4, '0') + value;
  // an unknown vendor TLV, a known one, then the unknown tag again
  const frame = Buffer.concat([base, Buffer.from(tlv('1401', '414243') + tlv('001e', '787900') + tlv('1401', 'ff'), 'hex')]);
  frame.writeUInt32BE(frame.length, 0);
  const decoded = decodePdu(frame);
  t.deepEqual(Object.keys(decoded.tlvs), ['0x1401', 'receipted_message_id']);
  t.deepEqual(decoded.tlvs['0x1401'], [Buffer.from('414243', 'hex'), Buffer.from('ff', 'hex')]);
  t.is(decoded.tlvs.receipted_message_id, 'xy');
  // repeated unknown tags are written where the first one was: the order of distinct tags is kept
  const reencoded = encodePdu(decoded);
  t.is(reencoded.length, frame.length);
  t.deepEqual(decodePdu(reencoded), decoded);
});

test('createResponse keeps the sequence number; createGenericNack carries a status', (t) => {
  const submit = createPdu('submit_sm', { sequence_number: 77 });
  const resp = createResponse(submit, { message_id: 'x1' });
  t.is(resp.command, 'submit_sm_resp');
  t.is(resp.sequence_number, 77);
  t.is(resp.message_id, 'x1');
  const nack = decodePdu(encodePdu(createGenericNack(5, CommandStatus.ESME_RINVCMDLEN)));
  t.is(nack.command, 'generic_nack');
  t.is(nack.command_status, 2);
  t.throws(() => createResponse(createPdu('outbind') as never), { instanceOf: TypeError });
});

test('a failed response without a body decodes with empty fields', (t) => {
  const frame = Buffer.from('00000010' + '80000004' + '00000058' + '00000003', 'hex');
  const pdu = decodePdu(frame);
  t.like(pdu, { command: 'submit_sm_resp', command_status: CommandStatus.ESME_RTHROTTLED, message_id: '', sequence_number: 3 });
  t.is(describeStatus(pdu.command_status).name, 'ESME_RTHROTTLED');
});

function decodeError(hex: string): PduDecodeError {
  const frame = Buffer.from(hex, 'hex');
  frame.writeUInt32BE(frame.length, 0);
  try {
    decodePdu(frame);
  } catch (error) {
    if (error instanceof PduDecodeError) return error;
    throw error;
  }
  throw new Error('decoded without error');
}

test('bad bodies give typed errors with the command id, sequence number and status to answer', (t) => {
  const unknown = decodeError('00000000' + '000000ff' + '00000000' + '0000000a');
  t.is(unknown.commandStatus, CommandStatus.ESME_RINVCMDID);
  t.is(unknown.commandId, 0xff);
  t.is(unknown.sequenceNumber, 10);
  const truncated = decodeError('00000000' + '00000004' + '00000000' + '0000000b' + '00010131');
  t.is(truncated.commandStatus, CommandStatus.ESME_RINVCMDLEN);
  t.is(truncated.sequenceNumber, 11);
  const body = encodePdu(createPdu('submit_sm', { sequence_number: 12 })).subarray(16).toString('hex');
  const badTlv = decodeError('00000000' + '00000004' + '00000000' + '0000000c' + body + '0424');
  t.is(badTlv.commandStatus, CommandStatus.ESME_RINVTLVSTREAM);
  const tlvTooLong = decodeError('00000000' + '00000004' + '00000000' + '0000000c' + body + '04240010' + '00');
  t.is(tlvTooLong.commandStatus, CommandStatus.ESME_RINVTLVSTREAM);
  const wrongSize = decodeError('00000000' + '00000004' + '00000000' + '0000000c' + body + '020c000101');
  t.is(wrongSize.commandStatus, CommandStatus.ESME_RINVTLVLEN);
  t.is(wrongSize.field, 'sar_msg_ref_num');
  const longSystemId = decodeError('00000000' + '00000002' + '00000000' + '00000001' + Buffer.from('a-system-id-too-long\0pw\0\0').toString('hex') + '34' + '00' + '00' + '00');
  t.is(longSystemId.commandStatus, CommandStatus.ESME_RINVSYSID);
  const badFlag = decodeError('00000000' + '00000021' + '00000000' + '00000002' + '00' + '000000' + '01' + '09');
  t.is(badFlag.commandStatus, CommandStatus.ESME_RINVDESTFLAG);
  const badTime = decodeError('00000000' + '80000003' + '00000000' + '00000002' + Buffer.from('id\0' + '2611\0').toString('hex') + '02' + '00');
  t.is(badTime.field, 'final_date');
  const badSchedule = decodeError('00000000' + '00000004' + '00000000' + '0000000d' + '00' + '0000' + '00' + '0000' + '00' + '000000' + Buffer.from('2611\0').toString('hex') + '00' + '0000000000');
  t.is(badSchedule.commandStatus, CommandStatus.ESME_RINVSCHED);
});

test('encoding refuses what the spec forbids, naming the field', (t) => {
  const bad = (pdu: Pdu, field: string): void => {
    const error = t.throws(() => encodePdu(pdu), { instanceOf: PduEncodeError });
    t.is(error?.field, field);
  };
  bad(createPdu('submit_sm', { sequence_number: 0 }), 'sequence_number');
  bad(createPdu('submit_sm', { sequence_number: 0x80000000 }), 'sequence_number');
  bad(createPdu('submit_sm', { source_addr: 'x'.repeat(21) }), 'source_addr');
  bad(createPdu('bind_transmitter', { system_id: 'x'.repeat(16) }), 'system_id');
  bad(createPdu('submit_sm', { short_message: Buffer.alloc(255) }), 'short_message');
  bad(createPdu('submit_sm', { short_message: Buffer.from('a'), tlvs: { message_payload: Buffer.from('b') } }), 'message_payload');
  bad(createPdu('submit_sm', { schedule_delivery_time: '2611211200' }), 'schedule_delivery_time');
  bad(createPdu('submit_sm', { esm_class: 256 }), 'esm_class');
  bad(createPdu('submit_sm', { destination_addr: 'a\0b' }), 'destination_addr');
  bad(createPdu('submit_sm', { tlvs: { sar_msg_ref_num: 70000 } }), 'sar_msg_ref_num');
  bad(createPdu('submit_multi', { dest_address: [{ dest_flag: 3 } as never] }), 'dest_flag');
  t.notThrows(() => encodePdu(createPdu('submit_sm', { short_message: Buffer.alloc(254) })));
  t.notThrows(() => encodePdu(createGenericNack(0, CommandStatus.ESME_RINVCMDLEN)));
});

test('FrameError and PduDecodeError are the codec errors, with stable codes', (t) => {
  t.is(new FrameError('x', 3).code, 'ERR_SMPP_FRAME');
  t.is(new PduDecodeError('x', 1, 2, 3).code, 'ERR_SMPP_DECODE');
});
