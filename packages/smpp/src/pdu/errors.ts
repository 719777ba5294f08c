// Codec errors. Each carries what a session needs to answer: the command id and sequence number
// (when they could be read) and the command_status to reply with.
import { CommandStatus } from './command-status.js';

/** Base class of the SMPP codec's errors. */
export abstract class SmppCodecError extends Error {
  /** A stable code naming the error (`ERR_SMPP_…`): match on it rather than on the message. */
  abstract readonly code: string;
}

/**
 * A PDU body that could not be decoded. The frame around it was sound, so the stream goes on:
 * answer with `commandStatus` (in the request's own response, or generic_nack).
 */
export class PduDecodeError extends SmppCodecError {
  /** Always `'ERR_SMPP_DECODE'`. */
  readonly code = 'ERR_SMPP_DECODE';
  /** Made by the decoder; exported for `instanceof` checks and tests. */
  constructor(
    message: string,
    /** The header's command_id, to pick the response (0 when the header was too short to read). */
    readonly commandId: number,
    /** The header's sequence_number, to answer with (0 when it could not be read). */
    readonly sequenceNumber: number,
    /** The status to answer with, e.g. ESME_RINVCMDID, ESME_RINVMSGLEN, ESME_RINVTLVSTREAM. */
    readonly commandStatus: number,
    /** The field or TLV that was wrong, if one was. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PduDecodeError';
  }
}

/**
 * A frame whose command_length is impossible (below 16 or above the maximum): the stream cannot
 * be resynchronised, so the connection must be answered with generic_nack and closed.
 */
export class FrameError extends SmppCodecError {
  /** Always `'ERR_SMPP_FRAME'`. */
  readonly code = 'ERR_SMPP_FRAME';
  /** Always true: the connection cannot go on after a framing error. */
  readonly fatal = true;
  /** The status of the generic_nack to send before closing: always ESME_RINVCMDLEN. */
  readonly commandStatus = CommandStatus.ESME_RINVCMDLEN;
  /** Made by the framer; exported for `instanceof` checks and tests. */
  constructor(
    message: string,
    /** The impossible command_length that was read. */
    readonly commandLength: number,
    /** The command id and sequence number, when the 16-octet header was there to read. */
    readonly commandId?: number,
    /** The header's sequence_number, when the 16-octet header was there to read. */
    readonly sequenceNumber?: number,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

/** A PDU that cannot be encoded as given (a field too long, both short_message and message_payload, …). */
export class PduEncodeError extends SmppCodecError {
  /** Always `'ERR_SMPP_ENCODE'`. */
  readonly code = 'ERR_SMPP_ENCODE';
  /** Made by the encoder; exported for `instanceof` checks and tests. */
  constructor(
    message: string,
    /** The command of the PDU that could not be encoded. */
    readonly command: string,
    /** The field or TLV at fault, if one was. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PduEncodeError';
  }
}
