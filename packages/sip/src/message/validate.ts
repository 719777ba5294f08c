// Checks a transaction layer or a core makes before acting on a message (RFC 3261 §8.2, §16.3,
// §18.1.2). Each failure names the status a server answers with.
import { SipParseError, SipValidationError } from './errors.js';
import type { SipRequest, SipResponse } from './message.js';
import { paramValue } from './params.js';
import { MAGIC_COOKIE } from './builders.js';
import type { Via } from './headers/via.js';

const SINGLE = ['To', 'From', 'CSeq', 'Call-ID', 'Max-Forwards', 'Content-Length', 'Content-Type', 'Expires', 'Min-Expires'];

function required(message: SipRequest | SipResponse, names: readonly string[]): SipValidationError | undefined {
  for (const name of names) if (!message.headers.has(name)) return new SipValidationError(`missing ${name}`, 400, name);
  for (const name of SINGLE) {
    if (message.headers.values(name).length > 1) return new SipValidationError(`more than one ${name}`, 400, name);
  }
  return undefined;
}

/** A Via branch of an RFC 3261 element (z9hG4bK…); false for an RFC 2543 peer, to match by the old rules. */
export function hasRfc3261Branch(via: Via): boolean {
  const branch = paramValue(via.params, 'branch');
  return typeof branch === 'string' && branch.length > MAGIC_COOKIE.length && branch.startsWith(MAGIC_COOKIE);
}

/**
 * The optional checks {@link validateRequest} makes beyond the mandatory headers: what this element
 * serves, supports and accepts.
 */
export interface RequestChecks {
  /** URI schemes this element serves; another one is answered 416. Default sip, sips, tel. */
  readonly schemes?: readonly string[];
  /** Option tags this element supports; a Require or Proxy-Require naming another is answered 420. Undefined: not checked. */
  readonly supported?: readonly string[];
  /** Media types this element accepts in bodies; another is answered 415. Undefined: not checked. */
  readonly accept?: readonly string[];
}

/**
 * Checks a request (after parsing): the mandatory headers (To, From, CSeq, Call-ID, Via), each
 * single-valued one once, every known header readable, and by `checks` the URI scheme
 * (416), extensions (420, the unsupported ones in `unsupported`) and body type (415).
 */
export function validateRequest(request: SipRequest, checks: RequestChecks = {}): SipValidationError | undefined {
  // Max-Forwards is not required here: an RFC 2543 peer omits it, and a proxy adds one (§16.6).
  const missing = required(request, ['To', 'From', 'CSeq', 'Call-ID', 'Via']);
  if (missing !== undefined) return missing;
  const unreadable = request.check();
  if (unreadable !== undefined) return toValidation(unreadable);
  const scheme = request.uri.scheme;
  if (!(checks.schemes ?? ['sip', 'sips', 'tel']).includes(scheme)) return new SipValidationError(`unsupported URI scheme ${scheme}`, 416, 'Request-URI');
  if (checks.supported !== undefined && request.method !== 'ACK' && request.method !== 'CANCEL') {
    const wanted = [...request.headers.all('require'), ...request.headers.all('proxy-require')];
    const unsupported = wanted.filter((tag) => !checks.supported!.includes(tag));
    if (unsupported.length > 0) return new UnsupportedExtensionError(unsupported);
  }
  if (checks.accept !== undefined && request.body.length > 0) {
    const type = request.headers.first('content-type');
    const name = type === undefined ? undefined : `${type.type}/${type.subtype}`;
    if (name === undefined || !checks.accept.includes(name)) return new SipValidationError(`unsupported body type ${name ?? '(none)'}`, 415, 'Content-Type');
  }
  return undefined;
}

/** A 420: the answer lists the tags in Unsupported. */
export class UnsupportedExtensionError extends SipValidationError {
  /**
   * Builds the error from the option tags the request required and this element does not support.
   */
  constructor(
    /** The required option tags this element does not support, for the Unsupported header (§20.40). */
    readonly unsupported: readonly string[],
  ) {
    super(`unsupported extensions: ${unsupported.join(', ')}`, 420, 'Require');
  }
}

/**
 * Checks a response: the mandatory headers (Via, From, To, Call-ID, CSeq). At a client
 * (`client: true`), a response with more than one Via is not for it and is discarded (RFC 3261
 * §18.1.2): reported with status 0 (no answer is sent to a response).
 */
export function validateResponse(response: SipResponse, options: { client?: boolean } = {}): SipValidationError | undefined {
  const missing = required(response, ['Via', 'From', 'To', 'Call-ID', 'CSeq']);
  if (missing !== undefined) return missing;
  const unreadable = response.check();
  if (unreadable !== undefined) return toValidation(unreadable);
  if (options.client && response.via.length !== 1) return new SipValidationError(`a response with ${response.via.length} Via rows reached a client`, 0, 'Via');
  return undefined;
}

function toValidation(error: SipParseError): SipValidationError {
  return new SipValidationError(error.message, error.status, error.header);
}
