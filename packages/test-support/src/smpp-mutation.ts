// Hostile SMPP for fuzzing an MC: valid PDUs written by hand from the SMPP v3.4 layouts (§4), and
// operators that break them (command_length, command_id, sequence numbers 0 and past 0x7FFFFFFF,
// truncated bodies, unterminated C-strings, bad sm_length, bad TLVs, byte flips), assembled into
// streams of PDUs cut at random points. Every stream comes from a seed and an index.
import { Prng } from './prng.js';

export const SMPP_COMMAND = {
  bind_receiver: 0x01,
  bind_transmitter: 0x02,
  query_sm: 0x03,
  submit_sm: 0x04,
  deliver_sm: 0x05,
  unbind: 0x06,
  replace_sm: 0x07,
  cancel_sm: 0x08,
  bind_transceiver: 0x09,
  outbind: 0x0b,
  enquire_link: 0x15,
  submit_multi: 0x21,
  alert_notification: 0x102,
  data_sm: 0x103,
  generic_nack: 0x8000_0000,
} as const;

export interface SmppCredentials {
  readonly systemId: string;
  readonly password: string;
}

export interface SmppPduBytes {
  readonly label: string;
  readonly bytes: Buffer;
}

export interface SmppStream {
  readonly label: string;
  /** Opens with a valid bind_transceiver. */
  readonly bound: boolean;
  readonly pdus: readonly SmppPduBytes[];
  /** The PDUs' octets cut into the writes to make. */
  readonly chunks: readonly Buffer[];
}

function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'latin1'), Buffer.alloc(1)]);
}

function octets(...values: number[]): Buffer {
  return Buffer.from(values.map((v) => v & 0xff));
}

function tlv(tag: number, value: Buffer, length = value.length): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(tag & 0xffff, 0);
  head.writeUInt16BE(length & 0xffff, 2);
  return Buffer.concat([head, value]);
}

/** A PDU: the 16-octet header (command_length computed unless given) and the body. */
export function smppPdu(commandId: number, sequence: number, body: Buffer = Buffer.alloc(0), status = 0, length?: number): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE((length ?? 16 + body.length) >>> 0, 0);
  head.writeUInt32BE(commandId >>> 0, 4);
  head.writeUInt32BE(status >>> 0, 8);
  head.writeUInt32BE(sequence >>> 0, 12);
  return Buffer.concat([head, body]);
}

export function bindBody(credentials: SmppCredentials, systemType = ''): Buffer {
  return Buffer.concat([cstring(credentials.systemId), cstring(credentials.password), cstring(systemType), octets(0x34, 0, 0), cstring('')]);
}

export function submitBody(options: { source?: string; destination?: string; text?: Buffer; dataCoding?: number; esmClass?: number; registeredDelivery?: number; tlvs?: Buffer } = {}): Buffer {
  const text = options.text ?? Buffer.from('fuzz', 'latin1');
  return Buffer.concat([
    cstring(''),
    octets(1, 1),
    cstring(options.source ?? '447700900123'),
    octets(1, 1),
    cstring(options.destination ?? '447700900555'),
    octets(options.esmClass ?? 0, 0, 0),
    cstring(''),
    cstring(''),
    octets(options.registeredDelivery ?? 0, 0, options.dataCoding ?? 0, 0, text.length),
    text,
    options.tlvs ?? Buffer.alloc(0),
  ]);
}

