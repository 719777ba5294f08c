// Long messages: a text cut into parts that each fit one SMS, never inside a GSM escape sequence
// or a UTF-16 surrogate pair (the cut is per code point), joined by a UDH (8- or 16-bit
// reference), by SAR TLVs, or sent whole in message_payload.
import { chooseEncoding, type ChooseOptions, type EncodingChoice } from './choose.js';
import { DEFAULT_TABLES, countGsm7, encodeGsm7, gsm7CharLength, type GsmTables } from './gsm7.js';
import { encodeText } from './text.js';
import { buildUdh, concatElement, shiftElements, type InformationElement } from './udh.js';

/**
 * - `udh8` / `udh16`: concatenation information element in each part's UDH (the default: every
 *   handset understands it);
 * - `sar`: sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs (the MC builds the UDH);
 * - `payload`: one PDU with the whole text in message_payload (the MC splits it).
 */
export type ConcatenationMode = 'udh8' | 'udh16' | 'sar' | 'payload';

/** Options of `splitMessage`: how parts are joined, their reference, and the encoding (else chosen as `chooseEncoding` does). */
export interface SplitOptions extends ChooseOptions {
  /** How the parts are tied together (default `udh8`); see {@link ConcatenationMode}. */
  readonly mode?: ConcatenationMode;
  /** The concatenation reference (default: random). */
  readonly reference?: number;
  /** An encoding decided beforehand (default: the smallest, by chooseEncoding). */
  readonly encoding?: EncodingChoice;
}

/** One PDU's worth of a message: put these into a submit_sm / deliver_sm. */
export interface MessagePart {
  /** The part's user data: its UDH (when `udhi`) then its encoded text; empty in `payload` mode. */
  readonly short_message: Buffer;
  /** Set esm_class bit 6 (0x40, UDHI): short_message starts with a UDH. */
  readonly udhi: boolean;
  /** The TLVs to add to the PDU: the SAR trio in `sar` mode, message_payload in `payload` mode, else none. */
  readonly tlvs: {
    /** The message's reference, the same in every part (v3.4 §5.3.2.22). */
    sar_msg_ref_num?: number;
    /** How many parts the message has (v3.4 §5.3.2.23). */
    sar_total_segments?: number;
    /** This part's number, from 1 (v3.4 §5.3.2.24). */
    sar_segment_seqnum?: number;
    /** The whole encoded text, up to 64 KiB, for the MC to split (v3.4 §5.3.2.32). */
    message_payload?: Buffer;
  };
}

/** What `splitMessage` returns: the encoding used and one {@link MessagePart} per PDU to send, in order. */
export interface SplitMessage {
  /** The encoding the text was encoded in. */
  readonly encoding: EncodingChoice;
  /** The data_coding to set in every part's PDU. */
  readonly data_coding: number;
  /** The parts, in sequence order. */
  readonly parts: MessagePart[];
}

/** Raised when a message needs more than 255 parts. */
export class MessageTooLongError extends Error {
  /** Always `'ERR_SMPP_MESSAGE_TOO_LONG'`: match on it rather than on the message. */
  readonly code = 'ERR_SMPP_MESSAGE_TOO_LONG';
}

const USER_DATA_BITS = 140 * 8;

/** How many units (septets for GSM, octets otherwise) fit beside a UDH of `udhLength` octets. */
function capacity(charset: EncodingChoice['charset'], udhLength: number): number {
  if (charset === 'gsm7') return Math.floor((USER_DATA_BITS - udhLength * 8) / 7);
  return 140 - udhLength;
}

function udhLength(elements: readonly InformationElement[]): number {
  return elements.length === 0 ? 0 : 1 + elements.reduce((sum, e) => sum + 2 + e.data.length, 0);
}

