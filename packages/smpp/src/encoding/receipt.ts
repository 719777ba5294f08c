// Delivery receipts (SMPP v3.4 Appendix B): the text format MCs put in short_message, parsed
// tolerantly (vendors vary in case, separators, date lengths and field order), and the receipt
// TLVs (receipted_message_id, message_state, network_error_code).
import type { NetworkErrorCode } from '../pdu/tlv-registry.js';

/** message_state values (v3.4 §5.2.28, v5.0 adds SKIPPED) and their receipt `stat` words. */
export const MessageState = {
  SCHEDULED: 0,
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
  SKIPPED: 9,
} as const;
/** The name of a message_state, e.g. `'DELIVERED'`: a key of {@link MessageState}. */
export type MessageStateName = keyof typeof MessageState;

const STAT_WORDS: Record<string, MessageStateName> = {
  DELIVRD: 'DELIVERED',
  DELIVERED: 'DELIVERED',
  EXPIRED: 'EXPIRED',
  DELETED: 'DELETED',
  UNDELIV: 'UNDELIVERABLE',
  UNDELIVERABLE: 'UNDELIVERABLE',
  ACCEPTD: 'ACCEPTED',
  ACCEPTED: 'ACCEPTED',
  UNKNOWN: 'UNKNOWN',
  REJECTD: 'REJECTED',
  REJECTED: 'REJECTED',
  ENROUTE: 'ENROUTE',
  SKIPPED: 'SKIPPED',
  SCHEDULED: 'SCHEDULED',
};

const STAT_OF: Record<MessageStateName, string> = {
  SCHEDULED: 'SCHEDULED',
  ENROUTE: 'ENROUTE',
  DELIVERED: 'DELIVRD',
  EXPIRED: 'EXPIRED',
  DELETED: 'DELETED',
  UNDELIVERABLE: 'UNDELIV',
  ACCEPTED: 'ACCEPTD',
  UNKNOWN: 'UNKNOWN',
  REJECTED: 'REJECTD',
  SKIPPED: 'SKIPPED',
};

/**
 * A delivery receipt read from deliver_sm text (v3.4 Appendix B): the fields MCs send, each
 * present only when the text had it in a readable form.
 */
export interface DeliveryReceipt {
  /** The message id the MC gave in submit_sm_resp. */
  readonly id: string;
  /** `sub`: how many messages were originally submitted (usually 1). */
  readonly submitted?: number;
  /** `dlvrd`: how many of them were delivered. */
  readonly delivered?: number;
  /** As UTC dates; the receipt has no zone, so read them as the MC's local time in UTC fields. */
  readonly submitDate?: Date;
  /** `done date`: when the message reached its final state, read as `submitDate` is. */
  readonly doneDate?: Date;
  /** The final state, normalised from the `stat` word. */
  readonly state?: MessageStateName;
  /** The `stat` word as sent. */
  readonly stat?: string;
  /** `err`: the network or MC error code, as sent (often three digits; vendor-specific). */
  readonly err?: string;
  /** `text`: the first characters of the original message (20 by Appendix B), as sent. */
  readonly text?: string;
  /** Fields the parser did not know, by lower-case name. */
  readonly extra: Readonly<Record<string, string>>;
}

// Keys: words (with spaces or underscores, as in "submit date") followed by a colon. One regular
// expression for every call: `parseReceipt` resets its lastIndex and never yields mid-scan.
const RECEIPT_KEY = /(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text|[a-z_]+)\s*:\s*/gi;
const KEY_SEPARATORS = /[ _]/g;
const SPACE = /\s/;
const DIGITS = /^\d+$/;

/** The fields of one receipt text by key, the last of a repeated key winning (as sent, trimmed but `text`). */
interface ReceiptFields {
  id?: string;
  sub?: string;
  dlvrd?: string;
  submitdate?: string;
  donedate?: string;
  stat?: string;
  err?: string;
  text?: string;
  /** Unknown keys, in the order each first appeared. */
  readonly extra: Record<string, string>;
}

function setField(fields: ReceiptFields, key: string, raw: string): void {
  switch (key) {
    case 'id':
    case 'sub':
    case 'dlvrd':
    case 'submitdate':
    case 'donedate':
    case 'stat':
    case 'err':
      fields[key] = raw.trim();
      return;
    case 'text':
      fields.text = raw;
      return;
    default:
      fields.extra[key] = raw.trim();
  }
}

