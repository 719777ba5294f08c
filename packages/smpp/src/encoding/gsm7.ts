// GSM 7-bit text (3GPP TS 23.038 §6.2.1): characters to septets through a locking shift table
// and a single shift table (reached with ESC, 0x1B), and septet packing (§6.1.2.1).
import { endianness } from 'node:os';
import { LOCKING_TABLES, SINGLE_SHIFT_TABLES, type NationalLanguage } from './gsm-tables.js';

/** The escape septet (0x1B) that selects the single shift (extension) table for the next septet (3GPP TS 23.038 §6.2.1.1). */
export const ESC = 0x1b;

/** The pair of tables a GSM 7-bit text uses; national ones are announced in the UDH. */
export interface GsmTables {
  /** Locking shift table: 'default' (no UDH element), or a national one (IEI 0x25). */
  readonly locking: 'default' | 'turkish' | 'portuguese';
  /** Single shift table: 'default' (the extension table), or a national one (IEI 0x24). */
  readonly single: 'default' | NationalLanguage;
}

/** The GSM 7-bit default alphabet with its default extension table: what a message without national shift UDH elements uses. */
export const DEFAULT_TABLES: GsmTables = { locking: 'default', single: 'default' };

interface Compiled {
  /** UTF-16 code unit of each septet in the locking table (0 where unused or ESC). */
  readonly units: Uint16Array;
  readonly toChar: string;
  readonly toShifted: string;
  /**
   * By UTF-16 code unit: the septet of the locking table (0–127), 128 + the septet of the single
   * shift table (reached with ESC), or NONE. Every GSM character is one code unit of the BMP, so
   * text is encoded with charCodeAt and one array read per character (no string per character,
   * no Map lookup: a short SMS took 5.5 µs to split that way, three times per MESSAGE).
   */
  readonly septets: Int16Array;
}

const NONE = -1;
const SHIFTED = 128;

/** Compiled tables by locking table, then single shift table (no string key built per lookup: it runs per character). */
const compiled = new Map<GsmTables['locking'], Map<GsmTables['single'], Compiled>>();
function tablesFor(tables: GsmTables): Compiled {
  let byLocking = compiled.get(tables.locking);
  if (byLocking === undefined) compiled.set(tables.locking, (byLocking = new Map()));
  let entry = byLocking.get(tables.single);
  if (entry === undefined) {
    const toChar = LOCKING_TABLES[tables.locking];
    const toShifted = SINGLE_SHIFT_TABLES[tables.single];
    const septets = new Int16Array(0x10000).fill(NONE);
    // the single shift table first, then the locking table over it: a character in both takes one septet
    for (let i = 127; i >= 0; i--) if (toShifted[i] !== '\u0000') septets[toShifted.charCodeAt(i)] = SHIFTED + i;
    for (let i = 0; i < 128; i++) if (toChar[i] !== '\u0000' && i !== ESC) septets[toChar.charCodeAt(i)] = i;
    const units = new Uint16Array(128);
    for (let i = 0; i < 128; i++) units[i] = i === ESC || toChar[i] === '\u0000' ? 0x20 : toChar.charCodeAt(i);
    entry = { units, toChar, toShifted, septets };
    byLocking.set(tables.single, entry);
  }
  return entry;
}

const defaultCompiled = tablesFor(DEFAULT_TABLES);

const SCRATCH_UNITS = 65536;
const scratch = new Uint16Array(SCRATCH_UNITS);
const scratchBytes = Buffer.from(scratch.buffer);
/** toString('utf16le') reads the scratch as little-endian, which the platform's Uint16Array is on x86 and ARM. */
const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Septets of `text` (unpacked, one per octet), or undefined when a character has no mapping.
 * Characters of the locking table take one septet; those of the single shift table two.
 */
export function encodeGsm7(text: string, tables: GsmTables = DEFAULT_TABLES): Uint8Array | undefined {
  const septets = (tables === DEFAULT_TABLES ? defaultCompiled : tablesFor(tables)).septets;
  const out = new Uint8Array(text.length * 2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const septet = septets[text.charCodeAt(i)]!;
    if (septet < SHIFTED) {
      if (septet === NONE) return undefined;
      out[n++] = septet;
    } else {
      out[n++] = ESC;
      out[n++] = septet - SHIFTED;
    }
  }
  return out.subarray(0, n);
}

