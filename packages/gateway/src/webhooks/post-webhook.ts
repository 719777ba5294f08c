// One webhook attempt: a signed POST with a time limit on the runtime's clock, its answer read into
// one of the metrics' outcomes. Nothing here touches the store: the dispatcher decides what an
// outcome means for the queue.
import type { Clock } from '@switchboard/actor';
import type { Webhook } from '../api-store.js';
import type { WebhookAttemptOutcome } from '../metrics/labels.js';
import { SIGNATURE_HEADER, signWebhook } from './signature.js';

/** The User-Agent of every webhook POST. */
export const WEBHOOK_USER_AGENT = 'switchboard-gateway';

/** How an attempt ended: one of the metrics' outcomes, or `stopped` when the sender stopped it (nothing to record). */
export type AttemptResult =
  | {
      readonly outcome: WebhookAttemptOutcome;
      /** The HTTP status, when an answer came. */
      readonly status: number | null;
      /** What went wrong, for the queue's `lastError`; null when delivered. */
      readonly error: string | null;
    }
  | { readonly outcome: 'stopped' };

/** What {@link postWebhook} needs besides the webhook. */
export interface PostOptions {
  /** The runtime's clock: the time limit runs on it. */
  readonly clock: Clock;
  /**
   * Milliseconds the whole attempt may take. No answer head by then is a timeout; an answer whose
   * body is still coming then keeps its outcome (the status decided it) and its body is cut.
   */
  readonly timeout: number;
  /** The signature's timestamp, unix seconds (the gateway's clock). */
  readonly timestamp: number;
  /** Aborts the request when the sender stops. */
  readonly signal: AbortSignal;
  /** The most bytes of the answer's body read (and thrown away) before the connection is cut. */
  readonly maxResponseBytes: number;
  /** The fetch used (global fetch in the gateway; a test may pass another). */
  readonly fetch: typeof fetch;
}

const MAX_ERROR_LENGTH = 200;

/**
 * POSTs one webhook: its body as stored, signed with its secret. A 2xx answer is `delivered`;
 * any other status, 3xx included, is `http_error`. Redirects are not followed: a receiver's
 * Location could send a signed body to an address nobody configured (another host, an internal
 * one), and fetch would turn a 301/302/303 POST into a bodiless GET; a receiver that moved must
 * have its URL changed. A failure to connect or a broken answer is `network_error`; no answer
 * head within `timeout` is `timeout`. The answer's body is read and thrown away (so the
 * connection can be kept alive) up to `maxResponseBytes`, after which the connection is cut.
 * Never rejects.
 */
export async function postWebhook(webhook: Webhook, options: PostOptions): Promise<AttemptResult> {
  if (options.signal.aborted) return { outcome: 'stopped' };
  const controller = new AbortController();
  let timedOut = false;
  const timer = options.clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no answer within ${options.timeout} ms`));
  }, options.timeout);
  const onStop = (): void => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', onStop, { once: true });
  try {
    let response: Response;
    try {
      response = await options.fetch(webhook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(webhook.body, webhook.secret, options.timestamp),
          'Switchboard-Event': webhook.event,
          'Switchboard-Delivery': String(webhook.id),
          'User-Agent': WEBHOOK_USER_AGENT,
        },
        body: webhook.body,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (error) {
      if (options.signal.aborted) return { outcome: 'stopped' };
      if (timedOut) return { outcome: 'timeout', status: null, error: `timeout: no answer within ${options.timeout} ms` };
      return { outcome: 'network_error', status: null, error: `network: ${describe(error)}` };
    }
    // the status decides; the body is only drained, and a body cut short changes nothing
    await discardBody(response, options.maxResponseBytes);
    if (response.status >= 200 && response.status < 300) return { outcome: 'delivered', status: response.status, error: null };
    return { outcome: 'http_error', status: response.status, error: `HTTP ${response.status}` };
  } finally {
    options.clock.clearTimeout(timer);
    options.signal.removeEventListener('abort', onStop);
  }
}

/** Reads the body up to `limit` bytes and drops it; past the limit, or on any error, the stream is cancelled. */
async function discardBody(response: Response, limit: number): Promise<void> {
  const body = response.body;
  if (body === null) return;
  const reader = body.getReader();
  let read = 0;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      read += chunk.value.byteLength;
      if (read > limit) break;
    }
  } catch {
    // an aborted or broken body: the status already said what happened
  }
  await reader.cancel().catch(() => undefined);
}

/** A short text for a fetch failure: undici hides the reason (ECONNREFUSED…) in `cause`. */
function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  const text = code !== undefined && !message.includes(code) ? `${code} ${message}` : message;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
