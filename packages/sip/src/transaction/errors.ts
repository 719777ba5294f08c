// What ends a transaction without a final response, as the core's `receiveError` receives it.

/** A transaction timer ran out: B or F (no final response), H (no ACK for a non-2xx final), L (64·T1 of 2xx retransmissions and no ACK, §13.3.1.4). */
export class TransactionTimeoutError extends Error {
  /** A stable error code, `ERR_SIP_TRANSACTION_TIMEOUT`, to test for instead of the message. */
  readonly code = 'ERR_SIP_TRANSACTION_TIMEOUT';
  /** Builds the error for the timer that fired in a transaction of `method`. */
  constructor(
    /** The timer that fired: B or F (no final response), H or L (no ACK). */
    readonly timer: 'B' | 'F' | 'H' | 'L',
    /** The method of the transaction's request. */
    readonly method: string,
  ) {
    super(`${method} transaction: Timer ${timer} fired`);
    this.name = 'TransactionTimeoutError';
  }
}

/** The transaction's process ended abnormally (a crash in the stack). */
export class TransactionAbortedError extends Error {
  /** A stable error code, `ERR_SIP_TRANSACTION_ABORTED`, to test for instead of the message. */
  readonly code = 'ERR_SIP_TRANSACTION_ABORTED';
  /** Builds the error from the transaction's method and its process's exit reason. */
  constructor(
    /** The method of the transaction's request. */
    readonly method: string,
    /** The exit reason of the transaction's process (usually the error it crashed with). */
    readonly reason: unknown,
  ) {
    super(`${method} transaction aborted: ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = 'TransactionAbortedError';
  }
}
