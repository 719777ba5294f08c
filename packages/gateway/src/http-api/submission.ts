// One message submitted over HTTP, from a checked body to the backend and back: the checks the
// schema cannot make (the URL parses, the text fits in the parts allowed), the idempotency rules,
// and the answer's body. `POST /v1/messages` and each item of a batch go through it alike.
import { randomUUID } from 'node:crypto';
import type { ApiKey, ApiMessage, ApiMessageState } from '../api-store.js';
import type { ApiBackend } from './backend.js';
import { ApiHttpError, ApiInputError } from './errors.js';
import { PerNameQueue, requestHash } from './idempotency.js';

/** A submission as the schema let it through. */
export interface Submission {
  /** The destination number. */
  readonly to: string;
  /** The source number or alphanumeric sender. */
  readonly from: string;
  /** The text. */
  readonly text: string;
  /** Where its receipts go (else the key's callback URL). */
  readonly callbackUrl?: string;
  /** The client's reference. */
  readonly clientRef?: string;
}

/** What a submit answers: the message's id, state and parts. */
export interface SubmittedMessage {
  /** The message's id (a UUID). */
  readonly id: string;
  /** `accepted` for a new message; the current state for a replay. */
  readonly state: ApiMessageState;
  /** How many SMS parts it makes. */
  readonly parts: number;
  /** The destination as given. */
  readonly to: string;
  /** The source as given. */
  readonly from: string;
  /** The client's reference, or null. */
  readonly clientRef: string | null;
  /** When it was taken (ms). */
  readonly createdAt: number;
}

/** The outcome of one submit: 202 for a new message, 200 for the message an idempotent retry names. */
export interface SubmitOutcome {
  /** 202: stored now; 200: an Idempotency-Key replay (nothing new stored). */
  readonly status: 200 | 202;
  /** The answer's body. */
  readonly body: SubmittedMessage;
}

/** Submits one message for `key`; throws ApiInputError (bad input), ApiHttpError 409 (idempotency conflict), StoreError. */
export async function submitMessage(backend: ApiBackend, queue: PerNameQueue, key: ApiKey, submission: Submission, idempotencyKey: string | null): Promise<SubmitOutcome> {
  if (submission.callbackUrl !== undefined && !isHttpUrl(submission.callbackUrl)) throw new ApiInputError('invalid_field', 'callbackUrl', 'callbackUrl is not an http(s) URL');
  const parts = backend.partsOf(submission.text);
  // only a request with an Idempotency-Key is ever compared with another: the hash costs the rest nothing
  const hash = idempotencyKey === null ? null : requestHash(submission);
  const accept = async (): Promise<SubmitOutcome> => {
    const createdAt = backend.now();
    const id = randomUUID();
    const created = await backend.accept({
      id,
      keyId: key.id,
      clientRef: submission.clientRef ?? null,
      to: submission.to,
      from: submission.from,
      text: submission.text,
      callbackUrl: submission.callbackUrl ?? key.callbackUrl,
      parts,
      createdAt,
      idempotencyKey,
      requestHash: hash,
    });
    if (created.kind === 'created') return { status: 202, body: { id, state: 'accepted', parts, to: submission.to, from: submission.from, clientRef: submission.clientRef ?? null, createdAt } };
    if (created.message.requestHash !== hash) {
      throw new ApiHttpError(409, 'idempotency_conflict', 'this Idempotency-Key was used with another request body', 'Idempotency-Key');
    }
    return { status: 200, body: submittedOf(created.message) };
  };
  // one submit at a time per (API key, Idempotency-Key) on this node: a concurrent retry waits and then finds the first message
  return idempotencyKey === null ? accept() : queue.run(`${key.id}\n${idempotencyKey}`, accept);
}

/** The submit answer for a stored message. */
export function submittedOf(message: ApiMessage): SubmittedMessage {
  return { id: message.id, state: message.state, parts: message.parts.length, to: message.to, from: message.from, clientRef: message.clientRef, createdAt: message.createdAt };
}

/** Whether `text` parses as an http: or https: URL. */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
