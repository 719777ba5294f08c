// How an SMPP outcome becomes the final response to a SIP MESSAGE (documented in docs/gateway.md):
// accepted → 202; the SMSC throttling or full → 503 with Retry-After; a bad destination → 404;
// no bind → 503; no answer in time → 504; a message too long → 513; anything else → 502.
import { BindStateError, CommandStatus, CommandStatusError, MessageTooLongError, ResponseTimeoutError, SessionClosedError, WindowTimeoutError } from '@switchboard/smpp';
import { AddressError } from './addressing.js';

export interface SipAnswer {
  readonly status: number;
  readonly reason?: string;
  readonly headers: [string, string][];
}

const RETRY_AFTER_SECONDS = '5';

const BY_STATUS = new Map<number, SipAnswer>([
  [CommandStatus.ESME_RTHROTTLED, { status: 503, reason: 'Service Unavailable (SMSC throttling)', headers: [['Retry-After', RETRY_AFTER_SECONDS]] }],
  [CommandStatus.ESME_RMSGQFUL, { status: 503, reason: 'Service Unavailable (SMSC queue full)', headers: [['Retry-After', RETRY_AFTER_SECONDS]] }],
  [CommandStatus.ESME_RINVDSTADR, { status: 404, reason: 'Not Found (invalid destination)', headers: [] }],
  [CommandStatus.ESME_RINVDSTTON, { status: 404, reason: 'Not Found (invalid destination TON)', headers: [] }],
  [CommandStatus.ESME_RINVDSTNPI, { status: 404, reason: 'Not Found (invalid destination NPI)', headers: [] }],
  [CommandStatus.ESME_RINVMSGLEN, { status: 513, reason: 'Message Too Large', headers: [] }],
]);

export function sipAnswerFor(error: unknown): SipAnswer {
  if (error instanceof AddressError) return { status: error.status, reason: `${error.status === 484 ? 'Address Incomplete' : 'Not Found'} (${error.message})`, headers: [] };
  if (error instanceof CommandStatusError) return BY_STATUS.get(error.commandStatus) ?? { status: 502, reason: `Bad Gateway (SMSC: ${error.statusName})`, headers: [] };
  if (error instanceof MessageTooLongError) return { status: 513, reason: 'Message Too Large (more than 255 SMS parts)', headers: [] };
  if (error instanceof ResponseTimeoutError || error instanceof WindowTimeoutError) return { status: 504, reason: 'Server Time-out (no answer from the SMSC)', headers: [] };
  if (error instanceof SessionClosedError || error instanceof BindStateError) return { status: 503, reason: 'Service Unavailable (no SMSC bind)', headers: [['Retry-After', RETRY_AFTER_SECONDS]] };
  return { status: 500, reason: 'Server Internal Error', headers: [] };
}
