import test from 'ava';
import fc from 'fast-check';
import {
  MessageTooLongError,
  Reassembler,
  buildUdh,
  concatElement,
  decodeText,
  parseUdh,
  splitMessage,
  UdhError,
  type ConcatenationMode,
  type MessagePart,
  type SplitMessage,
} from '@switchboard/smpp';

function feed(split: SplitMessage, order?: number[]): string | undefined {
  const reassembler = new Reassembler();
  let text: string | undefined;
  for (const index of order ?? split.parts.map((_, i) => i)) {
    const part = split.parts[index]!;
    const result = reassembler.add({
      source_addr: 'alice',
      destination_addr: 'bob',
      esm_class: part.udhi ? 0x40 : 0,
      data_coding: split.data_coding,
      short_message: part.short_message,
      tlvs: part.tlvs,
    });
    if (result.status === 'complete') text = result.text;
  }
  return text;
}

function septetsOf(part: MessagePart): Buffer {
  return part.udhi ? parseUdh(part.short_message).payload : part.short_message;
}

test('160 GSM characters fit one SMS; 161 make two parts of 153 and 8 with an 8-bit reference', (t) => {
  t.is(splitMessage('a'.repeat(160)).parts.length, 1);
  t.false(splitMessage('a'.repeat(160)).parts[0]!.udhi);
  const two = splitMessage('a'.repeat(161), { reference: 0x42 });
  t.is(two.parts.length, 2);
  t.deepEqual(two.parts.map((p) => septetsOf(p).length), [153, 8]);
  t.deepEqual(parseUdh(two.parts[1]!.short_message).udh.concat, { reference: 0x42, total: 2, sequence: 2, referenceBits: 8 });
  const sixteen = splitMessage('a'.repeat(161), { mode: 'udh16', reference: 0x1234 });
  t.deepEqual(sixteen.parts.map((p) => septetsOf(p).length), [152, 9]);
  t.deepEqual(parseUdh(sixteen.parts[0]!.short_message).udh.concat, { reference: 0x1234, total: 2, sequence: 1, referenceBits: 16 });
});

test('a GSM escape sequence is never cut between parts', (t) => {
  const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
  const split = splitMessage(text);
  const first = septetsOf(split.parts[0]!);
  t.is(first.length, 152, '€ takes two septets and does not fit in the 153rd');
  t.not(first[first.length - 1], 0x1b);
  t.is(feed(split), text);
});

test('UCS-2 parts hold 67 characters and never cut a surrogate pair', (t) => {
  const text = `${'ж'.repeat(66)}😀${'ж'.repeat(70)}`;
  const split = splitMessage(text);
  t.is(split.data_coding, 0x08);
  const first = parseUdh(split.parts[0]!.short_message).payload;
  t.is(first.length, 132, 'the emoji (4 octets) did not fit after 66 characters');
  t.is(decodeText(first, 0x08), 'ж'.repeat(66));
  t.is(feed(split), text);
  t.is(splitMessage('ж'.repeat(70)).parts.length, 1);
  t.is(splitMessage('ж'.repeat(71)).parts.length, 2);
});

test('SAR mode uses TLVs and full-size parts; payload mode sends one PDU', (t) => {
  const text = 'x'.repeat(400);
  const sar = splitMessage(text, { mode: 'sar', reference: 7 });
  t.is(sar.parts.length, 3);
  t.deepEqual(sar.parts.map((p) => p.short_message.length), [160, 160, 80]);
  t.deepEqual(sar.parts[2]!.tlvs, { sar_msg_ref_num: 7, sar_total_segments: 3, sar_segment_seqnum: 3 });
  t.false(sar.parts[0]!.udhi);
  t.is(feed(sar, [2, 0, 1]), text);
  const payload = splitMessage(text, { mode: 'payload' });
  t.is(payload.parts.length, 1);
  t.is(payload.parts[0]!.tlvs.message_payload!.length, 400);
  t.is(payload.parts[0]!.short_message.length, 0);
  t.is(feed(payload), text);
});

test('national shift tables are announced in the UDH and read back', (t) => {
  const text = 'Çağrı merkezimiz 7/24 hizmetinizdedir. '.repeat(6);
  const split = splitMessage(text, { languages: ['turkish'] });
  t.is(split.encoding.charset, 'gsm7');
  const { udh } = parseUdh(split.parts[0]!.short_message);
  t.is(udh.lockingShift, 1);
  t.truthy(udh.concat);
  t.is(feed(split, [1, 0]), text);
});

test('more than 255 parts is refused', (t) => {
  t.throws(() => splitMessage('a'.repeat(153 * 256)), { instanceOf: MessageTooLongError });
});

test('UDH building and parsing, and broken UDHs', (t) => {
  const udh = buildUdh([concatElement({ reference: 9, total: 3, sequence: 2, referenceBits: 8 }), { iei: 0x05, data: Buffer.from('0b840000', 'hex') }]);
  t.is(udh.toString('hex'), '0b0003090302' + '05040b840000');
  const parsed = parseUdh(Buffer.concat([udh, Buffer.from('hi')]));
  t.deepEqual(parsed.udh.ports, { destination: 2948, source: 0 });
  t.is(parsed.payload.toString(), 'hi');
  t.throws(() => parseUdh(Buffer.from('0a0003', 'hex')), { instanceOf: UdhError });
  t.throws(() => parseUdh(Buffer.from('050003090302', 'hex').subarray(0, 4)), { instanceOf: UdhError });
  t.throws(() => parseUdh(Buffer.from('0400050102', 'hex')), { instanceOf: UdhError });
});

test('a partial message is dropped after maxAge', (t) => {
  let now = 0;
  const reassembler = new Reassembler({ maxAge: 1000, now: () => now });
  const split = splitMessage('a'.repeat(200), { reference: 1 });
  const part = split.parts[0]!;
  t.like(reassembler.add({ source_addr: 'a', destination_addr: 'b', esm_class: 0x40, data_coding: 0, short_message: part.short_message }), { status: 'partial', received: 1, total: 2 });
  now = 1000;
  t.is(reassembler.purge(), 1);
  t.is(reassembler.size, 0);
});

test('property: any text, split in any mode and delivered in any order, reassembles to itself', (t) => {
  const modes: ConcatenationMode[] = ['udh8', 'udh16', 'sar', 'payload'];
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ maxLength: 700 }), fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: fc.constantFrom('a', '€', '{', 'ğ', 'ç', 'ı', ' '), maxLength: 600 })),
      fc.constantFrom(...modes),
      fc.boolean(),
      fc.integer(),
      (text, mode, turkish, seed) => {
        const split = splitMessage(text, { mode, ...(turkish ? { languages: ['turkish'] as const } : {}) });
        const order = split.parts.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        if (feed(split, order) !== text) throw new Error(`round trip failed for ${JSON.stringify(text)} (${mode})`);
        for (const part of split.parts) if (part.short_message.length > 254) throw new Error('a part exceeds 254 octets');
      },
    ),
    { numRuns: 1500 },
  );
  t.pass();
});
