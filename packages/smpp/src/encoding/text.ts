// Text to and from short_message octets for each charset SMPP users meet. GSM 7-bit is one
// septet per octet (the SMPP default; `packed` for MCs that want packed septets); UCS-2 is
// big-endian UTF-16, so characters outside the BMP travel as surrogate pairs.
import { describeDataCoding, type Charset } from './data-coding.js';
import { DEFAULT_TABLES, decodeGsm7, encodeGsm7, packSeptets, unpackSeptets, type GsmTables } from './gsm7.js';

/** Raised when text cannot be carried in the charset asked for. */
export class EncodingError extends Error {
  /** Always `'ERR_SMPP_ENCODING'`: match on it rather than on the message. */
  readonly code = 'ERR_SMPP_ENCODING';
  /** Made by `encodeText`; exported for `instanceof` checks and tests. */
  constructor(
    message: string,
    /** The charset the text was to be encoded in. */
    readonly charset: string,
    /** The first character that could not be encoded. */
    readonly character?: string,
  ) {
    super(message);
    this.name = 'EncodingError';
  }
}

/** Options of `encodeText` and `decodeText` for GSM 7-bit: which tables, and whether septets are packed. */
export interface TextOptions {
  /** GSM 7-bit tables (national shifts). Default: the default alphabet and extension table. */
  readonly tables?: GsmTables;
  /** GSM 7-bit packed 8 septets into 7 octets instead of one per octet. */
  readonly packed?: boolean;
}

function firstUnencodable(text: string, test: (char: string) => boolean): string | undefined {
  for (const char of text) if (!test(char)) return char;
  return undefined;
}

/** Encodes `text` for short_message / message_payload. @throws EncodingError */
export function encodeText(text: string, charset: 'gsm7' | 'ascii' | 'latin1' | 'ucs2', options: TextOptions = {}): Buffer {
  switch (charset) {
    case 'gsm7': {
      const septets = encodeGsm7(text, options.tables ?? DEFAULT_TABLES);
      if (septets === undefined) {
        const bad = firstUnencodable(text, (c) => encodeGsm7(c, options.tables ?? DEFAULT_TABLES) !== undefined);
        throw new EncodingError(`${JSON.stringify(bad)} is not in the GSM 7-bit alphabet`, charset, bad);
      }
      return options.packed ? packSeptets(septets) : Buffer.from(septets);
    }
    case 'ascii':
    case 'latin1': {
      const max = charset === 'ascii' ? 0x7f : 0xff;
      const bad = firstUnencodable(text, (c) => c.codePointAt(0)! <= max);
      if (bad !== undefined) throw new EncodingError(`${JSON.stringify(bad)} is not in ${charset === 'ascii' ? 'ASCII' : 'Latin-1'}`, charset, bad);
      return Buffer.from(text, 'latin1');
    }
    case 'ucs2':
      return Buffer.from(text, 'utf16le').swap16();
  }
}

/**
 * Decodes short_message octets by data_coding. Binary data codings come back as hex. A UCS-2
 * text of odd length loses its last octet (it cannot be half a character).
 */
export function decodeText(octets: Uint8Array, dataCoding: number, options: TextOptions & { septets?: number } = {}): string {
  const charset: Charset = describeDataCoding(dataCoding).charset;
  const buf = Buffer.from(octets.buffer, octets.byteOffset, octets.byteLength);
  switch (charset) {
    case 'gsm7': {
      const septets = options.packed ? unpackSeptets(buf, options.septets ?? Math.floor((buf.length * 8) / 7)) : buf;
      return decodeGsm7(septets, options.tables ?? DEFAULT_TABLES);
    }
    case 'ascii':
    case 'latin1':
      return buf.toString('latin1');
    case 'ucs2': {
      const even = Buffer.from(buf.subarray(0, buf.length - (buf.length % 2)));
      return even.swap16().toString('utf16le');
    }
    case 'cyrillic':
      return new TextDecoder('iso-8859-5').decode(buf);
    case 'hebrew':
      return new TextDecoder('iso-8859-8').decode(buf);
    case 'iso-2022-jp':
      return new TextDecoder('iso-2022-jp').decode(buf);
    default:
      return buf.toString('hex');
  }
}
