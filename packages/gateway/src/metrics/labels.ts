// The label values the gateway's metrics take, each from a closed set, so no label can grow with
// traffic (phone numbers and message ids never become labels); and the mapping of an SMPP
// command_status to its name (SMPP v3.4 §5.1.3, v5.0 §4.7.6) with one fallback for the rest.
import { COMMAND_STATUSES, describeStatus, type CommandStatusName, type MessageStateName } from '@switchboard/smpp';

/** Where a message came in: a SIP MESSAGE (RFC 3428) or the HTTP API. */
export type MessageChannel = 'sip' | 'http';

/** Every {@link MessageChannel}, in the order the metrics list them. */
export const MESSAGE_CHANNELS: readonly MessageChannel[] = ['sip', 'http'];

/**
 * How a message that came in was answered:
 * - `accepted`: the SMSC accepted every part (SIP 202, HTTP accepted);
 * - `queued`: stored while no bind was up, to be submitted when one comes back (SIP 202);
 * - `refused`: the SMSC refused a part (a command_status other than ESME_ROK);
 * - `invalid`: refused before any submit (bad address, too long, wrong body or field);
 * - `throttled`: refused for a rate limit (HTTP 429) before any submit;
 * - `unavailable`: the store or the gateway could not take it (503 with Retry-After);
 * - `timeout`: no submit_sm_resp in time (SIP 504; not resubmitted).
 */
export type MessageOutcome = 'accepted' | 'queued' | 'refused' | 'invalid' | 'throttled' | 'unavailable' | 'timeout';

/** Every {@link MessageOutcome}. */
export const MESSAGE_OUTCOMES: readonly MessageOutcome[] = ['accepted', 'queued', 'refused', 'invalid', 'throttled', 'unavailable', 'timeout'];

/**
 * The `command_status` label of a submit_sm: a standard status name (`ESME_ROK`,
 * `ESME_RTHROTTLED`…), `no_response` for a submit_sm whose response never came (its timer expired or
 * the connection was lost with it in flight), or `other` for a vendor-specific or unknown value.
 */
export type SubmitStatusLabel = CommandStatusName | 'no_response' | 'other';

/** What a submit_sm ended with: a command_status (its value or its name), or no response at all. */
export type SubmitStatus = number | CommandStatusName | 'no_response';

/** The fallback label of a command_status that is not a standard one (0x400–0x4FF vendor codes included). */
export const OTHER_STATUS = 'other';

/**
 * The `command_status` label for a submit_sm's outcome: a standard name stays as it is, a value is
 * named through @switchboard/smpp's table, anything else is `other`, so the label set stays within
 * the 70-odd standard names plus two.
 *
 * @example
 * commandStatusLabel(0x58); // 'ESME_RTHROTTLED'
 * commandStatusLabel(0x401); // 'other'
 */
export function commandStatusLabel(status: SubmitStatus): SubmitStatusLabel {
  if (status === 'no_response') return status;
  const name = typeof status === 'number' ? describeStatus(status).name : status;
  return Object.hasOwn(COMMAND_STATUSES, name) ? (name as CommandStatusName) : OTHER_STATUS;
}

/** What a deliver_sm carried: a mobile-originated text, or a delivery receipt (esm_class 0x04). */
export type DeliverKind = 'mo' | 'receipt';

/** Every {@link DeliverKind}. */
export const DELIVER_KINDS: readonly DeliverKind[] = ['mo', 'receipt'];

/** A receipt's state label: the message_state name of SMPP v3.4 §5.2.28 (`DELIVERED`, `UNDELIVERABLE`…). */
export type ReceiptState = MessageStateName;

/** What a webhook POST was about: a delivery receipt, or a mobile-originated message. */
export type WebhookEvent = 'receipt' | 'mo';

/** Every {@link WebhookEvent}. */
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['receipt', 'mo'];

/**
 * How one webhook delivery went:
 * - `delivered`: the receiver answered 2xx;
 * - `http_error`: it answered another status (the POST will be retried);
 * - `network_error`: no answer (refused, reset, DNS) (retried);
 * - `timeout`: no answer in time (retried);
 * - `gave_up`: the retries ran out of time; the delivery is abandoned (counted once, not an attempt).
 */
export type WebhookOutcome = 'delivered' | 'http_error' | 'network_error' | 'timeout' | 'gave_up';

/** Every {@link WebhookOutcome}. */
export const WEBHOOK_OUTCOMES: readonly WebhookOutcome[] = ['delivered', 'http_error', 'network_error', 'timeout', 'gave_up'];

/** The outcome of one webhook POST (every {@link WebhookOutcome} but `gave_up`). */
export type WebhookAttemptOutcome = Exclude<WebhookOutcome, 'gave_up'>;

/** The kind of a live SIP transaction (RFC 3261 §17): one answering a request, or one sending it. */
export type TransactionKind = 'server' | 'client';
