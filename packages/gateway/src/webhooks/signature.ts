// The webhook signature: the gateway signs each POST with HMAC-SHA256 over the timestamp and the
// body, and receivers check it with verifyWebhook. The timestamp is signed too, so a captured
// request cannot be replayed after the tolerance has passed.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Switchboard-Signature';

/** How far (in seconds) a signature's timestamp may be from the receiver's clock by default: 5 minutes. */
export const DEFAULT_SIGNATURE_TOLERANCE = 300;

/**
 * The longest signature header verifyWebhook reads (characters). Above it the header is refused
 * without any HMAC being computed: the header comes from the network, and a sender rotating
 * through a few secrets needs well under a kilobyte.
 */
export const MAX_SIGNATURE_HEADER_LENGTH = 4096;

/** The most `v1=` entries verifyWebhook checks in one header (one per secret being rotated). */
export const MAX_SIGNATURES = 8;

/** A signature could not be made: the secret is empty or the timestamp is not whole seconds. */
export class WebhookSignatureError extends Error {
  /** A stable error code, `ERR_WEBHOOK_SIGNATURE`, to test for instead of the message. */
  readonly code = 'ERR_WEBHOOK_SIGNATURE';
  /** Builds the error with a message saying which argument was wrong. */
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The receiver's time, in unix seconds (default: now from `Date.now()`). */
  readonly now?: number;
  /** How many seconds the signed timestamp may be before or after `now` (default 300). */
  readonly tolerance?: number;
}

function hmacHex(secret: string, timestamp: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(body);
  return hmac.digest('hex');
}

/**
 * The `Switchboard-Signature` header value for `body` sent at `timestamp`: `t=<timestamp>,v1=<hex>`
 * where `<hex>` is HMAC-SHA256 keyed with `secret` over `"<timestamp>.<body>"` (the body's UTF-8
 * bytes). With several secrets (while a secret is being rotated) there is one `v1=` per secret,
 * so a receiver that knows either one accepts it.
 *
 * Throws {@link WebhookSignatureError} for an empty secret or a timestamp that is not a
 * non-negative whole number of seconds.
 *
 * @example
 * signWebhook('{"event":"receipt"}', 'whsec_1', 1_700_000_000); // 't=1700000000,v1=…'
 */
export function signWebhook(body: string | Uint8Array, secret: string | readonly string[], timestamp: number): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new WebhookSignatureError(`the timestamp must be whole unix seconds, not ${timestamp}`);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0 || secrets.some((s) => s.length === 0)) throw new WebhookSignatureError('a webhook secret must not be empty');
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmacHex(s, timestamp, body)}`)].join(',');
}

interface ParsedSignature {
  readonly timestamp: number;
  readonly signatures: readonly Buffer[];
}

/** Reads a header value; undefined when it is malformed. Unknown schemes (`v0=`, `v2=`) are skipped, as a newer sender may add them. */
function parseSignature(header: string): ParsedSignature | undefined {
  if (header.length > MAX_SIGNATURE_HEADER_LENGTH) return undefined;
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) return undefined;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't') {
      // one timestamp only: two would leave it open which one the HMAC covered
      if (timestamp !== undefined || !/^[0-9]{1,15}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return undefined;
      if (signatures.length === MAX_SIGNATURES) return undefined;
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

/**
 * Whether `header` (the `Switchboard-Signature` value) is a valid signature of `body` with
 * `secret`, made within `tolerance` seconds of `now`. Pass the body exactly as received (the raw
 * bytes or their UTF-8 text), before any JSON parsing: re-serialised JSON would not match.
 *
 * Return values: `true` when one of the header's `v1=` entries is the HMAC of the body with one of
 * the secrets given (several secrets: the old and the new while rotating) and the timestamp is
 * within the tolerance; `false` for anything else — a missing, malformed or oversized header, an
 * empty secret, another body, a timestamp too old or too far in the future. It never throws for
 * what came from the network. The HMACs are compared in constant time.
 *
 * @example
 * if (!verifyWebhook(rawBody, req.headers['switchboard-signature'], process.env.WEBHOOK_SECRET!)) res.writeHead(400).end();
 */
export function verifyWebhook(
  body: string | Uint8Array,
  header: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): boolean {
  // node:http gives a repeated header as one joined string; a caller passing an array gets the same reading
  const value = typeof header === 'string' ? header : Array.isArray(header) ? header.join(',') : undefined;
  if (value === undefined) return false;
  const parsed = parseSignature(value);
  if (parsed === undefined) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.tolerance ?? DEFAULT_SIGNATURE_TOLERANCE;
  if (!Number.isFinite(now) || !(tolerance >= 0)) return false;
  if (Math.abs(now - parsed.timestamp) > tolerance) return false;
  const secrets = typeof secret === 'string' ? [secret] : secret;
  let valid = false;
  for (const s of secrets) {
    if (s.length === 0) continue;
    const expected = Buffer.from(hmacHex(s, parsed.timestamp, body), 'hex');
    // every entry is compared (no early return), so the time taken says nothing about which matched
    for (const signature of parsed.signatures) if (timingSafeEqual(expected, signature)) valid = true;
  }
  return valid;
}
