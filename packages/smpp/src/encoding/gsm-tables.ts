// The GSM 7-bit alphabets of 3GPP TS 23.038: the default alphabet and its extension (§6.2.1),
// and the national language locking and single shift tables for Turkish, Spanish and
// Portuguese (Annex A.2.1–A.2.3, A.3.1, A.3.3). Each table is 128 characters, indexed by septet;
// '\u0000' marks an unused position (0x1B, the escape, is unused in every locking table).

const _ = '\u0000';

/** §6.2.1 GSM 7 bit default alphabet. */
const DEFAULT =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ' + _ + 'ÆæßÉ' +
  ' !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** A.3.1 Turkish locking shift table. */
const TURKISH_LOCKING =
  '@£$¥€éùıòÇ\nĞğ\rÅåΔ_ΦΓΛΩΠΨΣΘΞ' + _ + 'ŞşßÉ' +
  ' !"#¤%&\'()*+,-./0123456789:;<=>?' +
  'İABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  'çabcdefghijklmnopqrstuvwxyzäöñüà';

/** A.3.3 Portuguese locking shift table. */
const PORTUGUESE_LOCKING =
  '@£$¥êéúíóç\nÔô\rÁáΔ_ªÇÀ∞^\\€Ó|' + _ + 'ÂâÊÉ' +
  ' !"#º%&\'()*+,-./0123456789:;<=>?' +
  'ÍABCDEFGHIJKLMNOPQRSTUVWXYZÃÕÚÜ§' +
  '~abcdefghijklmnopqrstuvwxyzãõ`üà';

/** Builds a 128-entry shift table from (septet, character) pairs. */
function shift(entries: Record<number, string>): string {
  const table = new Array<string>(128).fill(_);
  for (const [septet, char] of Object.entries(entries)) table[Number(septet)] = char;
  return table.join('');
}

const EXTENSION_BASE: Record<number, string> = { 0x0a: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2f: '\\', 0x3c: '[', 0x3d: '~', 0x3e: ']', 0x40: '|', 0x65: '€' };

/** §6.2.1.1 default alphabet extension table. */
const DEFAULT_EXTENSION = shift(EXTENSION_BASE);

/** A.2.1 Turkish single shift table. */
const TURKISH_SINGLE = shift({ ...EXTENSION_BASE, 0x47: 'Ğ', 0x49: 'İ', 0x53: 'Ş', 0x63: 'ç', 0x67: 'ğ', 0x69: 'ı', 0x73: 'ş' });

/** A.2.2 Spanish single shift table. */
const SPANISH_SINGLE = shift({ ...EXTENSION_BASE, 0x09: 'ç', 0x41: 'Á', 0x49: 'Í', 0x4f: 'Ó', 0x55: 'Ú', 0x61: 'á', 0x69: 'í', 0x6f: 'ó', 0x75: 'ú' });

/** A.2.3 Portuguese single shift table. */
const PORTUGUESE_SINGLE = shift({
  0x05: 'ê', 0x09: 'ç', 0x0a: '\f', 0x0b: 'Ô', 0x0c: 'ô', 0x0e: 'Á', 0x0f: 'á', 0x12: 'Φ', 0x13: 'Γ', 0x14: '^', 0x15: 'Ω',
  0x16: 'Π', 0x17: 'Ψ', 0x18: 'Σ', 0x19: 'Θ', 0x1f: 'Ê', 0x28: '{', 0x29: '}', 0x2f: '\\', 0x3c: '[', 0x3d: '~', 0x3e: ']',
  0x40: '|', 0x41: 'À', 0x49: 'Í', 0x4f: 'Ó', 0x55: 'Ú', 0x5b: 'Ã', 0x5c: 'Õ', 0x61: 'Â', 0x65: '€', 0x69: 'í', 0x6f: 'ó',
  0x75: 'ú', 0x7b: 'ã', 0x7c: 'õ', 0x7f: 'â',
});

/** National language identifiers (§6.2.1.2.4) with tables here. */
export type NationalLanguage = 'turkish' | 'spanish' | 'portuguese';
/** The national language identifier of each language, as carried in the shift UDH elements (3GPP TS 23.038 §6.2.1.2.4). */
export const LANGUAGE_ID: Readonly<Record<NationalLanguage, number>> = { turkish: 1, spanish: 2, portuguese: 3 };

export const LOCKING_TABLES: Readonly<Record<'default' | 'turkish' | 'portuguese', string>> = {
  default: DEFAULT,
  turkish: TURKISH_LOCKING,
  portuguese: PORTUGUESE_LOCKING,
};

export const SINGLE_SHIFT_TABLES: Readonly<Record<'default' | NationalLanguage, string>> = {
  default: DEFAULT_EXTENSION,
  turkish: TURKISH_SINGLE,
  spanish: SPANISH_SINGLE,
  portuguese: PORTUGUESE_SINGLE,
};

for (const [name, table] of Object.entries({ ...LOCKING_TABLES, ...SINGLE_SHIFT_TABLES })) {
  if (table.length !== 128) throw new Error(`GSM table ${name} has ${table.length} entries`);
}
