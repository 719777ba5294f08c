import test from 'ava';
import { FrameError, PduFramer, encodePdu, decodePdu, createPdu } from '@switchboard/smpp';
import { SAMPLES } from './support/samples.js';

const stream = Buffer.concat(SAMPLES.map(encodePdu));

function frames(chunks: Buffer[], framer = new PduFramer()): Buffer[] {
  const out: Buffer[] = [];
  for (const chunk of chunks) framer.push(chunk, (frame) => out.push(Buffer.from(frame)));
  return out;
}

test('every sample PDU comes out whole, however the stream is split in two', (t) => {
  const expected = SAMPLES.map(encodePdu);
  for (let cut = 0; cut <= stream.length; cut++) {
    const got = frames([stream.subarray(0, cut), stream.subarray(cut)]);
    if (got.length !== expected.length || got.some((f, i) => !f.equals(expected[i]!))) {
      t.fail(`split at ${cut} went wrong`);
      return;
    }
  }
  t.pass();
});

test('one octet at a time, and all at once', (t) => {
  const expected = SAMPLES.map(encodePdu);
  const oneByOne = frames([...stream].map((b) => Buffer.from([b])));
  t.deepEqual(oneByOne, expected);
  t.deepEqual(frames([stream]), expected);
  t.deepEqual(frames([stream]).map(decodePdu), SAMPLES);
});

test('random chunkings of the stream give the same frames', (t) => {
  const expected = SAMPLES.map(encodePdu);
  let seed = 7;
  const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let round = 0; round < 200; round++) {
    const chunks: Buffer[] = [];
    for (let at = 0; at < stream.length; ) {
      const size = 1 + Math.floor(random() * 300);
      chunks.push(stream.subarray(at, at + size));
      at += size;
    }
    t.deepEqual(frames(chunks), expected);
  }
});

test('a command_length below 16 or above the maximum is fatal, with the header when it is there', (t) => {
  const framer = new PduFramer({ maxCommandLength: 1000 });
  const good = encodePdu(createPdu('enquire_link', { sequence_number: 4 }));
  const big = Buffer.from(good);
  big.writeUInt32BE(1001, 0);
  const seen: Buffer[] = [];
  const error = t.throws(() => framer.push(Buffer.concat([good, big]), (f) => seen.push(f)), { instanceOf: FrameError });
  t.is(seen.length, 1, 'the good PDU before it was delivered');
  t.is(error?.commandLength, 1001);
  t.is(error?.commandId, 0x15);
  t.is(error?.sequenceNumber, 4);
  t.is(error?.commandStatus, 2);
  t.throws(() => framer.push(good, () => {}), { instanceOf: FrameError }, 'the framer stays broken');
  const small = new PduFramer();
  const tooSmall = t.throws(() => small.push(Buffer.from('0000000f', 'hex'), () => {}), { instanceOf: FrameError });
  t.is(tooSmall?.commandId, undefined);
});

test('the default maximum admits a data_sm with a 64 KiB message_payload, and buffering is bounded by it', (t) => {
  const big = encodePdu(createPdu('data_sm', { tlvs: { message_payload: Buffer.alloc(65535, 1) } }));
  const framer = new PduFramer();
  t.deepEqual(frames([big.subarray(0, 1000), big.subarray(1000)], framer), [big]);
  t.is(framer.bufferedLength, 0);
  const partial = new PduFramer();
  frames([big.subarray(0, 50_000)], partial);
  t.is(partial.bufferedLength, 50_000);
});
