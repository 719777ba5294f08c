/// <reference path="./binary-parser.d.ts" />
// Decoding a framed PDU: the header by hand (three integers), the body with a binary-parser
// parser compiled once per command from its layout, then the TLVs. Every failure is a
// PduDecodeError carrying the command_status to answer with.
import { Parser } from 'binary-parser';
import { commandName, isResponseId, type CommandName } from './command-id.js';
import { CommandStatus } from './command-status.js';
import { PduDecodeError } from './errors.js';
import { LAYOUTS, type Field } from './layouts.js';
import { readTlv, TlvValueError } from './tlv-codec.js';
import type { Pdu } from './types.js';

/** Octets of the PDU header: command_length, command_id, command_status, sequence_number (v3.4 §3.2). */
export const HEADER_LENGTH = 16;
/** The largest sequence_number (SMPP v3.4 §3.2). */
export const MAX_SEQUENCE = 0x7fffffff;

const cstringOptions = { zeroTerminated: true, encoding: 'latin1' } as const;
const smeAddress = new Parser().uint8('dest_addr_ton').uint8('dest_addr_npi').string('destination_addr', cstringOptions);
const dlName = new Parser().string('dl_name', cstringOptions);
const destAddress = new Parser().uint8('dest_flag').choice({ tag: 'dest_flag', choices: { 1: smeAddress, 2: dlName } });
const unsuccessSme = new Parser().uint8('dest_addr_ton').uint8('dest_addr_npi').string('destination_addr', cstringOptions).uint32('error_status_code');

/**
 * binary-parser generates one function per parser (getCode), but reads each string through a
 * fresh `new TextDecoder()` over a `subarray` (two allocations per field), and `delete`s two
 * helper properties at the end, which leaves every result in V8's slow dictionary mode. We compile
 * its generated code the way its own compile() does, after rewriting those two spots: strings
 * become `buffer.toString('latin1', start, end)`, the helpers are set to undefined. Both rewrites
 * are checked, so a binary-parser that generates other code fails loudly here, not silently.
 */
type CompiledParser = (buffer: Buffer) => Record<string, unknown>;

const STRING_READ = /new TextDecoder\('latin1'\)\.decode\(buffer\.subarray\(([^,]+), ([^)]+)\)\)/g;

function compileFast(parser: Parser): CompiledParser {
  const generated = parser.getCode();
  const code = generated.replace(STRING_READ, "buffer.toString('latin1', $1, $2)").replace(/delete (\w+)\.\$(parent|root);/g, '$1.$$$2 = undefined;');
  if (code.includes('TextDecoder') || code.includes('imports[') || code.includes('delete ')) {
    throw new Error('binary-parser generated code this decoder does not know how to compile');
  }
  const factory = new Function('imports', 'TextDecoder', `return function (buffer, constructorFn) { ${code} };`) as (imports: unknown[], decoder: unknown) => CompiledParser;
  return factory([], undefined);
}

function compile(layout: readonly Field[]): CompiledParser {
  return compileFast(build(layout));
}

function build(layout: readonly Field[]): Parser {
  let parser = new Parser().endianness('big');
  for (const field of layout) {
    switch (field.type) {
      case 'u8':
        parser = parser.uint8(field.name);
        break;
      case 'u32':
        parser = parser.uint32(field.name);
        break;
      case 'cstring':
      case 'time':
        parser = parser.string(field.name, cstringOptions);
        break;
      case 'sm':
        parser = parser.uint8('sm_length').buffer('short_message', { length: 'sm_length' });
        break;
      case 'dests':
        parser = parser.uint8('number_of_dests').array('dest_address', { type: destAddress, length: 'number_of_dests' });
        break;
      case 'unsuccess':
        parser = parser.uint8('no_unsuccess').array('unsuccess_sme', { type: unsuccessSme, length: 'no_unsuccess' });
        break;
    }
  }
  return parser.buffer('tlvOctets', { readUntil: 'eof' });
}

