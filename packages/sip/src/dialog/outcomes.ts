// What a DialogTable tells a core about a request or response it was given: one shape per case,
// each naming what the core does next.
import type { SipRequest, SipResponse } from '../message/message.js';
import type { Dialog } from './dialog.js';
import type { DialogLimitError } from './errors.js';

/** A request with no To tag: not within a dialog (a new INVITE, an OPTIONS, a CANCEL…). */
export interface OutsideDialog {
  /** Always `outside`. */
  readonly outcome: 'outside';
}

/**
 * A request within `dialog` that passed the CSeq check (RFC 3261 §12.2.2): the remote sequence
 * number and, for a target refresh, the remote target are updated; a BYE has ended the dialog
 * (§15.1.2); an ACK is not answered.
 */
export interface InDialog {
  /** Always `dialog`. */
  readonly outcome: 'dialog';
  /** The dialog it belongs to. */
  readonly dialog: Dialog;
}

/** A request with a To tag that matches no dialog (RFC 3261 §12.2.2). */
export interface NoDialog {
  /** Always `no-dialog`. */
  readonly outcome: 'no-dialog';
  /** The answer to send: 481 ({@link noDialogResponse}); null for an ACK, which is never answered. */
  readonly response: SipResponse | null;
}

/** A request whose CSeq is lower than the dialog's remote sequence number (RFC 3261 §12.2.2). */
export interface OutOfOrder {
  /** Always `out-of-order`. */
  readonly outcome: 'out-of-order';
  /** The dialog it claims to belong to (unchanged). */
  readonly dialog: Dialog;
  /** The answer to send: 500 ({@link outOfOrderResponse}); null for an ACK. */
  readonly response: SipResponse | null;
}

/**
 * Where a received request stands with respect to dialogs ({@link DialogTable.receiveRequest});
 * switch on `outcome`.
 */
export type DialogRequestMatch = OutsideDialog | InDialog | NoDialog | OutOfOrder;

/**
 * A response that does nothing to dialogs: a 100, no To tag, an answer to a request outside any
 * dialog, a late provisional from another fork once the call is answered.
 */
export interface NoDialogChange {
  /** Always `none`. */
  readonly outcome: 'none';
}

/**
 * A provisional response with a To tag created (or updated) an early dialog: one per To tag when a
 * proxy forks (RFC 3261 §12.1.2).
 */
export interface EarlyDialog {
  /** Always `early`. */
  readonly outcome: 'early';
  /** The early dialog of this To tag. */
  readonly dialog: Dialog;
}

/**
 * A 2xx to an INVITE: send `ack` (RFC 3261 §13.2.2.4), again for every retransmission (RFC 6026
 * §8.4), towards the dialog's `nextHop`.
 */
export interface AckToSend {
  /** Always `ack`. */
  readonly outcome: 'ack';
  /** The confirmed dialog. */
  readonly dialog: Dialog;
  /** The ACK, ready for `stack.sendRequest` (no Via). */
  readonly ack: SipRequest;
  /** True when this 2xx was ACKed before (a retransmission). */
  readonly retransmission: boolean;
  /**
   * True when another dialog of the call was confirmed before: a second fork answered. Keep it, or
   * end it with a BYE once ACKed (§13.2.2.4).
   */
  readonly forked: boolean;
  /** The other early dialogs of the call that this 2xx ended. */
  readonly ended: readonly Dialog[];
}

/**
 * A response within `dialog` that keeps it: a 2xx to a target refresh replaced the remote target
 * (RFC 3261 §12.2.1.2); anything else changed nothing.
 */
export interface DialogUpdated {
  /** Always `updated`. */
  readonly outcome: 'updated';
  /** The dialog the response belongs to. */
  readonly dialog: Dialog;
}

/**
 * Dialogs ended: the early dialogs of an INVITE answered with a non-2xx final (RFC 3261 §12.3), a
 * dialog whose request got 481 or 408 (§12.2.1.2), a dialog whose BYE was answered.
 */
export interface DialogsTerminated {
  /** Always `terminated`. */
  readonly outcome: 'terminated';
  /** The dialogs ended (possibly none). */
  readonly dialogs: readonly Dialog[];
}

/**
 * The table is full: no dialog was kept. For a 2xx, send `ack` and then `bye` to end the call at the
 * peer (RFC 3261 §13.2.2.4).
 */
export interface DialogRefused {
  /** Always `refused`. */
  readonly outcome: 'refused';
  /** Why: the table's limit. */
  readonly error: DialogLimitError;
  /** The ACK for the 2xx; null for a provisional response. */
  readonly ack: SipRequest | null;
  /** The BYE that ends the unwanted dialog; null for a provisional response. */
  readonly bye: SipRequest | null;
}

/**
 * What a received response did to dialogs ({@link DialogTable.receiveResponse}); switch on
 * `outcome`.
 */
export type DialogResponseOutcome = NoDialogChange | EarlyDialog | AckToSend | DialogUpdated | DialogsTerminated | DialogRefused;
