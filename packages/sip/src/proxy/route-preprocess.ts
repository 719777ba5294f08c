// Route information preprocessing (RFC 3261 §16.4): undo a strict router's rewrite of the
// Request-URI, and take this proxy's own entry off the top of the Route set.
import type { NameAddr } from '../message/headers/name-addr.js';
import type { SipRequest } from '../message/message.js';
import type { Uri } from '../message/uri.js';

/**
 * Applies RFC 3261 §16.4 to `request` in place:
 * - a Request-URI this proxy put in a Record-Route (a strict router upstream rewrote it) is
 *   replaced by the last Route value, which is removed;
 * - a first Route value naming this proxy is removed.
 *
 * `isOwn` tells whether a URI names this proxy (see `isOwnUri`). Returns true when a Route value
 * remains: the request then goes where the Route set says, and its Request-URI is the only target
 * (§16.5).
 */
export function preprocessRoute(request: SipRequest, isOwn: (uri: Uri) => boolean): boolean {
  const routes = request.headers.all('route');
  if (routes.length > 0 && isOwn(request.uri)) {
    const last = routes[routes.length - 1]!;
    request.uri = last.uri;
    setRoutes(request, routes.slice(0, -1));
  }
  const first = request.headers.first('route');
  if (first !== undefined && isOwn(first.uri)) request.headers.shift('route');
  return request.headers.has('Route');
}

/** Rewrites the Route set as one row per value (or none). */
export function setRoutes(request: SipRequest, routes: readonly NameAddr[]): void {
  request.headers.delete('Route');
  for (const route of routes) request.headers.append('Route', route);
}
