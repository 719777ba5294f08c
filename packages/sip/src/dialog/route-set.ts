// A dialog's route set (RFC 3261 §12.1.1, §12.1.2) and how a request within the dialog is routed
// through it (§12.2.1.1): loose routing, and the fix-up for a strict router (RFC 2543) first.
import type { NameAddr } from '../message/headers/name-addr.js';
import type { SipMessage } from '../message/message.js';
import { isSipUri, uriParam, type SipUri, type Uri } from '../message/uri.js';

/**
 * The route set a message sets up: its Record-Route values in order at the UAS (§12.1.1), in
 * reverse at the UAC (§12.1.2). Empty when there is no Record-Route.
 */
export function routeSetOf(message: SipMessage, role: 'uac' | 'uas'): readonly NameAddr[] {
  const routes = message.headers.all('record-route').map((route) => ({ displayName: route.displayName, uri: route.uri, params: route.params }));
  return role === 'uac' ? routes.reverse() : routes;
}

/** Where a request within a dialog goes: its Request-URI and its Route values, in order. */
export interface DialogRouting {
  /** The Request-URI. */
  readonly uri: Uri;
  /** The Route header values, first to visit first; empty for none. */
  readonly routes: readonly NameAddr[];
}

/** Whether a route set entry is a loose router (its URI carries `lr`, RFC 3261 §19.1.1). */
export function isLooseRoute(route: NameAddr): boolean {
  return isSipUri(route.uri) && uriParam(route.uri, 'lr') !== undefined;
}

/**
 * The Request-URI and Route values of a request within a dialog (RFC 3261 §12.2.1.1):
 * - no route set: the remote target, no Route;
 * - a first route with `lr`: the remote target, the route set as Route;
 * - a first route without `lr` (a strict router): that route's URI as Request-URI, stripped of what
 *   a Request-URI may not carry (the `method` parameter, headers, §19.1.1), and the rest of the route
 *   set followed by the remote target as Route.
 */
export function routeInDialog(routeSet: readonly NameAddr[], remoteTarget: Uri): DialogRouting {
  const first = routeSet[0];
  if (first === undefined) return { uri: remoteTarget, routes: [] };
  if (isLooseRoute(first)) return { uri: remoteTarget, routes: routeSet };
  return { uri: requestUriOf(first.uri), routes: [...routeSet.slice(1), { displayName: null, uri: remoteTarget, params: [] }] };
}

/** RFC 3261 §19.1.1's table: `method` and headers are not allowed in a Request-URI. */
function requestUriOf(uri: Uri): Uri {
  if (!isSipUri(uri)) return uri;
  const stripped: SipUri = { ...uri, params: uri.params.filter(([name]) => name.toLowerCase() !== 'method'), headers: [] };
  return stripped;
}
