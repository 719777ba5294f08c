// Which connectors a message goes to. MT: the route with the longest prefix of the destination
// gives the targets; the lowest priority first, each priority's targets in a weighted random order
// (so load spreads by weight), the next priority after them: the failover order. No route matching:
// the default connector (the `smpp` section of the configuration). MO: the route with the longest
// prefix of the number the message was sent to says whether it goes to a SIP user, a webhook or both.
import type { MoRouteSpec, MtRouteSpec } from './specs.js';

/** What longest-prefix matching reads of a route. */
export interface NamedPrefix {
  /** The digits a number must start with. */
  readonly prefix: string;
  /** The route's name: ties go to the first by name. */
  readonly name: string;
}

/** A named MT route. */
export interface NamedMtRoute extends MtRouteSpec {
  /** Its name (the admin API's path segment). */
  readonly name: string;
}

/** A named MO route. */
export interface NamedMoRoute extends MoRouteSpec {
  /** Its name (the admin API's path segment). */
  readonly name: string;
}

/** The routing table at one moment: routes by name, and the connector used when none matches. */
export interface RoutingTable {
  /** The MT routes, by name. */
  readonly mt: readonly NamedMtRoute[];
  /** The MO routes, by name. */
  readonly mo: readonly NamedMoRoute[];
  /** The connector of messages no MT route matches. */
  readonly defaultConnector: string;
}

/** The digits of a number, without a leading `+` or `00`: what prefixes are matched against. */
export function routingDigits(number: string): string {
  if (number.startsWith('+')) return number.slice(1);
  return number.startsWith('00') ? number.slice(2) : number;
}

/** The route whose prefix is the longest one `number` starts with; ties go to the first by name. */
export function longestPrefix<T extends NamedPrefix>(routes: readonly T[], number: string): T | undefined {
  const digits = routingDigits(number);
  let best: T | undefined;
  for (const route of routes) {
    if (!digits.startsWith(route.prefix)) continue;
    if (best === undefined || route.prefix.length > best.prefix.length || (route.prefix.length === best.prefix.length && route.name < best.name)) best = route;
  }
  return best;
}

/**
 * The connectors to try for `destination`, in failover order, each once. `random` (0 ≤ x < 1)
 * draws the weighted order within a priority.
 */
export function mtCandidates(table: RoutingTable, destination: string, random: () => number = Math.random): string[] {
  const route = longestPrefix(table.mt, destination);
  if (route === undefined || route.targets.length === 0) return [table.defaultConnector];
  const priorities = [...new Set(route.targets.map((t) => t.priority))].sort((a, b) => a - b);
  const order: string[] = [];
  for (const priority of priorities) {
    // weighted sampling without replacement: each draw picks a target with probability weight/total
    const left = route.targets.filter((t) => t.priority === priority);
    while (left.length > 0) {
      const total = left.reduce((sum, t) => sum + t.weight, 0);
      let x = random() * total;
      let at = 0;
      while (at < left.length - 1 && x >= left[at]!.weight) x -= left[at++]!.weight;
      const [picked] = left.splice(at, 1);
      if (!order.includes(picked!.connector)) order.push(picked!.connector);
    }
  }
  return order;
}

/** Where an MO message to `destination` goes: its route, or undefined (to the SIP user of that number, as without routes). */
export function moRoute(table: RoutingTable, destination: string): NamedMoRoute | undefined {
  return longestPrefix(table.mo, destination);
}
