// Oracle: libsmpp34 (Debian libsmpp34-dev), a C codec for SMPP v3.4. It decodes every v3.4 PDU we
// encode with the same field values, and we decode the PDUs it encodes. The oracle program in
// test/oracles is compiled here with gcc; .ci/run installs libsmpp34-dev.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { CommandId, LAYOUTS, TLVS, decodePdu, encodePdu, type Field, type Pdu } from '@switchboard/smpp';
import { SAMPLES } from './support/samples.js';

const V5_ONLY = new Set(['broadcast_sm', 'broadcast_sm_resp', 'query_broadcast_sm', 'query_broadcast_sm_resp', 'cancel_broadcast_sm', 'cancel_broadcast_sm_resp']);

let binary: string | undefined;
function oracle(): string {
  if (binary !== undefined) return binary;
  const source = fileURLToPath(new URL('./oracles/libsmpp34-oracle.c', import.meta.url));
  const out = join(mkdtempSync(join(tmpdir(), 'libsmpp34-')), 'oracle');
  let flags: string[];
  try {
    flags = execFileSync('pkg-config', ['--cflags', '--libs', 'libsmpp34'], { encoding: 'utf8' }).trim().split(/\s+/);
  } catch {
    throw new Error('libsmpp34 not found: install Debian libsmpp34-dev (and pkg-config)');
  }
  execFileSync('gcc', ['-O1', '-o', out, source, ...flags]);
  binary = out;
  return out;
}

/** libsmpp34's dump: one "name   [value] - [meaning]" line per field; TLVs as tag / length / value lines. */
function parseDump(dump: string): { fields: Map<string, string>; tags: number[] } {
  const fields = new Map<string, string>();
  const tags: number[] = [];
  for (const line of dump.split('\n')) {
    const match = /^(\S+)\s+\[([^\]]*)\]/.exec(line);
    if (match === null) continue;
    if (match[1] === 'tag') tags.push(Number.parseInt(match[2]!, 16));
    else if (!fields.has(match[1]!)) fields.set(match[1]!, match[2]!);
  }
  return { fields, tags };
}

/** The tags of a PDU's TLVs, in the order they are encoded. */
function tlvTags(pdu: Pdu): number[] {
  const tags: number[] = [];
  for (const [key, value] of Object.entries(pdu.tlvs)) {
    const count = Array.isArray(value) ? value.length : 1;
    const tag = key.startsWith('0x') ? Number.parseInt(key, 16) : TLVS[key as keyof typeof TLVS].tag;
    for (let i = 0; i < count; i++) tags.push(tag);
  }
  return tags;
}

/**
 * libsmpp34 is a v3.4-only codec with a few limits of its own, so three samples are shown to it in
 * a form it accepts: a v3.4 bind (it refuses interface_version 0x50), a data_sm source_addr of at
 * most 20 characters (it caps data_sm addresses at 21 octets; v3.4 allows 65), and a data_sm_resp
 * without TLVs (it does not parse data_sm_resp TLVs). Everything else is shown as is.
 */
function forLibsmpp34(pdu: Pdu): Pdu {
  if (pdu.command === 'bind_transceiver') return { ...pdu, interface_version: 0x34 };
  if (pdu.command === 'data_sm') return { ...pdu, source_addr: 'Switchbrd' };
  if (pdu.command === 'data_sm_resp') return { ...pdu, tlvs: {} };
  return pdu;
}

const v34 = SAMPLES.filter((pdu) => !V5_ONLY.has(pdu.command)).map(forLibsmpp34);

test('libsmpp34 decodes every v3.4 PDU we encode, with the same field values', (t) => {
  const input = `${v34.map((pdu) => encodePdu(pdu).toString('hex')).join('\n')}\n`;
  const output = execFileSync(oracle(), ['decode'], { input, encoding: 'utf8' });
  const dumps = output.split('\n----\n').filter((d) => d.trim() !== '');
  t.is(dumps.length, v34.length);
  v34.forEach((pdu, i) => {
    const dump = dumps[i]!;
    t.false(dump.startsWith('ERROR'), `libsmpp34 refused our ${pdu.command}: ${dump.slice(-200)}`);
    if (dump.startsWith('ERROR')) return;
    const { fields, tags } = parseDump(dump);
    t.is(Number.parseInt(fields.get('command_id')!, 16), CommandId[pdu.command], pdu.command);
    t.is(Number.parseInt(fields.get('sequence_number')!, 16), pdu.sequence_number, `${pdu.command} sequence`);
    const values = pdu as unknown as Record<string, unknown>;
    for (const field of LAYOUTS[pdu.command] as readonly Field[]) {
      const theirs = fields.get(field.name);
      if (theirs === undefined) continue;
      const ours = values[field.name];
      if (field.type === 'cstring' || field.type === 'time') t.is(theirs, ours as string, `${pdu.command}.${field.name}`);
      else if (field.type === 'u8') t.is(Number.parseInt(theirs, 16), ours as number, `${pdu.command}.${field.name}`);
    }
    if ('short_message' in pdu) t.is(Number.parseInt(fields.get('sm_length') ?? '0', 16), (pdu.short_message as Buffer).length, `${pdu.command}.sm_length`);
    // libsmpp34 keeps TLVs in a list it prepends to: compare them as a multiset
    t.deepEqual([...tags].sort(), tlvTags(pdu).sort(), `${pdu.command} TLV tags`);
  });
  t.log(`${v34.length} v3.4 PDUs dissected by libsmpp34`);
});

test('we decode the PDUs libsmpp34 encodes', (t) => {
  const lines = execFileSync(oracle(), ['encode'], { encoding: 'utf8' }).trim().split('\n');
  const pdus = lines.map((hex) => decodePdu(Buffer.from(hex, 'hex')));
  const [bind, submit, deliver, enquire, resp] = pdus as [Pdu, Pdu, Pdu, Pdu, Pdu];
  t.like(bind, { command: 'bind_transmitter', sequence_number: 1, system_id: 'esme01', password: 'secret', system_type: 'VMA', interface_version: 0x34, addr_ton: 1, addr_npi: 1, address_range: '^44' });
  t.like(submit as Pdu & Record<string, unknown>, { command: 'submit_sm', sequence_number: 2, source_addr_ton: 5, source_addr: 'MyBrand', destination_addr: '447700900123', registered_delivery: 1, validity_period: '000001000000000R' });
  t.is((submit as Pdu & { short_message: Buffer }).short_message.toString(), 'Hello from libsmpp34');
  t.deepEqual(submit.tlvs, { user_message_reference: 42 });
  t.like(deliver, { command: 'deliver_sm', esm_class: 4, source_addr: '447700900123' });
  t.deepEqual(deliver.tlvs, { receipted_message_id: 'abc123', message_state: 2 });
  t.like(enquire, { command: 'enquire_link', sequence_number: 4 });
  t.like(resp, { command: 'submit_sm_resp', sequence_number: 2, message_id: 'abc123' });
  // and re-encoding what libsmpp34 produced gives back its exact bytes
  pdus.forEach((pdu, i) => t.is(encodePdu(pdu).toString('hex'), lines[i]!));
});
