// The JSON bodies the gateway POSTs as webhooks: a delivery receipt of one SMS part, and a
// mobile-originated message. Their field names are the public contract with receivers
// (docs/webhooks.md): add fields, never rename or remove one.
import type { ApiMessage, ApiMessageState, ApiPart } from '../api-store.js';

/** The body of a `receipt` webhook: one part's delivery receipt, and its message's state after it. */
export interface ReceiptWebhookBody {
  /** Always `receipt`. */
  readonly event: 'receipt';
  /** The gateway's id for the message (the submit's answer). */
  readonly messageId: string;
  /** The client's own reference given at submit, or null. */
  readonly clientRef: string | null;
  /** The message's destination number. */
  readonly to: string;
  /** The message's source. */
  readonly from: string;
  /** Which part the receipt is for, from 1. */
  readonly part: number;
  /** How many parts the message has. */
  readonly parts: number;
  /** The part's state after the receipt (`delivered`, `undeliverable`…; `submitted` for an intermediate receipt). */
  readonly state: ApiMessageState;
  /** Whether this receipt made the whole message final (every part final now). */
  readonly final: boolean;
  /** The message's state after the receipt: its final state once every part is final. */
  readonly messageState: ApiMessageState;
  /** The message_id the SMSC gave the part, or null. */
  readonly smscMessageId: string | null;
  /** The receipt's error code (its `err:` field or network_error_code), or null. */
  readonly error: string | null;
  /** When the receipt came, ISO 8601 UTC (`2024-05-01T12:00:00.000Z`). */
  readonly at: string;
}

/** The body of an `mo` webhook: a text a mobile sent to one of the gateway's numbers. */
export interface MoWebhookBody {
  /** Always `mo`. */
  readonly event: 'mo';
  /** The mobile's number. */
  readonly from: string;
  /** The number it was sent to. */
  readonly to: string;
  /** The text, decoded. */
  readonly text: string;
  /** When the gateway received it, ISO 8601 UTC. */
  readonly at: string;
  /** The connector (SMSC account) it came in on. */
  readonly connector: string;
}

/** What {@link receiptWebhookBody} reads: the argument `ApiStore.recordReceipt` gives its `webhook` callback. */
export interface ReceiptWebhookSource {
  /** The message after the receipt. */
  readonly message: ApiMessage;
  /** The part the receipt was for. */
  readonly part: ApiPart;
  /** Whether the receipt made the message final. */
  readonly final: boolean;
}

/** What {@link moWebhookBody} reads. */
export interface MoWebhookSource {
  /** The mobile's number (the deliver_sm's source_addr). */
  readonly from: string;
  /** The number it was sent to (the deliver_sm's destination_addr). */
  readonly to: string;
  /** The decoded text. */
  readonly text: string;
  /** The connector it came in on. */
  readonly connector: string;
  /** When it came (ms since the epoch, the gateway's clock). */
  readonly at: number;
}

/**
 * The body of the receipt webhook for one part, from what `ApiStore.recordReceipt` gives its
 * `webhook` callback. `at` is the part's receipt time (the message's last change if it has none).
 *
 * @example
 * store.api.recordReceipt(receipt, (result) => ({ url, event: 'receipt', body: JSON.stringify(receiptWebhookBody(result)), … }));
 */
export function receiptWebhookBody(source: ReceiptWebhookSource): ReceiptWebhookBody {
  const { message, part, final } = source;
  return {
    event: 'receipt',
    messageId: message.id,
    clientRef: message.clientRef,
    to: message.to,
    from: message.from,
    part: part.part,
    parts: message.parts.length,
    state: part.state,
    final,
    messageState: message.state,
    smscMessageId: part.smscMessageId,
    error: part.receiptError,
    at: isoTime(part.receiptAt ?? message.updatedAt),
  };
}

/**
 * The body of the webhook for a mobile-originated message.
 *
 * @example
 * const body = JSON.stringify(moWebhookBody({ from: '447700900001', to: '44800', text: 'STOP', connector: 'smsc-a', at: now() }));
 */
export function moWebhookBody(source: MoWebhookSource): MoWebhookBody {
  return { event: 'mo', from: source.from, to: source.to, text: source.text, at: isoTime(source.at), connector: source.connector };
}

/** An ISO time for a stored time; a time Date cannot hold (not finite) becomes the epoch rather than throwing. */
function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}
