// The copy of a request a proxy sends on one branch (RFC 3261 §16.6 steps 1–7): a copy with the
// target's Request-URI, Max-Forwards less one, an optional Record-Route, and a strict router's
// Route set put the way it expects (step 6). The Via (step 8) is the stack's.
import { SipRequest } from '../message/message.js';
import { isSipUri, uriParam, type SipUri, type Uri } from '../message/uri.js';
import { addRecordRoute } from './record-route.js';
import { setRoutes } from './route-preprocess.js';

/** What {@link branchRequest} changes in the copy beyond RFC 3261's fixed steps. */
export interface BranchOptions {
  /** The Request-URI of the branch (§16.6 step 2); default: the request's own. */
  readonly uri?: Uri;
  /** A Record-Route URI to insert (§16.6 step 4), with `lr`. */
  readonly recordRoute?: SipUri;
}

/**
 * A copy of `request` for one branch (RFC 3261 §16.6 steps 1–6); `request` itself is not touched.
 *
 * - Step 2: the Request-URI becomes `options.uri`.
 * - Step 3: Max-Forwards is decremented, or set to 69 when missing (70 − 1).
 * - Step 4: `options.recordRoute` goes on top of Record-Route.
 * - Step 6: when the first Route value is a strict router (no `lr`), the Request-URI goes to the
 *   end of the Route set and that first value becomes the Request-URI.
 *
 * @example
 * ```ts fragment
 * const copy = branchRequest(request, { uri: parseUri('sip:bob@192.0.2.4'), recordRoute: recordRouteUri(stack, 'UDP') });
 * ```
 */
export function branchRequest(request: SipRequest, options: BranchOptions = {}): SipRequest {
  const copy = new SipRequest(request.method, options.uri ?? request.uri, request.headers.clone(), request.body);
  const hops = copy.headers.first('max-forwards');
  copy.headers.set('Max-Forwards', hops === undefined ? 69 : hops - 1);
  if (options.recordRoute !== undefined) addRecordRoute(copy, options.recordRoute);
  fixStrictRoute(copy);
  return copy;
}

/** RFC 3261 §16.6 step 6 (and §12.2.1.1): the first Route value is a strict router. */
export function fixStrictRoute(request: SipRequest): void {
  const routes = request.headers.all('route');
  const first = routes[0];
  if (first === undefined || (isSipUri(first.uri) && uriParam(first.uri, 'lr') !== undefined)) return;
  const rest = routes.slice(1);
  rest.push({ displayName: null, uri: request.uri, params: [] });
  request.uri = first.uri;
  setRoutes(request, rest);
}