function validPdu(rng: Prng, sequence: number, credentials: SmppCredentials): SmppPduBytes {
  const kind = rng.int(12);
  switch (kind) {
    case 0:
    case 1:
    case 2:
      return { label: 'submit_sm', bytes: smppPdu(SMPP_COMMAND.submit_sm, sequence, submitBody({ registeredDelivery: rng.int(2), text: Buffer.from(`fuzz ${sequence}`, 'latin1') })) };
    case 3:
      return { label: 'enquire_link', bytes: smppPdu(SMPP_COMMAND.enquire_link, sequence) };
    case 4:
      return { label: 'submit_sm (message_payload)', bytes: smppPdu(SMPP_COMMAND.submit_sm, sequence, Buffer.concat([submitBody({ text: Buffer.alloc(0) }), tlv(0x0424, Buffer.from('payload '.repeat(rng.between(1, 40)), 'latin1'))])) };
    case 5:
      return { label: 'submit_sm (UCS-2)', bytes: smppPdu(SMPP_COMMAND.submit_sm, sequence, submitBody({ dataCoding: 8, text: Buffer.from('\u00e9\u4f60', 'utf16le').swap16() })) };
    case 6:
      return { label: 'data_sm', bytes: smppPdu(SMPP_COMMAND.data_sm, sequence, Buffer.concat([cstring(''), octets(1, 1), cstring('447700900123'), octets(1, 1), cstring('447700900555'), octets(0, 0, 0), tlv(0x0424, Buffer.from('data', 'latin1'))])) };
    case 7:
      return { label: 'query_sm', bytes: smppPdu(SMPP_COMMAND.query_sm, sequence, Buffer.concat([cstring(rng.token(8)), octets(1, 1), cstring('447700900123')])) };
    case 8:
      return { label: 'cancel_sm', bytes: smppPdu(SMPP_COMMAND.cancel_sm, sequence, Buffer.concat([cstring(''), cstring('00000001'), octets(1, 1), cstring('447700900123'), octets(1, 1), cstring('447700900555')])) };
    case 9:
      return { label: 'deliver_sm_resp (stray)', bytes: smppPdu(SMPP_COMMAND.deliver_sm | 0x8000_0000, sequence, cstring('')) };
    case 10:
      return { label: 'bind_transceiver (again)', bytes: smppPdu(SMPP_COMMAND.bind_transceiver, sequence, bindBody(credentials)) };
    default:
      return { label: 'submit_sm (concatenated, UDH)', bytes: smppPdu(SMPP_COMMAND.submit_sm, sequence, submitBody({ esmClass: 0x40, text: Buffer.concat([octets(5, 0, 3, rng.int(256), 2, 1), Buffer.from('part one', 'latin1')]) })) };
  }
}

const BAD_TLVS: readonly ((rng: Prng) => { label: string; bytes: Buffer })[] = [
  (rng) => ({ label: 'TLV length past the end', bytes: tlv(0x0424, Buffer.from('abc'), rng.pick([4, 100, 0xffff])) }),
  () => ({ label: 'sar_msg_ref_num of 0 octets', bytes: tlv(0x020c, Buffer.alloc(0)) }),
  () => ({ label: 'sar_total_segments of 4 octets', bytes: tlv(0x020e, Buffer.alloc(4, 0xff)) }),
  () => ({ label: 'message_state of 0 octets', bytes: tlv(0x0427, Buffer.alloc(0)) }),
  (rng) => ({ label: 'unknown TLV', bytes: tlv(rng.next() & 0xffff, rng.bytes(rng.int(20))) }),
  () => ({ label: 'duplicate message_payload', bytes: Buffer.concat([tlv(0x0424, Buffer.from('a')), tlv(0x0424, Buffer.from('b'))]) }),
  (rng) => ({ label: 'TLV header cut', bytes: rng.bytes(rng.between(1, 3)) }),
  () => ({ label: 'receipted_message_id without NUL', bytes: tlv(0x001e, Buffer.from('x'.repeat(80))) }),
  () => ({ label: 'message_payload of 64 KB', bytes: tlv(0x0424, Buffer.alloc(0xffff, 0x41)) }),
  () => ({ label: 'sar segment 0 of 0', bytes: Buffer.concat([tlv(0x020c, octets(0, 1)), tlv(0x020e, octets(0)), tlv(0x020f, octets(0))]) }),
  () => ({ label: 'network_error_code of 1 octet', bytes: tlv(0x0423, octets(1)) }),
  () => ({ label: 'TLV tag 0', bytes: tlv(0, Buffer.alloc(0)) }),
];

type PduOperator = (rng: Prng, pdu: Buffer) => SmppPduBytes;

