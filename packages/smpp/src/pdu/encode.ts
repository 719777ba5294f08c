// Encoding a PDU into one pre-sized buffer: the size is computed from the layout first, then
// every field is written in place. Invalid PDUs are refused with a PduEncodeError naming the field.
import { CommandId } from './command-id.js';
import { PduEncodeError } from './errors.js';
import { HEADER_LENGTH, MAX_SEQUENCE } from './decode.js';
import { LAYOUTS, type Field } from './layouts.js';
import { planTlvs, TlvValueError, writeTlv, type PlannedTlv } from './tlv-codec.js';
import type { DestAddress, Pdu, UnsuccessSme } from './types.js';

/** Characters a C-Octet string cannot carry: NUL, and anything above one octet. */
const BAD_CHARS = /[\u0000\u0100-\uffff]/;

/**
 * Encodes a PDU. Checks, per the spec: C-Octet string lengths, times of 0 or 16 characters,
 * short_message of at most 254 octets, never both short_message and message_payload, and
 * sequence numbers 1..0x7FFFFFFF. A generic_nack may carry any 32-bit sequence number: it echoes
 * the one it answers as received, out of range or not (0 when the header could not be read).
 * @throws PduEncodeError naming the field
 */
export function encodePdu(pdu: Pdu): Buffer {
  const name = pdu.command;
  const commandId = CommandId[name];
  if (commandId === undefined) throw new PduEncodeError(`unknown command ${JSON.stringify(name)}`, String(name));
  const fail = (message: string, field?: string): never => {
    throw new PduEncodeError(`${name}: ${message}`, name, field);
  };
  const sequence = pdu.sequence_number;
  const maxSequence = name === 'generic_nack' ? 0xffffffff : MAX_SEQUENCE;
  if (!Number.isInteger(sequence) || sequence > maxSequence || sequence < (name === 'generic_nack' ? 0 : 1)) {
    fail(`sequence_number must be 1..0x7FFFFFFF, got ${sequence}`, 'sequence_number');
  }
  const status = pdu.command_status;
  if (!Number.isInteger(status) || status < 0 || status > 0xffffffff) fail('command_status must be a 32-bit unsigned integer', 'command_status');
  const fields = pdu as unknown as Record<string, unknown>;
  const layout = LAYOUTS[name] as readonly Field[];

  let size = HEADER_LENGTH;
  for (const field of layout) size += fieldSize(field, fields[field.name], fail);
  let tlvs: PlannedTlv[];
  try {
    tlvs = planTlvs(pdu.tlvs ?? {});
  } catch (error) {
    if (error instanceof TlvValueError) return fail(error.message, error.tlv);
    throw error;
  }
  for (const tlv of tlvs) {
    if (tlv.length > 0xffff) fail(`TLV 0x${tlv.tag.toString(16)} is longer than 65535 octets`, `0x${tlv.tag.toString(16)}`);
    size += 4 + tlv.length;
  }
  if (tlvs.some((t) => t.tag === 0x0424) && (fields.short_message as Buffer | undefined)?.length) {
    fail('short_message and message_payload must not both carry data', 'message_payload');
  }

  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32BE(size, 0);
  buf.writeUInt32BE(commandId, 4);
  buf.writeUInt32BE(status, 8);
  buf.writeUInt32BE(sequence, 12);
  let offset = HEADER_LENGTH;
  for (const field of layout) offset = writeField(buf, offset, field, fields[field.name]);
  for (const tlv of tlvs) offset = writeTlv(buf, offset, tlv);
  return buf;
}

function checkString(value: unknown, max: number, field: string, fail: (m: string, f?: string) => never): number {
  const text = value ?? '';
  if (typeof text !== 'string') return fail(`${field} must be a string`, field);
  if (text.length + 1 > max) fail(`${field} is at most ${max - 1} characters, got ${text.length}`, field);
  if (BAD_CHARS.test(text)) fail(`${field} holds a NUL or a character above 0xFF`, field);
  return text.length + 1;
}

