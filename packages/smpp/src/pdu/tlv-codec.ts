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

/** One TLV to write: its definition (undefined for a raw tag), tag, value and value length. */
export interface PlannedTlv {
  readonly def: TlvDefinition | undefined;
  readonly tag: number;
  readonly value: unknown;
  readonly length: number;
}

/**
 * Checks every TLV of `tlvs` and measures it, in order, without building its octets: the encoder
 * then writes each one straight into the PDU buffer (`writeTlv`).
 * @throws TlvValueError for values that do not fit
 */
export function planTlvs(tlvs: Tlvs): PlannedTlv[] {
  const out: PlannedTlv[] = [];
  for (const key in tlvs) {
    const raw = (tlvs as Record<string, unknown>)[key];
    if (raw === undefined) continue;
    if (key.charCodeAt(0) === 0x30 && key.charCodeAt(1) === 0x78) {
      const tag = Number.parseInt(key, 16);
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        if (!Buffer.isBuffer(value)) throw new TlvValueError(key, 'value', `raw TLV ${key} must be a Buffer`);
        out.push({ def: undefined, tag, value, length: value.length });
      }
      continue;
    }
    const def = tlvByName(key);
    if (def === undefined) throw new TlvValueError(key, 'value', `unknown TLV name ${JSON.stringify(key)} (use its hex tag, e.g. '0x1401')`);
    if (def.repeatable && Array.isArray(raw)) for (const value of raw) out.push({ def, tag: def.tag, value, length: valueLength(def, value) });
    else out.push({ def, tag: def.tag, value: raw, length: valueLength(def, raw) });
  }
  return out;
}

function checkUint(def: TlvDefinition, value: unknown, size: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** (8 * size)) {
    throw new TlvValueError(def.name, 'value', `${def.name} must be an integer of ${size} octet(s), got ${String(value)}`);
  }
}

function checkPair(def: TlvDefinition, first: unknown, second: unknown): number {
  checkUint(def, first, 1);
  checkUint(def, second, 2);
  return 3;
}

function valueLength(def: TlvDefinition, value: unknown): number {
  const kind = def.kind;
  switch (kind.type) {
    case 'u8':
      checkUint(def, value, 1);
      return 1;
    case 'u16':
      checkUint(def, value, 2);
      return 2;
    case 'u32':
      checkUint(def, value, 4);
      return 4;
    case 'uint':
      checkUint(def, value, kind.size);
      return kind.size;
    case 'cstring':
      if (typeof value !== 'string') throw new TlvValueError(def.name, 'value', `${def.name} must be a string`);
      if (value.length + 1 > kind.max) throw new TlvValueError(def.name, 'length', `${def.name} is at most ${kind.max - 1} characters`);
      return value.length + 1;
    case 'octets':
      if (!Buffer.isBuffer(value)) throw new TlvValueError(def.name, 'value', `${def.name} must be a Buffer`);
      if ((kind.min !== undefined && value.length < kind.min) || (kind.max !== undefined && value.length > kind.max)) {
        throw new TlvValueError(def.name, 'length', `${def.name} must be ${kind.min ?? 0}–${kind.max ?? 65535} octets`);
      }
      return value.length;
    case 'network_error_code': {
      const v = value as { network_type: number; error_code: number };
      return checkPair(def, v.network_type, v.error_code);
    }
    case 'broadcast_content_type': {
      const v = value as { network_type: number; content_type: number };
      return checkPair(def, v.network_type, v.content_type);
    }
    case 'broadcast_frequency_interval': {
      const v = value as { unit: number; value: number };
      return checkPair(def, v.unit, v.value);
    }
    case 'broadcast_area_identifier': {
      const v = value as BroadcastAreaIdentifier;
      checkUint(def, v.format, 1);
      if (!Buffer.isBuffer(v.area)) throw new TlvValueError(def.name, 'value', `${def.name}.area must be a Buffer`);
      return 1 + v.area.length;
    }
  }
}

/** Writes one planned TLV (tag, length, value) at `offset`; returns the offset after it. */
export function writeTlv(buf: Buffer, offset: number, tlv: PlannedTlv): number {
  buf.writeUInt16BE(tlv.tag, offset);
  buf.writeUInt16BE(tlv.length, offset + 2);
  const at = offset + 4;
  const def = tlv.def;
  const value = tlv.value;
  if (def === undefined) {
    (value as Buffer).copy(buf, at);
    return at + tlv.length;
  }
  const kind = def.kind;
  switch (kind.type) {
    case 'u8':
      buf[at] = value as number;
      break;
    case 'u16':
      buf.writeUInt16BE(value as number, at);
      break;
    case 'u32':
      buf.writeUInt32BE(value as number, at);
      break;
    case 'uint':
      buf.writeUIntBE(value as number, at, kind.size);
      break;
    case 'cstring':
      buf.write(value as string, at, 'latin1');
      buf[at + tlv.length - 1] = 0;
      break;
    case 'octets':
      (value as Buffer).copy(buf, at);
      break;
    case 'network_error_code':
    case 'broadcast_content_type':
    case 'broadcast_frequency_interval': {
      const v = value as Record<string, number>;
      const [first, second] = kind.type === 'broadcast_frequency_interval' ? [v.unit!, v.value!] : [v.network_type!, kind.type === 'network_error_code' ? v.error_code! : v.content_type!];
      buf[at] = first;
      buf.writeUInt16BE(second, at + 1);
      break;
    }
    case 'broadcast_area_identifier': {
      const v = value as BroadcastAreaIdentifier;
      buf[at] = v.format;
      v.area.copy(buf, at + 1);
      break;
    }
  }
  return at + tlv.length;
}