/** Septets one character takes (1, 2), or 0 when it cannot be encoded with these tables. */
export function gsm7CharLength(char: string, tables: GsmTables = DEFAULT_TABLES): 0 | 1 | 2 {
  if (char.length !== 1) return 0;
  const septet = (tables === DEFAULT_TABLES ? defaultCompiled : tablesFor(tables)).septets[char.charCodeAt(0)]!;
  return septet === NONE ? 0 : septet < SHIFTED ? 1 : 2;
}

/** The septet count of `text`, or undefined when it cannot be encoded with these tables. */
export function countGsm7(text: string, tables: GsmTables = DEFAULT_TABLES): number | undefined {
  const septets = (tables === DEFAULT_TABLES ? defaultCompiled : tablesFor(tables)).septets;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const septet = septets[text.charCodeAt(i)]!;
    if (septet === NONE) return undefined;
    count += septet < SHIFTED ? 1 : 2;
  }
  return count;
}

/**
 * Text of unpacked septets. As §6.2.1.1 says, an escape followed by a septet with no shifted
 * character shows the locking-table character, and ESC ESC or a trailing ESC shows a space.
 */
export function decodeGsm7(septets: Uint8Array, tables: GsmTables = DEFAULT_TABLES): string {
  const compiledTables = tables === DEFAULT_TABLES ? defaultCompiled : tablesFor(tables);
  // Fast path: no escape, so each septet is one code unit of the locking table. The units go
  // into a reused scratch array (allocating a typed array per call costs more than decoding).
  if (septets.indexOf(ESC) === -1 && septets.length <= SCRATCH_UNITS) {
    const units = compiledTables.units;
    for (let i = 0; i < septets.length; i++) scratch[i] = units[septets[i]! & 0x7f]!;
    if (LITTLE_ENDIAN) return scratchBytes.toString('utf16le', 0, septets.length * 2);
    return String.fromCharCode.apply(null, scratch.subarray(0, septets.length) as unknown as number[]);
  }
  const { toChar, toShifted } = compiledTables;
  let text = '';
  for (let i = 0; i < septets.length; i++) {
    const septet = septets[i]! & 0x7f;
    if (septet !== ESC) {
      text += toChar[septet] === '\u0000' ? ' ' : toChar[septet];
      continue;
    }
    const next = septets[i + 1];
    i++;
    if (next === undefined || (next & 0x7f) === ESC) {
      text += ' ';
      continue;
    }
    const shiftedChar = toShifted[next & 0x7f]!;
    text += shiftedChar !== '\u0000' ? shiftedChar : toChar[next & 0x7f] === '\u0000' ? ' ' : toChar[next & 0x7f];
  }
  return text;
}

/**
 * Packs septets into octets, least significant bit first (§6.1.2.1). `paddingBits` (0–6) are
 * left free at the start, so the text begins on a septet boundary after a UDH (TS 23.040 §9.2.3.24).
 */
export function packSeptets(septets: Uint8Array, paddingBits = 0): Buffer {
  const totalBits = paddingBits + septets.length * 7;
  const out = Buffer.alloc(Math.ceil(totalBits / 8));
  let bit = paddingBits;
  for (const septet of septets) {
    const byte = bit >> 3;
    const shiftBy = bit & 7;
    out[byte]! |= (septet << shiftBy) & 0xff;
    if (shiftBy > 1) out[byte + 1]! |= septet >> (8 - shiftBy);
    bit += 7;
  }
  return out;
}

/** Unpacks `count` septets from octets packed by `packSeptets`. */
export function unpackSeptets(octets: Uint8Array, count: number, paddingBits = 0): Uint8Array {
  const out = new Uint8Array(count);
  let bit = paddingBits;
  for (let i = 0; i < count; i++) {
    const byte = bit >> 3;
    const shiftBy = bit & 7;
    let value = (octets[byte] ?? 0) >> shiftBy;
    if (shiftBy > 1) value |= (octets[byte + 1] ?? 0) << (8 - shiftBy);
    out[i] = value & 0x7f;
    bit += 7;
  }
  return out;
}
