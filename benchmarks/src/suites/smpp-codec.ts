// `pnpm bench smpp-codec`: our PDU codec beside node-smpp's (npm `smpp`) in the same run.
import { createRequire } from 'node:module';
import { PduFramer, createPdu, decodePdu, decodeText, encodePdu, type Pdu } from '@switchboard/smpp';
import { bestRate } from '../measure.js';
import type { Measurement } from '../report.js';

const require = createRequire(import.meta.url);
interface NodeSmppPdu {
  toBuffer(): Buffer;
  short_message?: unknown;
}
const nodeSmpp = require('smpp') as {
  PDU: (new (command: string | Buffer, options?: Record<string, unknown>) => NodeSmppPdu) & {
    commandLength(stream: { read(n: number): Buffer | null }): number | false;
    fromStream(stream: { read(n: number): Buffer | null }, length: number): NodeSmppPdu | false;
  };
};
const nodeSmppVersion = (require('smpp/package.json') as { version: string }).version;

const receiptText = 'id:5f2c9a1e sub:001 dlvrd:001 submit date:2611211200 done date:2611211201 stat:DELIVRD err:000 text:Hello';
const submitFields = {
  service_type: '',
  source_addr_ton: 5,
  source_addr_npi: 0,
  source_addr: 'Switchbrd',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  destination_addr: '447700900123',
  registered_delivery: 1,
  data_coding: 0,
};

const ourSubmit = createPdu('submit_sm', { ...submitFields, sequence_number: 7, short_message: Buffer.from('Your verification code is 482913. It expires in 10 minutes.') });
const ourDeliver = createPdu('deliver_sm', {
  ...submitFields,
  esm_class: 0x04,
  sequence_number: 8,
  short_message: Buffer.from(receiptText),
  tlvs: { receipted_message_id: '5f2c9a1e', message_state: 2, network_error_code: { network_type: 3, error_code: 0 } },
});
const theirSubmit = new nodeSmpp.PDU('submit_sm', { ...submitFields, sequence_number: 7, short_message: 'Your verification code is 482913. It expires in 10 minutes.' });
const theirDeliver = new nodeSmpp.PDU('deliver_sm', {
  ...submitFields,
  esm_class: 0x04,
  sequence_number: 8,
  short_message: receiptText,
  receipted_message_id: '5f2c9a1e',
  message_state: 2,
  network_error_code: Buffer.from([3, 0, 0]),
});

/** Both libraries read the same bytes: checked once, before measuring. */
function sameBytes(): void {
  for (const [ours, theirs] of [
    [encodePdu(ourSubmit), theirSubmit.toBuffer()],
    [encodePdu(ourDeliver), theirDeliver.toBuffer()],
  ] as const) {
    const a = decodePdu(theirs as Buffer);
    const b = decodePdu(ours);
    if (JSON.stringify(a.command) !== JSON.stringify(b.command)) throw new Error('the two encoders disagree');
  }
}

function decodeOurs(frame: Buffer): Pdu {
  const pdu = decodePdu(frame);
  // node-smpp decodes short_message to text; do the same work.
  if ('short_message' in pdu && 'data_coding' in pdu) decodeText(pdu.short_message, pdu.data_coding);
  return pdu;
}

function streamOf(buffer: Buffer): { read(n: number): Buffer | null } {
  let offset = 0;
  return {
    read(n: number): Buffer | null {
      if (offset + n > buffer.length) return null;
      const chunk = buffer.subarray(offset, offset + n);
      offset += n;
      return chunk;
    },
  };
}

export async function smppCodecSuite(): Promise<Measurement[]> {
  sameBytes();
  const results: Measurement[] = [];
  const peer = `node-smpp ${nodeSmppVersion}`;
  const n = 200_000;
  const submitBytes = encodePdu(ourSubmit);
  const deliverBytes = encodePdu(ourDeliver);

  for (const [name, ours, theirs] of [
    ['decode submit_sm', () => decodeOurs(submitBytes), () => new nodeSmpp.PDU(submitBytes)],
    ['decode deliver_sm with a receipt and TLVs', () => decodeOurs(deliverBytes), () => new nodeSmpp.PDU(deliverBytes)],
    ['encode submit_sm', () => encodePdu(ourSubmit), () => theirSubmit.toBuffer()],
    ['encode deliver_sm with a receipt and TLVs', () => encodePdu(ourDeliver), () => theirDeliver.toBuffer()],
  ] as const) {
    const oursRate = await bestRate(n, () => {
      for (let i = 0; i < n; i++) ours();
    });
    const theirsRate = await bestRate(n, () => {
      for (let i = 0; i < n; i++) theirs();
    });
    results.push({ name, unit: 'PDUs/s', ours: oursRate, peer, peerValue: theirsRate, higherIsBetter: true, target: 3 * theirsRate });
  }

  // A stream of mixed PDUs, framed and decoded: enquire_links, submits, receipts, responses.
  const mix = [
    encodePdu(createPdu('enquire_link', { sequence_number: 1 })),
    submitBytes,
    deliverBytes,
    encodePdu(createPdu('submit_sm_resp', { sequence_number: 7, message_id: '5f2c9a1e' })),
    encodePdu(createPdu('deliver_sm_resp', { sequence_number: 8 })),
  ];
  const stream = Buffer.concat(Array.from({ length: 2000 }, () => mix).flat());
  const frames = 2000 * mix.length;
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; at += 16 * 1024) chunks.push(stream.subarray(at, at + 16 * 1024));
  const oursFraming = await bestRate(frames * 10, () => {
    for (let round = 0; round < 10; round++) {
      const framer = new PduFramer();
      for (const chunk of chunks) framer.push(chunk, decodeOurs);
    }
  });
  const theirsFraming = await bestRate(frames * 10, () => {
    for (let round = 0; round < 10; round++) {
      const socket = streamOf(stream);
      for (;;) {
        const length = nodeSmpp.PDU.commandLength(socket);
        if (length === false) break;
        if (nodeSmpp.PDU.fromStream(socket, length) === false) break;
      }
    }
  });
  results.push({ name: 'frame + decode a stream of mixed PDUs (16 KiB chunks)', unit: 'PDUs/s', ours: oursFraming, peer, peerValue: theirsFraming, higherIsBetter: true, target: 3 * theirsFraming });
  return results;
}