/** Units `text` takes (septets for GSM, octets otherwise), counting what GSM cannot encode as 0, as the split does. */
function unitsOfText(text: string, charset: EncodingChoice['charset'], tables: GsmTables): number {
  if (charset === 'ucs2') return text.length * 2;
  if (charset !== 'gsm7') return [...text].length;
  const septets = countGsm7(text, tables);
  if (septets !== undefined) return septets;
  let total = 0;
  for (const char of text) total += gsm7CharLength(char, tables);
  return total;
}

function encodeChunk(chunk: string, charset: EncodingChoice['charset'], tables: GsmTables): Buffer {
  return charset === 'gsm7' ? Buffer.from(encodeGsm7(chunk, tables)!) : encodeText(chunk, charset);
}

function unitsOfChar(char: string, charset: EncodingChoice['charset'], tables: GsmTables): number {
  return charset === 'gsm7' ? gsm7CharLength(char, tables) : charset === 'ucs2' ? (char.length === 2 ? 4 : 2) : 1;
}

/** Splits text into the fewest parts; see ConcatenationMode. */
export function splitMessage(text: string, options: SplitOptions = {}): SplitMessage {
  const encoding = options.encoding ?? chooseEncoding(text, options);
  const mode = options.mode ?? 'udh8';
  const tables = encoding.tables ?? DEFAULT_TABLES;
  const shifts = encoding.charset === 'gsm7' ? shiftElements(tables) : [];
  if (mode === 'payload') {
    const udh = shifts.length > 0 ? buildUdh(shifts) : Buffer.alloc(0);
    return { encoding, data_coding: encoding.dataCoding, parts: [{ short_message: Buffer.alloc(0), udhi: shifts.length > 0, tlvs: { message_payload: Buffer.concat([udh, encodeChunk(text, encoding.charset, tables)]) } }] };
  }

  const total = unitsOfText(text, encoding.charset, tables);
  const single = capacity(encoding.charset, udhLength(shifts));
  if (total <= single) {
    const body = encodeChunk(text, encoding.charset, tables);
    return { encoding, data_coding: encoding.dataCoding, parts: [{ short_message: shifts.length > 0 ? Buffer.concat([buildUdh(shifts), body]) : body, udhi: shifts.length > 0, tlvs: {} }] };
  }

  const chars = [...text];

  const reference = options.reference ?? Math.floor(Math.random() * (mode === 'udh16' || mode === 'sar' ? 0x10000 : 0x100));
  const concatLength = mode === 'udh8' ? 5 : mode === 'udh16' ? 6 : 0;
  const perPart = capacity(encoding.charset, udhLength(shifts) + concatLength + (udhLength(shifts) === 0 && concatLength > 0 ? 1 : 0));
  const chunks: string[] = [];
  let current = '';
  let used = 0;
  for (const char of chars) {
    const units = unitsOfChar(char, encoding.charset, tables);
    if (used + units > perPart) {
      chunks.push(current);
      current = '';
      used = 0;
    }
    current += char;
    used += units;
  }
  if (current !== '') chunks.push(current);
  if (chunks.length > 255) throw new MessageTooLongError(`the message needs ${chunks.length} parts; at most 255 can be joined`);

  return {
    encoding,
    data_coding: encoding.dataCoding,
    parts: chunks.map((chunk, index): MessagePart => {
      const body = encodeChunk(chunk, encoding.charset, tables);
      if (mode === 'sar') {
        const udh = shifts.length > 0 ? buildUdh(shifts) : Buffer.alloc(0);
        return {
          short_message: Buffer.concat([udh, body]),
          udhi: shifts.length > 0,
          tlvs: { sar_msg_ref_num: reference & 0xffff, sar_total_segments: chunks.length, sar_segment_seqnum: index + 1 },
        };
      }
      const concat = concatElement({ reference, total: chunks.length, sequence: index + 1, referenceBits: mode === 'udh8' ? 8 : 16 });
      return { short_message: Buffer.concat([buildUdh([concat, ...shifts]), body]), udhi: true, tlvs: {} };
    }),
  };
}