/** Builds the PDU object in one literal, so every PDU of a command shares one V8 shape. */
type Assemble = (command: CommandName, status: number, sequence: number, fields: Record<string, unknown>, tlvs: Record<string, unknown>) => Pdu;

function assembler(layout: readonly Field[]): Assemble {
  // Field names come from our own layout table (identifiers), never from input.
  const body = layout.map((f) => `${f.name}: fields.${f.name}`).join(', ');
  return new Function('command', 'status', 'sequence', 'fields', 'tlvs', `return { command, command_status: status, sequence_number: sequence${body === '' ? '' : `, ${body}`}, tlvs };`) as Assemble;
}

interface CompiledCommand {
  readonly parse: CompiledParser;
  readonly assemble: Assemble;
  readonly layout: readonly Field[];
}

const compiledCommands = new Map<CommandName, CompiledCommand>();
function compiledFor(name: CommandName): CompiledCommand {
  let entry = compiledCommands.get(name);
  if (entry === undefined) {
    const layout = LAYOUTS[name] as readonly Field[];
    entry = { parse: compile(layout), assemble: assembler(layout), layout };
    compiledCommands.set(name, entry);
  }
  return entry;
}

/** The status that says "this field is wrong", per field (SMPP v3.4 §5.1.3). */
const FIELD_STATUS: Record<string, number> = {
  system_id: CommandStatus.ESME_RINVSYSID,
  password: CommandStatus.ESME_RINVPASWD,
  system_type: CommandStatus.ESME_RINVSYSTYP,
  service_type: CommandStatus.ESME_RINVSERTYP,
  source_addr: CommandStatus.ESME_RINVSRCADR,
  destination_addr: CommandStatus.ESME_RINVDSTADR,
  esme_addr: CommandStatus.ESME_RINVDSTADR,
  message_id: CommandStatus.ESME_RINVMSGID,
  schedule_delivery_time: CommandStatus.ESME_RINVSCHED,
  validity_period: CommandStatus.ESME_RINVEXPIRY,
  dl_name: CommandStatus.ESME_RINVDLNAME,
};

/**
 * Decodes one whole PDU (header included, exactly command_length octets, as the framer hands
 * them out). Octet fields are views into `frame`, not copies.
 * @throws PduDecodeError with the command_status to answer with
 */
export function decodePdu(frame: Buffer): Pdu {
  if (frame.length < HEADER_LENGTH) throw new PduDecodeError(`a PDU needs 16 octets, got ${frame.length}`, 0, 0, CommandStatus.ESME_RINVCMDLEN);
  const commandId = frame.readUInt32BE(4);
  const commandStatus = frame.readUInt32BE(8);
  const sequenceNumber = frame.readUInt32BE(12);
  const name = commandName(commandId);
  if (name === undefined) {
    throw new PduDecodeError(`unknown command_id 0x${commandId.toString(16).padStart(8, '0')}`, commandId, sequenceNumber, CommandStatus.ESME_RINVCMDID);
  }
  const context: DecodeContext = { name, commandId, sequenceNumber };
  // SMPP v3.4 §3.2 (v5.0 §3.2): sequence_number is 0x00000001..0x7FFFFFFF. generic_nack is exempt:
  // it echoes whatever it answers (0 when the header could not be read). The spec has no status
  // for a bad sequence number; ESME_RSYSERR is the one we answer with (generic_nack, §4.3).
  if ((sequenceNumber === 0 || sequenceNumber > MAX_SEQUENCE) && name !== 'generic_nack') {
    fail(context, `sequence_number 0x${sequenceNumber.toString(16).padStart(8, '0')} is outside 0x00000001..0x7FFFFFFF`, CommandStatus.ESME_RSYSERR, 'sequence_number');
  }
  const body = frame.subarray(HEADER_LENGTH);
  const { parse, assemble, layout } = compiledFor(name);
  let fields: Record<string, unknown>;
  let tlvOctets: Buffer;
  if (body.length === 0 && layout.length > 0 && isResponseId(commandId) && commandStatus !== 0) {
    // v3.4: a response with a non-zero status may leave its body out.
    fields = {};
    for (const field of layout) fields[field.name] = emptyValue(field);
    tlvOctets = body;
  } else {
    try {
      fields = parse(body);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('Met undefined tag value')) fail(context, 'invalid dest_flag', CommandStatus.ESME_RINVDESTFLAG, 'dest_flag');
      return fail(context, 'the body ends before its mandatory fields do', CommandStatus.ESME_RINVCMDLEN);
    }
    for (const field of layout) check(context, field, fields[field.name]);
    tlvOctets = fields.tlvOctets as Buffer;
  }
  return assemble(name, commandStatus, sequenceNumber, fields, decodeTlvs(context, tlvOctets));
}

