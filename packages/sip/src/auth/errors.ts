// Errors of digest authentication. Verification never throws for what a peer sends (it returns an
// outcome); these are for a caller's mistakes and for a client with nothing it can answer.

/**
 * An authenticator built with options it cannot work with (a short secret, no algorithm…).
 *
 * @example
 * new DigestAuthenticator({ realm, secret: 'short', lookup }); // throws, code 'ERR_SIP_AUTH_CONFIG', option 'secret'
 */
export class DigestConfigError extends Error {
  /** A stable error code, `ERR_SIP_AUTH_CONFIG`, to test for instead of the message. */
  readonly code = 'ERR_SIP_AUTH_CONFIG';
  /** Builds the error; the option's name is prefixed to `message`. */
  constructor(
    message: string,
    /** The option at fault. */
    readonly option: string,
  ) {
    super(`${option}: ${message}`);
    this.name = 'DigestConfigError';
  }
}

/**
 * A 401 / 407 the client side cannot answer: not a 401 or 407, no challenge header, no Digest
 * challenge with an algorithm and qop this package supports, no challenge for the credentials'
 * realm, or a challenge header that does not parse.
 *
 * @example
 * try { again = digest.authorize(request, response); }
 * catch (error) { if (error instanceof DigestChallengeError) return giveUp(error.status); throw error; }
 */
export class DigestChallengeError extends Error {
  /** A stable error code, `ERR_SIP_AUTH_CHALLENGE`, to test for instead of the message. */
  readonly code = 'ERR_SIP_AUTH_CHALLENGE';
  /** Builds the error; the header, when given, is prefixed to `message`. */
  constructor(
    message: string,
    /** The status of the response that was to be answered. */
    readonly status: number,
    /** The challenge header at fault (`WWW-Authenticate` or `Proxy-Authenticate`), when one is. */
    readonly header?: string,
  ) {
    super(header === undefined ? message : `${header}: ${message}`);
    this.name = 'DigestChallengeError';
  }
}