const PDU_OPERATORS: readonly PduOperator[] = [
  function commandLength(rng, pdu) {
    const out = Buffer.from(pdu);
    const length = rng.pick([0, 1, 4, 15, 16, pdu.length - 1, pdu.length + 1, pdu.length + 100, 0xffffffff, 0x7fffffff, 0x80000000, 0x10000, 0x100000]);
    out.writeUInt32BE(length >>> 0, 0);
    return { label: `command_length ${length}`, bytes: out };
  },
  function commandId(rng, pdu) {
    const out = Buffer.from(pdu);
    const id = rng.pick([0, 0x10, 0xffffffff, 0x7fffffff, 0x8000ffff, 0x80000004, 0x80000009, 0x80000015, 0x80000000, 0x0b, 0x102, 0x113, 0x21, 0x06, rng.next()]);
    out.writeUInt32BE(id >>> 0, 4);
    return { label: `command_id 0x${id.toString(16)}`, bytes: out };
  },
  function commandStatus(rng, pdu) {
    const out = Buffer.from(pdu);
    const status = rng.pick([1, 0x45, 0xffffffff, 0x80000000]);
    out.writeUInt32BE(status >>> 0, 8);
    return { label: `command_status 0x${status.toString(16)}`, bytes: out };
  },
  function sequence(rng, pdu) {
    const out = Buffer.from(pdu);
    const seq = rng.pick([0, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 1]);
    out.writeUInt32BE(seq >>> 0, 12);
    return { label: `sequence_number 0x${seq.toString(16)}`, bytes: out };
  },
  function truncateBody(rng, pdu) {
    const cut = 16 + rng.int(Math.max(1, pdu.length - 16));
    const out = Buffer.from(pdu.subarray(0, cut));
    out.writeUInt32BE(cut, 0);
    return { label: `body cut to ${cut - 16} octets (command_length ${cut})`, bytes: out };
  },
  function unterminated(rng, pdu) {
    const out = Buffer.from(pdu);
    let changed = 0;
    for (let i = 16; i < out.length; i++) if (out[i] === 0 && rng.chance(0.7)) (out[i] = 0x41), changed++;
    return { label: `${changed} C-string NULs replaced`, bytes: out };
  },
  function longStrings(rng, pdu) {
    const id = pdu.readUInt32BE(4);
    const long = 'A'.repeat(rng.pick([17, 65, 255, 1000]));
    const body = id === SMPP_COMMAND.bind_transceiver || id === SMPP_COMMAND.bind_transmitter || id === SMPP_COMMAND.bind_receiver ? bindBody({ systemId: long, password: long }, long) : submitBody({ source: long, destination: long });
    return { label: `C-strings of ${long.length}`, bytes: smppPdu(id, pdu.readUInt32BE(12), body) };
  },
  function smLength(rng, pdu) {
    const text = rng.bytes(rng.int(20));
    const body = submitBody({ text });
    // sm_length is the octet just before short_message
    const at = body.length - text.length - 1;
    const claimed = rng.pick([255, 254, text.length + 1, 0, 161]);
    body[at] = claimed;
    return { label: `sm_length ${claimed} for ${text.length} octets`, bytes: smppPdu(pdu.readUInt32BE(4) === SMPP_COMMAND.deliver_sm ? SMPP_COMMAND.deliver_sm : SMPP_COMMAND.submit_sm, pdu.readUInt32BE(12), body) };
  },
  function badTlv(rng, pdu) {
    const bad = rng.pick(BAD_TLVS)(rng);
    const out = Buffer.concat([pdu, bad.bytes]);
    out.writeUInt32BE(out.length, 0);
    return { label: bad.label, bytes: out };
  },
  function badCoding(rng, pdu) {
    const dataCoding = rng.pick([0x08, 0xff, 0x04, 0xf0, 0x03, 0x0e, 0x18]);
    const esmClass = rng.pick([0, 0x40, 0x43, 0xff, 0x04]);
    const text = rng.pick([octets(0x00), octets(0xd8, 0x00), octets(0x1b), octets(5, 0, 3), octets(0xff, 0xff, 0xff), octets(0x1b, 0x1b, 0x1b), rng.bytes(rng.between(1, 140))]);
    return { label: `data_coding 0x${dataCoding.toString(16)}, esm_class 0x${esmClass.toString(16)}, ${text.length} octets`, bytes: smppPdu(SMPP_COMMAND.submit_sm, pdu.readUInt32BE(12), submitBody({ dataCoding, esmClass, text })) };
  },
  function flips(rng, pdu) {
    const out = Buffer.from(pdu);
    const n = rng.between(1, 6);
    for (let i = 0; i < n; i++) out[rng.int(out.length)]! ^= 1 << rng.int(8);
    return { label: `${n} bit flips`, bytes: out };
  },
  function garbage(rng) {
    const body = rng.bytes(rng.int(200));
    return { label: `random body of ${body.length} for a random command`, bytes: smppPdu(rng.pick([...Object.values(SMPP_COMMAND), rng.next()]), rng.next(), body) };
  },
  function otherCommand(rng, pdu) {
    const body = rng.pick([
      Buffer.concat([octets(1, 1), cstring('447700900123'), octets(1, 1), cstring('447700900555')]),
      Buffer.concat([cstring(''), octets(1, 1), cstring('4477'), octets(2), octets(1, 1, 1), cstring('1'), octets(2), cstring('list')]),
      Buffer.concat([cstring('gateway'), cstring('secret')]),
      Buffer.alloc(0),
    ]);
    const id = rng.pick([SMPP_COMMAND.alert_notification, SMPP_COMMAND.submit_multi, SMPP_COMMAND.outbind, SMPP_COMMAND.replace_sm, SMPP_COMMAND.unbind | 0x8000_0000, SMPP_COMMAND.deliver_sm, SMPP_COMMAND.generic_nack]);
    return { label: `command 0x${id.toString(16)} with a foreign body`, bytes: smppPdu(id, pdu.readUInt32BE(12), body) };
  },
];

