// What ends a transaction without a final response, as the core's `receiveError` receives it.

/** A transaction timer ran out: B or F (no final response), H (no ACK for a non-2xx final), L (64·T1 of 2xx retransmissions and no ACK, §13.3.1.4). */
export class TransactionTimeoutError extends Error {
  readonly code = 'ERR_SIP_TRANSACTION_TIMEOUT';
  constructor(
    readonly timer: 'B' | 'F' | 'H' | 'L',
    readonly method: string,
  ) {
    super(`${method} transaction: Timer ${timer} fired`);
    this.name = 'TransactionTimeoutError';
  }
}

/** The transaction's process ended abnormally (a crash in the stack). */
export class TransactionAbortedError extends Error {
  readonly code = 'ERR_SIP_TRANSACTION_ABORTED';
  constructor(
    readonly method: string,
    readonly reason: unknown,
  ) {
    super(`${method} transaction aborted: ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = 'TransactionAbortedError';
  }
}
