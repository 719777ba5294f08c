// The User Data Header of 3GPP TS 23.040 §9.2.3.24: a length octet, then information elements.
// Typed here: concatenation (IEI 0x00, 8-bit reference; 0x08, 16-bit), application ports (0x04,
// 0x05) and national language shifts (0x24 single, 0x25 locking).
import { LANGUAGE_ID, type NationalLanguage } from './gsm-tables.js';

/** The information element identifiers this module types (3GPP TS 23.040 §9.2.3.24); others are kept raw. */
export const IEI = {
  /** Concatenated short messages, 8-bit reference (§9.2.3.24.1). */
  CONCAT_8: 0x00,
  /** Application port addressing, 8-bit ports (§9.2.3.24.3). */
  PORTS_8: 0x04,
  /** Application port addressing, 16-bit ports (§9.2.3.24.4). */
  PORTS_16: 0x05,
  /** Concatenated short messages, 16-bit reference (§9.2.3.24.8). */
  CONCAT_16: 0x08,
  /** National language single shift table (§9.2.3.24.15). */
  SINGLE_SHIFT: 0x24,
  /** National language locking shift table (§9.2.3.24.16). */
  LOCKING_SHIFT: 0x25,
} as const;

/** One information element of a UDH: its identifier and its data, without the length octet. */
export interface InformationElement {
  /** The information element identifier (see {@link IEI}). */
  readonly iei: number;
  /** The element's data octets. */
  readonly data: Buffer;
}

/** The concatenation element of one part of a long message (3GPP TS 23.040 §9.2.3.24.1 and .8). */
export interface Concatenation {
  /** The message's reference number, the same in every part (0–255 or 0–65535). */
  readonly reference: number;
  /** How many parts the message has (1–255). */
  readonly total: number;
  /** This part's number, from 1. */
  readonly sequence: number;
  /** Whether the reference takes 8 bits (IEI 0x00) or 16 (IEI 0x08). */
  readonly referenceBits: 8 | 16;
}

/** A parsed User Data Header: every element, and the typed ones picked out. */
export interface Udh {
  /** Every element, in order (unknown ones too). */
  readonly elements: InformationElement[];
  /** The concatenation element, when the message is one part of a long one. */
  readonly concat?: Concatenation;
  /** The application ports (8-bit or 16-bit element), when the message is addressed to one. */
  readonly ports?: {
    /** The destination port on the handset. */
    readonly destination: number;
    /** The originator's port. */
    readonly source: number;
  };
  /** National language identifiers announced by shift elements. */
  readonly lockingShift?: number;
  /** The national language identifier of the single shift table, when announced (see {@link LANGUAGE_ID}). */
  readonly singleShift?: number;
}

/** Raised for a UDH whose lengths do not add up. */
export class UdhError extends Error {
  /** Always `'ERR_SMPP_UDH'`: match on it rather than on the message. */
  readonly code = 'ERR_SMPP_UDH';
}

/** Splits a short_message that starts with a UDH (esm_class UDHI set) into header and payload. */
export function parseUdh(userData: Uint8Array): {
  /** The parsed header. */
  udh: Udh;
  /** The octets after the header: the text or data, a view on `userData`. */
  payload: Buffer;
} {
  const data = Buffer.from(userData.buffer, userData.byteOffset, userData.byteLength);
  if (data.length < 1) throw new UdhError('empty user data: no UDH length');
  const length = data[0]!;
  if (length + 1 > data.length) throw new UdhError(`UDH length ${length} exceeds the ${data.length - 1} octets present`);
  const elements: InformationElement[] = [];
  let concat: Concatenation | undefined;
  let ports: Udh['ports'];
  let lockingShift: number | undefined;
  let singleShift: number | undefined;
  for (let at = 1; at < length + 1; ) {
    if (at + 2 > length + 1) throw new UdhError('truncated information element');
    const iei = data[at]!;
    const size = data[at + 1]!;
    if (at + 2 + size > length + 1) throw new UdhError(`information element 0x${iei.toString(16)} runs past the UDH`);
    const ie = data.subarray(at + 2, at + 2 + size);
    elements.push({ iei, data: ie });
    if (iei === IEI.CONCAT_8 && size === 3) concat = { reference: ie[0]!, total: ie[1]!, sequence: ie[2]!, referenceBits: 8 };
    else if (iei === IEI.CONCAT_16 && size === 4) concat = { reference: ie.readUInt16BE(0), total: ie[2]!, sequence: ie[3]!, referenceBits: 16 };
    else if (iei === IEI.PORTS_8 && size === 2) ports = { destination: ie[0]!, source: ie[1]! };
    else if (iei === IEI.PORTS_16 && size === 4) ports = { destination: ie.readUInt16BE(0), source: ie.readUInt16BE(2) };
    else if (iei === IEI.SINGLE_SHIFT && size === 1) singleShift = ie[0]!;
    else if (iei === IEI.LOCKING_SHIFT && size === 1) lockingShift = ie[0]!;
    at += 2 + size;
  }
  const udh: Udh = {
    elements,
    ...(concat ? { concat } : {}),
    ...(ports ? { ports } : {}),
    ...(lockingShift !== undefined ? { lockingShift } : {}),
    ...(singleShift !== undefined ? { singleShift } : {}),
  };
  return { udh, payload: data.subarray(length + 1) };
}

/** Builds a UDH (length octet included) from elements. */
export function buildUdh(elements: readonly InformationElement[]): Buffer {
  const length = elements.reduce((sum, e) => sum + 2 + e.data.length, 0);
  if (length > 139) throw new UdhError('a UDH cannot exceed 139 octets');
  const out = Buffer.alloc(1 + length);
  out[0] = length;
  let at = 1;
  for (const element of elements) {
    out[at++] = element.iei;
    out[at++] = element.data.length;
    element.data.copy(out, at);
    at += element.data.length;
  }
  return out;
}

/** The information element for one part of a long message: IEI 0x00 or 0x08 by `referenceBits`. */
export function concatElement(concat: Concatenation): InformationElement {
  if (concat.referenceBits === 8) return { iei: IEI.CONCAT_8, data: Buffer.from([concat.reference & 0xff, concat.total, concat.sequence]) };
  const data = Buffer.alloc(4);
  data.writeUInt16BE(concat.reference & 0xffff, 0);
  data[2] = concat.total;
  data[3] = concat.sequence;
  return { iei: IEI.CONCAT_16, data };
}

export function shiftElements(tables: { locking: string; single: string }): InformationElement[] {
  const out: InformationElement[] = [];
  if (tables.locking !== 'default') out.push({ iei: IEI.LOCKING_SHIFT, data: Buffer.from([LANGUAGE_ID[tables.locking as NationalLanguage]]) });
  if (tables.single !== 'default') out.push({ iei: IEI.SINGLE_SHIFT, data: Buffer.from([LANGUAGE_ID[tables.single as NationalLanguage]]) });
  return out;
}

/** The language of a national language identifier that has tables here. */
export function languageOf(id: number | undefined): NationalLanguage | undefined {
  return (Object.entries(LANGUAGE_ID) as [NationalLanguage, number][]).find(([, value]) => value === id)?.[0];
}
