// What a proxy reports through the core's receiveError: Timer C (RFC 3261 §16.8) expiring on a
// forwarded INVITE.

/**
 * Timer C (RFC 3261 §16.6 step 11, §16.8) fired on a branch of a forwarded INVITE: no final
 * response within it. The proxy schedules it on the core process, so it reaches the core's
 * `receiveError` with the branch's client transaction; {@link StatefulProxy.receiveError} takes it
 * (CANCEL when the branch had a provisional response, else a 408 for the branch).
 */
export class ProxyTimerCError extends Error {
  /** A stable error code, `ERR_SIP_PROXY_TIMER_C`, to test for instead of the message. */
  readonly code = 'ERR_SIP_PROXY_TIMER_C';
  /** Builds the error for a branch towards `target` after `after` ms. */
  constructor(
    /** The branch's Request-URI, formatted. */
    readonly target: string,
    /** The Timer C interval that ran out, in ms. */
    readonly after: number,
  ) {
    super(`Timer C (${after} ms) fired on the branch to ${target}`);
    this.name = 'ProxyTimerCError';
  }
}
