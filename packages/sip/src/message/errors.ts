// Errors of the SIP message layer. Each names what a server should answer (RFC 3261 §21).

/** A message (or one of its headers) that cannot be read. */
export class SipParseError extends Error {
  /** A stable error code, `ERR_SIP_PARSE`, to test for instead of the message. */
  readonly code = 'ERR_SIP_PARSE';
  /**
   * Builds the error; `message` says what is wrong, and the header (when given) is prefixed to it.
   */
  constructor(
    message: string,
    /** The status a server answers a request with: 400, 505 (version), 413 (too large)… */
    readonly status: number = 400,
    /** The header at fault, in canonical form, if one is. */
    readonly header?: string,
    /** Octet offset in the message where the fault was found, when known. */
    readonly position?: number,
  ) {
    super(header === undefined ? message : `${header}: ${message}`);
    this.name = 'SipParseError';
  }

  /** A reason phrase for the answer: "Bad Request (Via: …)". */
  get reasonPhrase(): string {
    const base = this.status === 505 ? 'Version Not Supported' : this.status === 413 ? 'Request Entity Too Large' : this.status === 414 ? 'Request-URI Too Long' : 'Bad Request';
    return `${base} (${this.message.replace(/[\r\n]/g, ' ').slice(0, 120)})`;
  }
}

/** A message that parses but breaks a rule the transaction layer or a core relies on. */
export class SipValidationError extends Error {
  /** A stable error code, `ERR_SIP_INVALID`, to test for instead of the message. */
  readonly code = 'ERR_SIP_INVALID';
  /** Builds the error; `message` says which rule the message breaks. */
  constructor(
    message: string,
    /** The status a server answers with (400, 416, 420…). */
    readonly status: number,
    /** The header at fault, in canonical form, if one is. */
    readonly header?: string,
  ) {
    super(message);
    this.name = 'SipValidationError';
  }
}
