// Request validation before a proxy forwards (RFC 3261 §16.3): Max-Forwards (483), loop
// detection (482) and Proxy-Require (420 with Unsupported). The router has already checked the
// syntax and the mandatory headers (§16.3 step 1).
import { createResponse } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { isSipUri, isTelUri } from '../message/uri.js';

/** What {@link validateProxyRequest} checks beyond the RFC's fixed rules. */
export interface ProxyValidation {
  /** Option tags this proxy supports; any other in Proxy-Require is refused with 420 (§16.3 step 5). */
  readonly supported?: readonly string[];
  /**
   * §16.3 step 4: true when the request has looped back to this proxy unchanged (see
   * {@link loopHash}); answered 482.
   */
  readonly looped?: (request: SipRequest) => boolean;
}

/**
 * Checks a request a proxy is about to forward (RFC 3261 §16.3). Returns the response to answer it
 * with, or undefined when it may be forwarded.
 *
 * Return values:
 * - `416` — a Request-URI scheme the proxy cannot forward to (§16.3 step 2);
 * - `483 Too Many Hops` — Max-Forwards is 0 (§16.3 step 3; an OPTIONS too: this proxy does not
 *   answer for the target);
 * - `482 Loop Detected` — `looped` said so (§16.3 step 4);
 * - `420 Bad Extension` with an Unsupported header naming the tags — Proxy-Require asks for what
 *   `supported` does not list (§16.3 step 5);
 * - `undefined` — go on.
 *
 * @example
 * ```ts fragment
 * const refusal = validateProxyRequest(request, { supported: ['path'] });
 * if (refusal !== undefined) return transaction?.respond(refusal);
 * ```
 */
export function validateProxyRequest(request: SipRequest, options: ProxyValidation = {}): SipResponse | undefined {
  const uri = request.uri;
  if (!isSipUri(uri) && !isTelUri(uri)) return createResponse(request, 416);
  // §16.3 step 3: a missing Max-Forwards lets the request through (the proxy adds 70 - 1).
  const hops = request.headers.first('max-forwards');
  if (hops === 0) return createResponse(request, 483);
  if (options.looped?.(request) === true) return createResponse(request, 482);
  const required = request.headers.all('proxy-require');
  if (required.length > 0) {
    const supported = new Set((options.supported ?? []).map((tag) => tag.toLowerCase()));
    const unsupported = required.filter((tag) => !supported.has(tag.toLowerCase()));
    if (unsupported.length > 0) return createResponse(request, 420, { headers: [['Unsupported', unsupported.join(', ')]] });
  }
  return undefined;
}
