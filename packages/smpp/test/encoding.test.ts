import { execFileSync } from 'node:child_process';
import test from 'ava';
import {
  EncodingError,
  chooseEncoding,
  countGsm7,
  decodeGsm7,
  decodeText,
  describeDataCoding,
  dataCodingFor,
  encodeGsm7,
  encodeText,
  packSeptets,
  unpackSeptets,
} from '@switchboard/smpp';

/** Perl's Encode::GSM0338 (default alphabet and extension table), as an oracle. */
function perl(script: string, input: Buffer): Buffer {
  return execFileSync('perl', ['-MEncode', '-e', `binmode STDIN; binmode STDOUT; local $/; my $in = <STDIN>; ${script}`], { input });
}

test('every septet of the default alphabet decodes as Perl Encode::GSM0338 decodes it', (t) => {
  const septets = Buffer.from(Array.from({ length: 128 }, (_, i) => i).filter((i) => i !== 0x1b));
  const theirs = perl('print encode("UTF-8", decode("gsm0338", $in))', septets).toString('utf8');
  t.is(decodeGsm7(septets), theirs);
});

test('every extension-table character encodes as Perl Encode::GSM0338 encodes it', (t) => {
  const text = '^{}\\[~]|€\f@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà\n\r';
  const theirs = perl('print encode("gsm0338", decode("UTF-8", $in))', Buffer.from(text, 'utf8'));
  t.deepEqual(Buffer.from(encodeGsm7(text)!), theirs);
  t.is(decodeGsm7(theirs), text);
});

test('septet packing follows TS 23.038 §6.1.2.1 (the "hellohello" vector) and respects UDH fill bits', (t) => {
  const septets = encodeGsm7('hellohello')!;
  t.is(packSeptets(septets).toString('hex').toUpperCase(), 'E8329BFD4697D9EC37');
  t.deepEqual(Buffer.from(unpackSeptets(packSeptets(septets), 10)), Buffer.from(septets));
  for (let padding = 0; padding <= 6; padding++) {
    const packed = packSeptets(septets, padding);
    t.deepEqual(Buffer.from(unpackSeptets(packed, septets.length, padding)), Buffer.from(septets), `padding ${padding}`);
  }
});

test('national tables: Turkish locking shift and Spanish single shift', (t) => {
  const turkish = encodeGsm7('Çağrı', { locking: 'turkish', single: 'default' })!;
  t.deepEqual([...turkish], [0x09, 0x61, 0x0c, 0x72, 0x07]);
  t.is(decodeGsm7(turkish, { locking: 'turkish', single: 'default' }), 'Çağrı');
  t.is(encodeGsm7('Çağrı'), undefined, 'ğ and ı are not in the default alphabet');
  const spanish = encodeGsm7('Buenos días', { locking: 'default', single: 'spanish' })!;
  t.deepEqual(Buffer.from(spanish), Buffer.from('Buenos d\x1bias', 'latin1'));
  const portuguese = encodeGsm7('Atenção: você', { locking: 'portuguese', single: 'portuguese' })!;
  t.is(decodeGsm7(portuguese, { locking: 'portuguese', single: 'portuguese' }), 'Atenção: você');
});

test('decoding follows §6.2.1.1 for odd escapes: ESC + unknown shows the base character, ESC ESC and a lone ESC a space', (t) => {
  t.is(decodeGsm7(Uint8Array.from([0x1b, 0x41])), 'A');
  t.is(decodeGsm7(Uint8Array.from([0x41, 0x1b, 0x1b, 0x42])), 'A B');
  t.is(decodeGsm7(Uint8Array.from([0x41, 0x1b])), 'A ');
});

test('UCS-2 is big-endian UTF-16: surrogate pairs survive; Latin-1 and ASCII refuse what they cannot carry', (t) => {
  const text = 'Привет 😀';
  const octets = encodeText(text, 'ucs2');
  t.is(octets.subarray(-4).toString('hex'), 'd83dde00');
  t.is(decodeText(octets, 0x08), text);
  t.is(decodeText(encodeText('Grüße', 'latin1'), 0x03), 'Grüße');
  const error = t.throws(() => encodeText('€', 'latin1'), { instanceOf: EncodingError });
  t.is(error?.character, '€');
  t.throws(() => encodeText('é', 'ascii'), { instanceOf: EncodingError });
  t.is(t.throws(() => encodeText('ok 😀', 'gsm7'), { instanceOf: EncodingError })?.character, '😀');
  t.is(decodeText(encodeText('Hi {there}', 'gsm7', { packed: true }), 0x00, { packed: true, septets: 12 }), 'Hi {there}');
});

