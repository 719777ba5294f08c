// Errors of the dialog layer: a table past its limit, and a request a dialog cannot build in its
// state. What a peer sends never throws here; it is matched, answered or dropped.

/**
 * A new dialog was refused: the {@link DialogTable} holds `limit` dialogs already. A UAS core
 * answers the request that would have created it `503 Service Unavailable` (RFC 3261 §21.5.4),
 * with {@link dialogLimitResponse}.
 *
 * @example
 * try { dialog = dialogs.createUas(request, { contact }); }
 * catch (error) { if (error instanceof DialogLimitError) return transaction.respond(dialogLimitResponse(request)); throw error; }
 */
export class DialogLimitError extends Error {
  /** A stable error code, `ERR_SIP_DIALOG_LIMIT`, to test for instead of the message. */
  readonly code = 'ERR_SIP_DIALOG_LIMIT';
  /** Builds the error for a table holding `limit` dialogs. */
  constructor(
    /** The table's `maxDialogs`. */
    readonly limit: number,
    /** The Call-ID of the dialog refused. */
    readonly callId: string,
  ) {
    super(`the dialog table is full (${limit} dialogs): dialog of call ${callId} refused`);
    this.name = 'DialogLimitError';
  }
}

/**
 * A dialog was asked for something its state forbids: a request in a terminated dialog, an ACK
 * with no INVITE to acknowledge, a message missing what a dialog is made of (Call-ID, tags).
 *
 * @example
 * dialog.createRequest('BYE'); dialog.createRequest('INFO'); // throws, code 'ERR_SIP_DIALOG_STATE': the BYE ended it
 */
export class DialogStateError extends Error {
  /** A stable error code, `ERR_SIP_DIALOG_STATE`, to test for instead of the message. */
  readonly code = 'ERR_SIP_DIALOG_STATE';
  /** Builds the error; `header`, when given, is prefixed to `message`. */
  constructor(
    message: string,
    /** The header at fault (`To`, `Call-ID`, `CSeq`…), when one is. */
    readonly header?: string,
  ) {
    super(header === undefined ? message : `${header}: ${message}`);
    this.name = 'DialogStateError';
  }
}
