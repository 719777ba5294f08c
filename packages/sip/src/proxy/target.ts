// A proxy's target (RFC 3261 §16.5): the Request-URI of one branch, and optionally where to send
// it instead of where that URI (or the Route set) resolves.
import type { Uri } from '../message/uri.js';
import type { Destination } from '../transport/endpoint.js';

/** One element of a proxy's target set (RFC 3261 §16.5). */
export interface ProxyTarget {
  /** The branch's Request-URI (§16.6 step 2). */
  readonly uri: Uri;
  /**
   * Send here instead of the next hop the Route set or `uri` names (an outbound proxy, a
   * registrar's recorded source address); the stack's `sendRequest` `destination`.
   */
  readonly destination?: Destination;
}
