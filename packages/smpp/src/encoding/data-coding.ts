// data_coding: SMPP v3.4 §5.2.19 defines 0x00–0x0E; above that, values follow the GSM data
// coding scheme groups of 3GPP TS 23.038 §4 (general data coding, auto-deletion, message
// waiting indication, data coding / message class).

/**
 * The character set a data_coding value selects: the SMPP ones of v3.4 §5.2.19 (0x00–0x0E),
 * and the GSM alphabets of 3GPP TS 23.038 above them. `reserved` marks values the specs leave undefined.
 */
export type Charset =
  | 'gsm7'
  | 'ascii'
  | 'latin1'
  | 'binary'
  | 'ucs2'
  | 'jis'
  | 'cyrillic'
  | 'hebrew'
  | 'pictogram'
  | 'iso-2022-jp'
  | 'extended-kanji'
  | 'ks-c-5601'
  | 'reserved';

/** What a data_coding value means, as {@link describeDataCoding} reads it: a charset and the DCS flags. */
export interface DataCoding {
  /** The character set of short_message or message_payload. */
  readonly charset: Charset;
  /** Message class 0–3 (0 flash, 1 ME-specific, 2 SIM-specific, 3 TE-specific), when the DCS sets one. */
  readonly messageClass?: 0 | 1 | 2 | 3;
  /** TS 23.038 compressed text (not decoded here). */
  readonly compressed?: boolean;
  /** Marked for automatic deletion (group 01xx). */
  readonly autoDelete?: boolean;
  /** Message waiting indication groups 1100–1110. */
  readonly messageWaiting?: {
    /** False for group 1100 (the handset may discard the text), true for 1101 and 1110 (store it). */
    readonly store: boolean;
    /** The indication sense: true sets the waiting indicator, false clears it. */
    readonly active: boolean;
    /** What is waiting, from the DCS's two low bits. */
    readonly type: 'voicemail' | 'fax' | 'email' | 'other';
  };
}

const SMPP_CHARSETS: Charset[] = ['gsm7', 'ascii', 'binary', 'latin1', 'binary', 'jis', 'cyrillic', 'hebrew', 'ucs2', 'pictogram', 'iso-2022-jp', 'reserved', 'reserved', 'extended-kanji', 'ks-c-5601', 'reserved'];
const ALPHABET: Charset[] = ['gsm7', 'binary', 'ucs2', 'reserved'];
const WAITING: ('voicemail' | 'fax' | 'email' | 'other')[] = ['voicemail', 'fax', 'email', 'other'];

/** What a data_coding value means. */
export function describeDataCoding(dcs: number): DataCoding {
  if (!Number.isInteger(dcs) || dcs < 0 || dcs > 0xff) throw new RangeError(`data_coding must be 0..255, got ${dcs}`);
  if (dcs <= 0x0f) return { charset: SMPP_CHARSETS[dcs]! };
  const group = dcs >> 4;
  if (group <= 0x7) {
    // 00xx / 01xx: general data coding (01xx: marked for automatic deletion)
    return {
      charset: ALPHABET[(dcs >> 2) & 0x3]!,
      ...((dcs & 0x10) !== 0 ? { messageClass: (dcs & 0x3) as 0 | 1 | 2 | 3 } : {}),
      ...((dcs & 0x20) !== 0 ? { compressed: true } : {}),
      ...(group >= 0x4 ? { autoDelete: true } : {}),
    };
  }
  if (group <= 0xb) return { charset: 'reserved' };
  if (group <= 0xe) {
    return {
      charset: group === 0xe ? 'ucs2' : 'gsm7',
      messageWaiting: { store: group !== 0xc, active: (dcs & 0x08) !== 0, type: WAITING[dcs & 0x3]! },
    };
  }
  // 1111: data coding / message class
  return { charset: (dcs & 0x04) !== 0 ? 'binary' : 'gsm7', messageClass: (dcs & 0x3) as 0 | 1 | 2 | 3 };
}

/** The usual SMPP data_coding for a charset, with an optional message class (0 = flash SMS). */
export function dataCodingFor(charset: 'gsm7' | 'ascii' | 'latin1' | 'binary' | 'ucs2', messageClass?: 0 | 1 | 2 | 3): number {
  if (messageClass !== undefined) {
    const alphabet = charset === 'ucs2' ? 2 : charset === 'binary' ? 1 : 0;
    return 0x10 | (alphabet << 2) | messageClass;
  }
  return { gsm7: 0x00, ascii: 0x01, latin1: 0x03, binary: 0x04, ucs2: 0x08 }[charset];
}