function count(value: string | undefined): number | undefined {
  return value !== undefined && DIGITS.test(value) ? Number(value) : undefined;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Parses receipt text; undefined when it does not look like a receipt (no id). */
export function parseReceipt(text: string): DeliveryReceipt | undefined {
  // One pass over the keys: each key's value runs to the next key (or the end; `text` always
  // runs to the end). A key counts only at the start or after white space.
  const fields: ReceiptFields = { extra: {} };
  let key = '';
  let valueStart = -1;
  RECEIPT_KEY.lastIndex = 0;
  for (let match = RECEIPT_KEY.exec(text); match !== null; match = RECEIPT_KEY.exec(text)) {
    if (match.index > 0 && !SPACE.test(text[match.index - 1]!)) continue;
    if (valueStart >= 0) setField(fields, key, text.slice(valueStart, match.index));
    const word = match[1]!.toLowerCase();
    key = word.replace(KEY_SEPARATORS, '');
    valueStart = match.index + match[0].length;
    if (word === 'text') break;
  }
  if (valueStart >= 0) setField(fields, key, text.slice(valueStart));
  const id = fields.id;
  if (id === undefined || id === '') return undefined;
  // built in the order of the type's fields, `extra` last
  const receipt = { id } as Writable<DeliveryReceipt>;
  const submitted = count(fields.sub);
  if (submitted !== undefined) receipt.submitted = submitted;
  const delivered = count(fields.dlvrd);
  if (delivered !== undefined) receipt.delivered = delivered;
  const submitDate = parseReceiptDate(fields.submitdate);
  if (submitDate !== undefined) receipt.submitDate = submitDate;
  const doneDate = parseReceiptDate(fields.donedate);
  if (doneDate !== undefined) receipt.doneDate = doneDate;
  const stat = fields.stat;
  if (stat !== undefined) {
    receipt.stat = stat;
    const state = STAT_WORDS[stat.toUpperCase()];
    if (state !== undefined) receipt.state = state;
  }
  if (fields.err !== undefined) receipt.err = fields.err;
  if (fields.text !== undefined) receipt.text = fields.text;
  receipt.extra = fields.extra;
  return receipt;
}

/** YYMMDDhhmm or YYMMDDhhmmss (UTC fields); undefined for anything else. */
export function parseReceiptDate(value: string | undefined): Date | undefined {
  if (value === undefined || !/^\d{10}(\d{2})?$/.test(value)) return undefined;
  const n = (from: number): number => Number(value.slice(from, from + 2));
  const date = new Date(Date.UTC(2000 + n(0), n(2) - 1, n(4), n(6), n(8), value.length === 12 ? n(10) : 0));
  return Number.isNaN(date.getTime()) || date.getUTCMonth() !== n(2) - 1 ? undefined : date;
}

function formatDate(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}`;
}

/** What `formatReceipt` writes: the fields of a receipt an MC (or the simulator) sends. */
export interface ReceiptInit {
  /** The message id given in submit_sm_resp. */
  readonly id: string;
  /** The final state; written as its `stat` word (`DELIVRD`, `UNDELIV`, …). */
  readonly state: MessageStateName;
  /** When the message was submitted; written as YYMMDDhhmm from the UTC fields. */
  readonly submitDate: Date;
  /** When it reached its final state; written as `submitDate` is. */
  readonly doneDate: Date;
  /** `sub` (default 1). */
  readonly submitted?: number;
  /** `dlvrd` (default 1 when delivered, else 0). */
  readonly delivered?: number;
  /** Network error code, three digits (default '000'). */
  readonly err?: string;
  /** The first 20 characters of the original message. */
  readonly text?: string;
}

/** Formats receipt text as Appendix B shows it. */
export function formatReceipt(receipt: ReceiptInit): string {
  const three = (n: number): string => String(n).padStart(3, '0');
  const delivered = receipt.delivered ?? (receipt.state === 'DELIVERED' ? 1 : 0);
  return (
    `id:${receipt.id} sub:${three(receipt.submitted ?? 1)} dlvrd:${three(delivered)} ` +
    `submit date:${formatDate(receipt.submitDate)} done date:${formatDate(receipt.doneDate)} ` +
    `stat:${STAT_OF[receipt.state]} err:${receipt.err ?? '000'} text:${(receipt.text ?? '').slice(0, 20)}`
  );
}

/** The receipt TLVs of a deliver_sm, read together: what an ESME needs to match and record. */
export function receiptTlvs(tlvs: { receipted_message_id?: string; message_state?: number; network_error_code?: NetworkErrorCode }): {
  /** receipted_message_id: the MC's id of the original message. */
  id?: string;
  /** message_state, by name; absent for a value outside {@link MessageState}. */
  state?: MessageStateName;
  /** network_error_code, when the network reported one. */
  networkError?: NetworkErrorCode;
} {
  const state = (Object.entries(MessageState) as [MessageStateName, number][]).find(([, v]) => v === tlvs.message_state)?.[0];
  return {
    ...(tlvs.receipted_message_id !== undefined ? { id: tlvs.receipted_message_id } : {}),
    ...(state !== undefined ? { state } : {}),
    ...(tlvs.network_error_code !== undefined ? { networkError: tlvs.network_error_code } : {}),
  };
}
