// How an SMPP outcome becomes the final response to a SIP MESSAGE (documented in docs/gateway.md):
// accepted → 202; the SMSC throttling or full → 503 with Retry-After; a bad destination → 404;
// no bind → 503; no answer in time → 504; a message too long → 513; anything else → 502.
import { BindStateError, CommandStatus, CommandStatusError, MessageTooLongError, ResponseTimeoutError, SessionClosedError, WindowTimeoutError } from '@switchboard/smpp';
import { AddressError } from './addressing.js';

/**
 * The final response a SIP MESSAGE gets for an SMPP outcome: a status, a reason phrase and any
 * headers it needs.
 */
export interface SipAnswer {
  /** The SIP status code. */
  readonly status: number;
  /** The reason phrase, naming the SMPP cause; the standard phrase when absent. */
  readonly reason?: string;
  /** Headers to add, such as Retry-After with a 503. */
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

/**
 * Maps why a MESSAGE could not be handed to the SMSC to the SIP answer (see docs/gateway.md):
 * throttling or a full queue → 503 with Retry-After, a bad destination → 404 or 484, no answer in
 * time → 504, too long → 513, no bind → 503, another SMSC status → 502, and anything unexpected →
 * 500.
 *
 * @example
 * ```ts
 * const { status, reason, headers } = sipAnswerFor(error);
 * transaction.respond(createResponse(request, status, { reason, headers }));
 * ```
 */
export function sipAnswerFor(error: unknown): SipAnswer {
  if (error instanceof AddressError) return { status: error.status, reason: `${error.status === 484 ? 'Address Incomplete' : 'Not Found'} (${error.message})`, headers: [] };
  if (error instanceof CommandStatusError) return BY_STATUS.get(error.commandStatus) ?? { status: 502, reason: `Bad Gateway (SMSC: ${error.statusName})`, headers: [] };
  if (error instanceof MessageTooLongError) return { status: 513, reason: 'Message Too Large (more than 255 SMS parts)', headers: [] };
  if (error instanceof ResponseTimeoutError || error instanceof WindowTimeoutError) return { status: 504, reason: 'Server Time-out (no answer from the SMSC)', headers: [] };
  if (error instanceof SessionClosedError || error instanceof BindStateError) return { status: 503, reason: 'Service Unavailable (no SMSC bind)', headers: [['Retry-After', RETRY_AFTER_SECONDS]] };
  return { status: 500, reason: 'Server Internal Error', headers: [] };
}