interface DecodeContext {
  readonly name: CommandName;
  readonly commandId: number;
  readonly sequenceNumber: number;
}

function fail(context: DecodeContext, message: string, status: number, field?: string): never {
  throw new PduDecodeError(`${context.name}: ${message}`, context.commandId, context.sequenceNumber, status, field);
}

function check(context: DecodeContext, field: Field, value: unknown): void {
  switch (field.type) {
    case 'cstring':
      if ((value as string).length >= field.max) fail(context, `${field.name} is longer than ${field.max - 1} characters`, FIELD_STATUS[field.name] ?? CommandStatus.ESME_RINVCMDLEN, field.name);
      return;
    case 'time': {
      const length = (value as string).length;
      if (length !== 0 && length !== 16) fail(context, `${field.name} must be empty or 16 characters`, FIELD_STATUS[field.name] ?? CommandStatus.ESME_RINVCMDLEN, field.name);
      return;
    }
    case 'sm':
      if ((value as Buffer).length > 254) fail(context, 'sm_length above 254', CommandStatus.ESME_RINVMSGLEN, 'short_message');
      return;
    case 'dests':
      checkDests(context, value as Record<string, unknown>[]);
      return;
    default:
      return;
  }
}

function checkDests(context: DecodeContext, dests: Record<string, unknown>[]): void {
  for (const dest of dests) {
    const address = (dest.destination_addr ?? dest.dl_name) as string;
    if (address.length >= 21) fail(context, 'a destination is longer than 20 characters', dest.dest_flag === 2 ? CommandStatus.ESME_RINVDLNAME : CommandStatus.ESME_RINVDSTADR, 'dest_address');
  }
}

function decodeTlvs(context: DecodeContext, octets: Buffer): Record<string, unknown> {
  const tlvs: Record<string, unknown> = {};
  let offset = 0;
  while (offset < octets.length) {
    if (octets.length - offset < 4) fail(context, 'a truncated TLV header', CommandStatus.ESME_RINVTLVSTREAM);
    const tag = octets.readUInt16BE(offset);
    const length = octets.readUInt16BE(offset + 2);
    offset += 4;
    if (length > octets.length - offset) fail(context, `TLV 0x${tag.toString(16)} runs past the end of the PDU`, CommandStatus.ESME_RINVTLVSTREAM);
    try {
      readTlv(tlvs, tag, octets.subarray(offset, offset + length));
    } catch (error) {
      if (!(error instanceof TlvValueError)) throw error;
      fail(context, error.message, error.reason === 'length' ? CommandStatus.ESME_RINVTLVLEN : CommandStatus.ESME_RINVTLVVAL, error.tlv);
    }
    offset += length;
  }
  return tlvs;
}

/** The value of a field left out (a failed response without body). */
export function emptyValue(field: Field): unknown {
  switch (field.type) {
    case 'u8':
    case 'u32':
      return 0;
    case 'cstring':
    case 'time':
      return '';
    case 'sm':
      return Buffer.alloc(0);
    case 'dests':
    case 'unsuccess':
      return [];
  }
}
