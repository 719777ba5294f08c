// Errors of the transport layer.
import { formatDestination, type Destination } from './endpoint.js';

/** A message could not be sent: no listener for the transport, a refused connection, a socket error. */
export class SipTransportError extends Error {
  /** A stable error code, `ERR_SIP_TRANSPORT`, to test for instead of the message. */
  readonly code = 'ERR_SIP_TRANSPORT';
  /** Builds the error; the destination, when given, is appended to `message`. */
  constructor(
    message: string,
    /** Where the message was to go, when known. */
    readonly destination?: Destination,
    /** The underlying error (a socket's, a DNS failure…), when there is one. */
    override readonly cause?: unknown,
  ) {
    super(destination === undefined ? message : `${message} (${formatDestination(destination)})`);
    this.name = 'SipTransportError';
  }
}
