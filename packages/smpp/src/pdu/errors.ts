// Codec errors. Each carries what a session needs to answer: the command id and sequence number
// (when they could be read) and the command_status to reply with.
import { CommandStatus } from './command-status.js';

/** Base class of the SMPP codec's errors. */
export abstract class SmppCodecError extends Error {
  abstract readonly code: string;
}

/**
 * A PDU body that could not be decoded. The frame around it was sound, so the stream goes on:
 * answer with `commandStatus` (in the request's own response, or generic_nack).
 */
export class PduDecodeError extends SmppCodecError {
  readonly code = 'ERR_SMPP_DECODE';
  constructor(
    message: string,
    readonly commandId: number,
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
  readonly code = 'ERR_SMPP_FRAME';
  readonly fatal = true;
  readonly commandStatus = CommandStatus.ESME_RINVCMDLEN;
  constructor(
    message: string,
    readonly commandLength: number,
    /** The command id and sequence number, when the 16-octet header was there to read. */
    readonly commandId?: number,
    readonly sequenceNumber?: number,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

/** A PDU that cannot be encoded as given (a field too long, both short_message and message_payload, …). */
export class PduEncodeError extends SmppCodecError {
  readonly code = 'ERR_SMPP_ENCODE';
  constructor(
    message: string,
    readonly command: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PduEncodeError';
  }
}
