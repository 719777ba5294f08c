// Building PDUs with sensible defaults, and responses from requests (same sequence number).
import { responseNameOf, type CommandName } from './command-id.js';
import { CommandStatus } from './command-status.js';
import { emptyValue } from './decode.js';
import { LAYOUTS, type Field } from './layouts.js';
import type { PduOf } from './types.js';

/** The fields to set when building a PDU; everything left out gets its default. */
export type PduInit<N extends CommandName> = Partial<Omit<PduOf<N>, 'command'>>;

/** Commands that have a response, and the name of that response. */
export type RequestName = { [N in CommandName]: `${N}_resp` extends CommandName ? N : never }[CommandName];
/** The name of the response to request `N`, e.g. `'submit_sm_resp'` for `'submit_sm'`. */
export type ResponseName<N extends RequestName> = `${N}_resp` & CommandName;

/**
 * A PDU of `command` with defaults: 0 for integers, '' for strings, an empty short_message,
 * no TLVs, command_status 0 and sequence_number 1 (a session assigns its own).
 *
 * @example
 * const pdu = createPdu('submit_sm', { destination_addr: '447700900123', short_message: Buffer.from('hi') });
 */
export function createPdu<N extends CommandName>(command: N, init: PduInit<N> = {}): PduOf<N> {
  const make = (FACTORIES[command] ??= compileFactory(command));
  const pdu = make(EMPTY_SM);
  for (const key in init) {
    // A field the command does not have would be silently dropped on the wire: refuse it.
    if (!(key in pdu)) throw new TypeError(`${command} has no field ${JSON.stringify(key)}`);
    pdu[key] = (init as Record<string, unknown>)[key];
  }
  return pdu as unknown as PduOf<N>;
}

type Factory = (emptySm: Buffer) => Record<string, unknown>;
const FACTORIES: Partial<Record<CommandName, Factory>> = {};
const EMPTY_SM = Buffer.alloc(0);

/**
 * A function returning a fresh PDU of `command` with every default, written as one object literal:
 * every PDU of a command then shares one hidden class, which keeps the encoder's reads fast.
 */
function compileFactory(command: CommandName): Factory {
  const layout = LAYOUTS[command] as readonly Field[] | undefined;
  if (layout === undefined) throw new TypeError(`unknown command ${JSON.stringify(command)}`);
  const literal = (field: Field): string => {
    const value = emptyValue(field);
    return Buffer.isBuffer(value) ? 'emptySm' : JSON.stringify(value);
  };
  const fields = layout.map((field) => `${JSON.stringify(field.name)}: ${literal(field)}`);
  const body = `return { command: ${JSON.stringify(command)}, command_status: ${CommandStatus.ESME_ROK}, sequence_number: 1, ${fields.join(', ')}${fields.length ? ', ' : ''}tlvs: {} };`;
  return new Function('emptySm', body) as Factory;
}

/**
 * The response to `request`, with its sequence number.
 *
 * @example
 * const resp = createResponse(submit, { message_id: 'abc123' });
 * const refused = createResponse(submit, { command_status: CommandStatus.ESME_RTHROTTLED });
 */
export function createResponse<N extends RequestName>(request: PduOf<N>, init: PduInit<ResponseName<N>> = {}): PduOf<ResponseName<N>> {
  const name = responseNameOf(request.command);
  if (name === undefined) throw new TypeError(`${request.command} has no response`);
  return createPdu(name as ResponseName<N>, { sequence_number: request.sequence_number, ...init } as PduInit<ResponseName<N>>);
}

/** A generic_nack answering a PDU that could not be handled. */
export function createGenericNack(sequenceNumber: number, commandStatus: number): PduOf<'generic_nack'> {
  return createPdu('generic_nack', { sequence_number: sequenceNumber, command_status: commandStatus });
}