function checkByte(value: unknown, field: string, fail: (m: string, f?: string) => never): void {
  const n = value ?? 0;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255) fail(`${field} must be an integer 0..255`, field);
}

function fieldSize(field: Field, value: unknown, fail: (m: string, f?: string) => never): number {
  switch (field.type) {
    case 'u8':
      checkByte(value, field.name, fail);
      return 1;
    case 'u32':
      return 4;
    case 'cstring':
      return checkString(value, field.max, field.name, fail);
    case 'time': {
      const length = checkString(value, 17, field.name, fail);
      if (length !== 1 && length !== 17) fail(`${field.name} must be empty or 16 characters`, field.name);
      return length;
    }
    case 'sm': {
      const sm = value ?? Buffer.alloc(0);
      if (!Buffer.isBuffer(sm)) return fail('short_message must be a Buffer', 'short_message');
      if (sm.length > 254) fail(`short_message is at most 254 octets, got ${sm.length} (use message_payload or split it)`, 'short_message');
      return 1 + sm.length;
    }
    case 'dests': {
      const dests = (value ?? []) as DestAddress[];
      if (dests.length > 255) fail('at most 255 destinations', 'dest_address');
      let size = 1;
      for (const dest of dests) {
        if (dest.dest_flag === 1) {
          checkByte(dest.dest_addr_ton, 'dest_addr_ton', fail);
          checkByte(dest.dest_addr_npi, 'dest_addr_npi', fail);
          size += 3 + checkString(dest.destination_addr, 21, 'destination_addr', fail);
        } else if (dest.dest_flag === 2) size += 1 + checkString(dest.dl_name, 21, 'dl_name', fail);
        else fail('dest_flag must be 1 (SME address) or 2 (distribution list)', 'dest_flag');
      }
      return size;
    }
    case 'unsuccess': {
      const list = (value ?? []) as UnsuccessSme[];
      if (list.length > 255) fail('at most 255 unsuccess_sme entries', 'unsuccess_sme');
      let size = 1;
      for (const sme of list) size += 2 + checkString(sme.destination_addr, 21, 'destination_addr', fail) + 4;
      return size;
    }
  }
}

function writeString(buf: Buffer, offset: number, value: unknown): number {
  const text = (value ?? '') as string;
  const written = buf.write(text, offset, 'latin1');
  buf[offset + written] = 0;
  return offset + written + 1;
}

function writeField(buf: Buffer, offset: number, field: Field, value: unknown): number {
  switch (field.type) {
    case 'u8':
      buf[offset] = (value ?? 0) as number;
      return offset + 1;
    case 'u32':
      buf.writeUInt32BE((value ?? 0) as number, offset);
      return offset + 4;
    case 'cstring':
    case 'time':
      return writeString(buf, offset, value);
    case 'sm': {
      const sm = (value ?? Buffer.alloc(0)) as Buffer;
      buf[offset] = sm.length;
      sm.copy(buf, offset + 1);
      return offset + 1 + sm.length;
    }
    case 'dests': {
      const dests = (value ?? []) as DestAddress[];
      buf[offset++] = dests.length;
      for (const dest of dests) {
        buf[offset++] = dest.dest_flag;
        if (dest.dest_flag === 1) {
          buf[offset++] = dest.dest_addr_ton;
          buf[offset++] = dest.dest_addr_npi;
          offset = writeString(buf, offset, dest.destination_addr);
        } else offset = writeString(buf, offset, dest.dl_name);
      }
      return offset;
    }
    case 'unsuccess': {
      const list = (value ?? []) as UnsuccessSme[];
      buf[offset++] = list.length;
      for (const sme of list) {
        buf[offset++] = sme.dest_addr_ton;
        buf[offset++] = sme.dest_addr_npi;
        offset = writeString(buf, offset, sme.destination_addr);
        buf.writeUInt32BE(sme.error_status_code, offset);
        offset += 4;
      }
      return offset;
    }
  }
}
