// A text for `sendText` and what became of each of its parts: accepted, or refused with a
// `PartialSendError` when only some went out.
import type { PduInit } from './pdu/build.js';
import type { PduOf } from './pdu/types.js';
import type { SplitOptions } from './encoding/split.js';

/**
 * A text for `sendText`, which splits and encodes it: the caller gives addresses and text, not
 * PDU fields (those it wants set go in `fields`).
 */
export interface TextMessage {
  /** The sender's address (source_addr); default empty, for the MC to fill in. */
  readonly source?: string;
  /** The recipient's address (destination_addr of every part). */
  readonly destination: string;
  /** The text, any Unicode: sent in the smallest encoding it fits (GSM 7-bit, else UCS-2; see `split`). */
  readonly text: string;
  /** 1: ask for a delivery receipt. */
  readonly registered_delivery?: number;
  /** Fields copied into every part (ton/npi, service_type, validity…). */
  readonly fields?: PduInit<'submit_sm'>;
  /** How to split and encode: concatenation mode (UDH, SAR or message_payload), reference, encoding. */
  readonly split?: SplitOptions;
}

/** A part of a `sendText` that the MC accepted: its `submit_sm_resp` carries the part's message_id. */
export interface AcceptedPart {
  /** Always true: tells an accepted part from a refused one. */
  readonly ok: true;
  /** The part's place in the message, from 0. */
  readonly index: number;
  /** The MC's submit_sm_resp for the part; its message_id names the part in receipts. */
  readonly response: PduOf<'submit_sm_resp'>;
}

/** A part of a `sendText` that was refused or lost: `CommandStatusError`, `ResponseTimeoutError`, `SessionClosedError`… */
export interface RefusedPart {
  /** Always false: tells a refused part from an accepted one. */
  readonly ok: false;
  /** The part's place in the message, from 0. */
  readonly index: number;
  /** Why the part was not sent: the MC's refusal, a timeout or a lost connection. */
  readonly error: Error;
}

/** What became of one part of a `sendText`. */
export type TextPartOutcome = AcceptedPart | RefusedPart;

/**
 * `sendText` got some parts accepted and others refused or lost: the recipient may get part of the
 * text. Nothing is dropped: every part's outcome is here, in part order.
 */
export class PartialSendError extends Error {
  /** A stable code to test for, whatever the message says. */
  readonly code = 'ERR_SMPP_PARTIAL_SEND';
  /** The accepted parts' message_ids, in part order (their receipts will name them). */
  readonly messageIds: readonly string[];
  /** Why the first part that failed (in part order) failed; also the error's `cause`. */
  readonly firstError: Error;

  /** Made by `sendText` from every part's outcome; the message counts the parts not sent. */
  constructor(
    /** Every part's outcome, in part order. */
    readonly parts: readonly TextPartOutcome[],
  ) {
    const refused = parts.filter((p): p is RefusedPart => !p.ok);
    const firstError = refused[0]?.error ?? new Error('no part failed');
    super(`${refused.length} of ${parts.length} parts not sent (part ${(refused[0]?.index ?? 0) + 1}: ${firstError.message})`, { cause: firstError });
    this.name = 'PartialSendError';
    this.firstError = firstError;
    this.messageIds = parts.filter((p): p is AcceptedPart => p.ok).map((p) => p.response.message_id);
  }
}