/**
 * The `index`th stream of `seed`: half open with a valid bind_transceiver (`credentials`), the
 * rest start hostile; then 3–10 PDUs, about a third valid, the rest mutated; the octets cut into
 * 1–6 writes (sometimes one octet at a time for a short stretch).
 */
export function smppFuzzStream(seed: number, index: number, credentials: SmppCredentials): SmppStream {
  const rng = new Prng(seed ^ 0x5a5a).fork(index);
  const bound = rng.chance(0.5);
  const pdus: SmppPduBytes[] = [];
  let sequence = 1;
  if (bound) pdus.push({ label: 'bind_transceiver', bytes: smppPdu(SMPP_COMMAND.bind_transceiver, sequence++, bindBody(credentials)) });
  const count = rng.between(3, 10);
  for (let i = 0; i < count; i++) {
    const valid = validPdu(rng, sequence++, credentials);
    if (rng.chance(0.33)) pdus.push(valid);
    else {
      const mutated = rng.pick(PDU_OPERATORS)(rng, rng.chance(0.2) ? smppPdu(SMPP_COMMAND.bind_transceiver, sequence, bindBody(credentials)) : valid.bytes);
      pdus.push({ label: `${valid.label}: ${mutated.label}`, bytes: mutated.bytes });
    }
  }
  if (rng.chance(0.3)) pdus.push({ label: 'unbind', bytes: smppPdu(SMPP_COMMAND.unbind, sequence++) });
  const all = Buffer.concat(pdus.map((p) => p.bytes));
  const chunks: Buffer[] = [];
  const cuts = rng.int(6);
  const points = Array.from({ length: cuts }, () => rng.int(all.length + 1)).sort((a, b) => a - b);
  let from = 0;
  for (const point of points) {
    chunks.push(all.subarray(from, point));
    from = point;
  }
  chunks.push(all.subarray(from));
  if (rng.chance(0.05)) {
    // a short stretch one octet per write
    const first = chunks.shift() ?? Buffer.alloc(0);
    const stretch = Math.min(first.length, 40);
    for (let i = 0; i < stretch; i++) chunks.splice(i, 0, first.subarray(i, i + 1));
    chunks.splice(stretch, 0, first.subarray(stretch));
  }
  return { label: `${bound ? 'bound' : 'unbound'}: ${pdus.map((p) => p.label).join(' | ')}`, bound, pdus, chunks: chunks.filter((c) => c.length > 0) };
}
