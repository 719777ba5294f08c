// Errors of the transport layer.
import { formatDestination, type Destination } from './endpoint.js';

/** A message could not be sent: no listener for the transport, a refused connection, a socket error. */
export class SipTransportError extends Error {
  readonly code = 'ERR_SIP_TRANSPORT';
  constructor(
    message: string,
    readonly destination?: Destination,
    override readonly cause?: unknown,
  ) {
    super(destination === undefined ? message : `${message} (${formatDestination(destination)})`);
    this.name = 'SipTransportError';
  }
}
