// Reading and writing TLV values by their registry kind. A TLV that fails to decode is reported
// with ESME_RINVTLVLEN / ESME_RINVTLVVAL; unknown tags are kept raw.
import { tlvByName, tlvByTag, unknownTlvKey, type BroadcastAreaIdentifier, type TlvDefinition, type Tlvs } from './tlv-registry.js';

/** Why a TLV value is unacceptable; the decoder turns it into a PduDecodeError. */
export class TlvValueError extends Error {
  constructor(
    readonly tlv: string,
    readonly reason: 'length' | 'value',
    message: string,
  ) {
    super(message);
  }
}

/** Decodes one TLV value (a view into the PDU) into `tlvs`, keeping wire order. */
export function readTlv(tlvs: Record<string, unknown>, tag: number, value: Buffer): void {
  const def = tlvByTag(tag);
  if (def === undefined) {
    append(tlvs, unknownTlvKey(tag), value, true);
    return;
  }
  append(tlvs, def.name, decodeValue(def, value), def.repeatable);
}

function append(tlvs: Record<string, unknown>, key: string, value: unknown, repeatable: boolean): void {
  const existing = tlvs[key];
  if (existing === undefined) tlvs[key] = repeatable && !key.startsWith('0x') ? [value] : value;
  else if (Array.isArray(existing)) existing.push(value);
  else tlvs[key] = [existing, value];
}

function fixed(def: TlvDefinition, value: Buffer, size: number): void {
  if (value.length !== size) throw new TlvValueError(def.name, 'length', `${def.name} must be ${size} octets, got ${value.length}`);
}

function decodeValue(def: TlvDefinition, value: Buffer): unknown {
  const kind = def.kind;
  switch (kind.type) {
    case 'u8':
      fixed(def, value, 1);
      return value[0];
    case 'u16':
      fixed(def, value, 2);
      return value.readUInt16BE(0);
    case 'u32':
      fixed(def, value, 4);
      return value.readUInt32BE(0);
    case 'uint':
      fixed(def, value, kind.size);
      return value.readUIntBE(0, kind.size);
    case 'cstring': {
      if (value.length > kind.max) throw new TlvValueError(def.name, 'length', `${def.name} is longer than ${kind.max} octets`);
      // Tolerate a missing terminator (common in receipted_message_id) and stop at the first NUL.
      const nul = value.indexOf(0);
      return value.toString('latin1', 0, nul === -1 ? value.length : nul);
    }
    case 'octets':
      if ((kind.min !== undefined && value.length < kind.min) || (kind.max !== undefined && value.length > kind.max)) {
        throw new TlvValueError(def.name, 'length', `${def.name} must be ${kind.min ?? 0}–${kind.max ?? '∞'} octets, got ${value.length}`);
      }
      return value;
    case 'network_error_code':
      fixed(def, value, 3);
      return { network_type: value[0]!, error_code: value.readUInt16BE(1) };
    case 'broadcast_content_type':
      fixed(def, value, 3);
      return { network_type: value[0]!, content_type: value.readUInt16BE(1) };
    case 'broadcast_frequency_interval':
      fixed(def, value, 3);
      return { unit: value[0]!, value: value.readUInt16BE(1) };
    case 'broadcast_area_identifier':
      if (value.length < 1) throw new TlvValueError(def.name, 'length', `${def.name} needs a format octet`);
      return { format: value[0]!, area: value.subarray(1) } satisfies BroadcastAreaIdentifier;
  }
}

/** One TLV ready to write: its tag and value octets. */
export interface EncodedTlv {
  readonly tag: number;
  readonly value: Buffer;
}

/** Encodes every TLV of `tlvs`, in order; throws TlvValueError for values that do not fit. */
export function encodeTlvs(tlvs: Tlvs): EncodedTlv[] {
  const out: EncodedTlv[] = [];
  for (const [key, raw] of Object.entries(tlvs)) {
    if (raw === undefined) continue;
    if (key.startsWith('0x')) {
      const tag = Number.parseInt(key, 16);
      for (const value of Array.isArray(raw) ? raw : [raw]) out.push({ tag, value: value as Buffer });
      continue;
    }
    const def = tlvByName(key);
    if (def === undefined) throw new TlvValueError(key, 'value', `unknown TLV name ${JSON.stringify(key)} (use its hex tag, e.g. '0x1401')`);
    const values = def.repeatable && Array.isArray(raw) ? raw : [raw];
    for (const value of values) out.push({ tag: def.tag, value: encodeValue(def, value) });
  }
  return out;
}

function uint(def: TlvDefinition, value: unknown, size: number): Buffer {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** (8 * size)) {
    throw new TlvValueError(def.name, 'value', `${def.name} must be an integer of ${size} octet(s), got ${String(value)}`);
  }
  const buf = Buffer.allocUnsafe(size);
  buf.writeUIntBE(value, 0, size);
  return buf;
}

function triple(def: TlvDefinition, first: unknown, second: unknown): Buffer {
  const a = uint(def, first, 1);
  const b = uint(def, second, 2);
  return Buffer.concat([a, b]);
}

function encodeValue(def: TlvDefinition, value: unknown): Buffer {
  const kind = def.kind;
  switch (kind.type) {
    case 'u8':
      return uint(def, value, 1);
    case 'u16':
      return uint(def, value, 2);
    case 'u32':
      return uint(def, value, 4);
    case 'uint':
      return uint(def, value, kind.size);
    case 'cstring': {
      if (typeof value !== 'string') throw new TlvValueError(def.name, 'value', `${def.name} must be a string`);
      if (value.length + 1 > kind.max) throw new TlvValueError(def.name, 'length', `${def.name} is at most ${kind.max - 1} characters`);
      return Buffer.from(`${value}\0`, 'latin1');
    }
    case 'octets': {
      if (!Buffer.isBuffer(value)) throw new TlvValueError(def.name, 'value', `${def.name} must be a Buffer`);
      if ((kind.min !== undefined && value.length < kind.min) || (kind.max !== undefined && value.length > kind.max)) {
        throw new TlvValueError(def.name, 'length', `${def.name} must be ${kind.min ?? 0}–${kind.max ?? 65535} octets`);
      }
      return value;
    }
    case 'network_error_code': {
      const v = value as { network_type: number; error_code: number };
      return triple(def, v.network_type, v.error_code);
    }
    case 'broadcast_content_type': {
      const v = value as { network_type: number; content_type: number };
      return triple(def, v.network_type, v.content_type);
    }
    case 'broadcast_frequency_interval': {
      const v = value as { unit: number; value: number };
      return triple(def, v.unit, v.value);
    }
    case 'broadcast_area_identifier': {
      const v = value as BroadcastAreaIdentifier;
      return Buffer.concat([uint(def, v.format, 1), v.area]);
    }
  }
}
