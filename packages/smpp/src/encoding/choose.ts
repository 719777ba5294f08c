// Picking the smallest encoding that carries a text: GSM 7-bit with the default tables, then GSM
// 7-bit with national shift tables (each costs a 3-octet UDH element), then Latin-1 (when the MC
// accepts it), then UCS-2.
import { dataCodingFor } from './data-coding.js';
import { countGsm7, DEFAULT_TABLES, type GsmTables } from './gsm7.js';
import type { NationalLanguage } from './gsm-tables.js';

/** What `chooseEncoding` picked: the charset, its data_coding, and the tables and length for gsm7. */
export interface EncodingChoice {
  /** The smallest charset that carries the text. */
  readonly charset: 'gsm7' | 'latin1' | 'ucs2';
  /** The data_coding to send with it (v3.4 §5.2.19). */
  readonly dataCoding: number;
  /** For gsm7: the tables (national ones need UDH elements; see buildUdh). */
  readonly tables?: GsmTables;
  /** Septets (gsm7), octets (latin1) or UTF-16 code units (ucs2) the text takes. */
  readonly length: number;
}

/** Options of `chooseEncoding`: which national tables and which charsets the recipients and the MC accept. */
export interface ChooseOptions {
  /** National languages whose shift tables the recipients' handsets support (default none). */
  readonly languages?: readonly NationalLanguage[];
  /** Allow data_coding 0x03 Latin-1 (the MC converts it; default false). */
  readonly latin1?: boolean;
}

/** Septets a national UDH element costs: 3 octets, rounded up to septets. */
const SEPTETS_PER_SHIFT_ELEMENT = 4;

/** The smallest encoding of `text`, by the bits it takes on the air. */
export function chooseEncoding(text: string, options: ChooseOptions = {}): EncodingChoice {
  const plain = countGsm7(text, DEFAULT_TABLES);
  if (plain !== undefined) return { charset: 'gsm7', dataCoding: dataCodingFor('gsm7'), tables: DEFAULT_TABLES, length: plain };
  let best: { tables: GsmTables; length: number; cost: number } | undefined;
  for (const language of options.languages ?? []) {
    const lockings: GsmTables['locking'][] = language === 'spanish' ? ['default'] : ['default', language];
    for (const locking of lockings) {
      for (const single of ['default', language] as GsmTables['single'][]) {
        if (locking === 'default' && single === 'default') continue;
        const tables: GsmTables = { locking, single };
        const length = countGsm7(text, tables);
        if (length === undefined) continue;
        const cost = length + SEPTETS_PER_SHIFT_ELEMENT * ((locking !== 'default' ? 1 : 0) + (single !== 'default' ? 1 : 0));
        if (best === undefined || cost < best.cost) best = { tables, length, cost };
      }
    }
  }
  if (best !== undefined) return { charset: 'gsm7', dataCoding: dataCodingFor('gsm7'), tables: best.tables, length: best.length };
  if (options.latin1 && [...text].every((c) => c.codePointAt(0)! <= 0xff)) {
    return { charset: 'latin1', dataCoding: dataCodingFor('latin1'), length: text.length };
  }
  return { charset: 'ucs2', dataCoding: dataCodingFor('ucs2'), length: text.length };
}
