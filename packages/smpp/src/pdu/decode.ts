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

export const HEADER_LENGTH = 16;

const cstringOptions = { zeroTerminated: true, encoding: 'latin1' } as const;
const smeAddress = new Parser().uint8('dest_addr_ton').uint8('dest_addr_npi').string('destination_addr', cstringOptions);
const dlName = new Parser().string('dl_name', cstringOptions);
const destAddress = new Parser().uint8('dest_flag').choice({ tag: 'dest_flag', choices: { 1: smeAddress, 2: dlName } });
const unsuccessSme = new Parser().uint8('dest_addr_ton').uint8('dest_addr_npi').string('destination_addr', cstringOptions).uint32('error_status_code');

function compile(layout: readonly Field[]): Parser {
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

const parsers = new Map<CommandName, Parser>();
function parserFor(name: CommandName): Parser {
  let parser = parsers.get(name);
  if (parser === undefined) {
    parser = compile(LAYOUTS[name]);
    parsers.set(name, parser);
  }
  return parser;
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
  const fail = (message: string, status: number, field?: string): never => {
    throw new PduDecodeError(`${name}: ${message}`, commandId, sequenceNumber, status, field);
  };
  const body = frame.subarray(HEADER_LENGTH);
  const layout = LAYOUTS[name] as readonly Field[];
  const pdu: Record<string, unknown> = { command: name, command_status: commandStatus, sequence_number: sequenceNumber };
  let tlvOctets: Buffer;
  if (body.length === 0 && layout.length > 0 && isResponseId(commandId) && commandStatus !== 0) {
    // v3.4: a response with a non-zero status may leave its body out.
    for (const field of layout) pdu[field.name] = emptyValue(field);
    tlvOctets = body;
  } else {
    let parsed: Record<string, unknown>;
    try {
      parsed = parserFor(name).parse(body) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('Met undefined tag value')) fail('invalid dest_flag', CommandStatus.ESME_RINVDESTFLAG, 'dest_flag');
      return fail('the body ends before its mandatory fields do', CommandStatus.ESME_RINVCMDLEN);
    }
    for (const field of layout) {
      const value = parsed[field.name];
      if (field.type === 'cstring') {
        if ((value as string).length >= field.max) fail(`${field.name} is longer than ${field.max - 1} characters`, FIELD_STATUS[field.name] ?? CommandStatus.ESME_RINVCMDLEN, field.name);
      } else if (field.type === 'time') {
        const length = (value as string).length;
        if (length !== 0 && length !== 16) fail(`${field.name} must be empty or 16 characters`, FIELD_STATUS[field.name] ?? CommandStatus.ESME_RINVCMDLEN, field.name);
      } else if (field.type === 'sm') {
        if ((value as Buffer).length > 254) fail('sm_length above 254', CommandStatus.ESME_RINVMSGLEN, 'short_message');
      } else if (field.type === 'dests') {
        checkDests(value as Record<string, unknown>[], fail);
      }
      pdu[field.name] = value;
    }
    tlvOctets = parsed.tlvOctets as Buffer;
  }
  pdu.tlvs = decodeTlvs(tlvOctets, fail);
  return pdu as unknown as Pdu;
}

function checkDests(dests: Record<string, unknown>[], fail: (message: string, status: number, field?: string) => never): void {
  for (const dest of dests) {
    const address = (dest.destination_addr ?? dest.dl_name) as string;
    if (address.length >= 21) fail('a destination is longer than 20 characters', dest.dest_flag === 2 ? CommandStatus.ESME_RINVDLNAME : CommandStatus.ESME_RINVDSTADR, 'dest_address');
  }
}

function decodeTlvs(octets: Buffer, fail: (message: string, status: number, field?: string) => never): Record<string, unknown> {
  const tlvs: Record<string, unknown> = {};
  let offset = 0;
  while (offset < octets.length) {
    if (octets.length - offset < 4) fail('a truncated TLV header', CommandStatus.ESME_RINVTLVSTREAM);
    const tag = octets.readUInt16BE(offset);
    const length = octets.readUInt16BE(offset + 2);
    offset += 4;
    if (length > octets.length - offset) fail(`TLV 0x${tag.toString(16)} runs past the end of the PDU`, CommandStatus.ESME_RINVTLVSTREAM);
    try {
      readTlv(tlvs, tag, octets.subarray(offset, offset + length));
    } catch (error) {
      if (!(error instanceof TlvValueError)) throw error;
      fail(error.message, error.reason === 'length' ? CommandStatus.ESME_RINVTLVLEN : CommandStatus.ESME_RINVTLVVAL, error.tlv);
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