test('data_coding: SMPP values and the GSM DCS groups above 0x0F', (t) => {
  t.is(describeDataCoding(0x00).charset, 'gsm7');
  t.is(describeDataCoding(0x03).charset, 'latin1');
  t.is(describeDataCoding(0x08).charset, 'ucs2');
  t.is(describeDataCoding(0x04).charset, 'binary');
  t.deepEqual(describeDataCoding(0x10), { charset: 'gsm7', messageClass: 0 });
  t.deepEqual(describeDataCoding(0x18), { charset: 'ucs2', messageClass: 0 });
  t.deepEqual(describeDataCoding(0xf0), { charset: 'gsm7', messageClass: 0 });
  t.deepEqual(describeDataCoding(0xf6), { charset: 'binary', messageClass: 2 });
  t.deepEqual(describeDataCoding(0x48), { charset: 'ucs2', autoDelete: true });
  t.deepEqual(describeDataCoding(0xd8), { charset: 'gsm7', messageWaiting: { store: true, active: true, type: 'voicemail' } });
  t.deepEqual(describeDataCoding(0xe9), { charset: 'ucs2', messageWaiting: { store: true, active: true, type: 'fax' } });
  t.is(dataCodingFor('ucs2'), 0x08);
  t.is(dataCodingFor('gsm7', 0), 0x10);
  t.is(dataCodingFor('ucs2', 0), 0x18);
  t.throws(() => describeDataCoding(256), { instanceOf: RangeError });
});

test('chooseEncoding picks the smallest encoding that carries the text', (t) => {
  t.like(chooseEncoding('Hello [world] €5'), { charset: 'gsm7', length: 19 });
  t.like(chooseEncoding('Çağrı merkezi'), { charset: 'ucs2' });
  t.like(chooseEncoding('Çağrı merkezi', { languages: ['turkish'] }), { charset: 'gsm7', tables: { locking: 'turkish', single: 'default' } });
  t.like(chooseEncoding('¿Dónde está?', { languages: ['spanish'] }), { charset: 'gsm7', tables: { locking: 'default', single: 'spanish' } });
  t.like(chooseEncoding('Grüße aus Köln!'), { charset: 'gsm7', length: 15 });
  t.like(chooseEncoding('ça va?'), { charset: 'ucs2' }, 'the default alphabet has Ç but not ç');
  t.like(chooseEncoding('Ärger, naïve'), { charset: 'ucs2' });
  t.like(chooseEncoding('Ärger, naïve', { latin1: true }), { charset: 'latin1', dataCoding: 3 });
  t.like(chooseEncoding('emoji 😀'), { charset: 'ucs2', length: 8 });
  t.is(countGsm7('{}'), 4);
});

test('every character of every table pair encodes to its septet (one for the locking table, ESC + one for the single shift) and decodes back', async (t) => {
  const { LOCKING_TABLES, SINGLE_SHIFT_TABLES } = await import('../src/encoding/gsm-tables.js');
  let checked = 0;
  for (const locking of ['default', 'turkish', 'portuguese'] as const) {
    for (const single of ['default', 'turkish', 'spanish', 'portuguese'] as const) {
      const tables = { locking, single };
      const main = LOCKING_TABLES[locking];
      const shifted = SINGLE_SHIFT_TABLES[single];
      for (let septet = 0; septet < 128; septet++) {
        const char = main[septet]!;
        if (septet === 0x1b || char === '\u0000') continue;
        // the last septet a character has in the locking table is the one it is written with
        t.deepEqual([...encodeGsm7(char, tables)!], [main.lastIndexOf(char)], `${locking}/${single} locking ${septet}`);
        t.is(countGsm7(char, tables), 1);
        checked++;
      }
      for (let septet = 0; septet < 128; septet++) {
        const char = shifted[septet]!;
        if (char === '\u0000' || main.includes(char)) continue;
        // the first septet a character has in the single shift table
        t.deepEqual([...encodeGsm7(char, tables)!], [0x1b, shifted.indexOf(char)], `${locking}/${single} shifted ${septet}`);
        t.is(decodeGsm7(encodeGsm7(char, tables)!, tables), char);
        t.is(countGsm7(char, tables), 2);
        checked++;
      }
      t.is(encodeGsm7('\u{1F600}', tables), undefined, 'astral characters are in no table');
      t.is(countGsm7('a\uD83D', tables), undefined, 'nor are lone surrogates');
    }
  }
  t.true(checked > 1500);
});
