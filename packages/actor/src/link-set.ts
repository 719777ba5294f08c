// A process's links. Most processes have one (their supervisor), so a single link is held as the
// linked Proc itself and only a second one makes a Set: a Set with its table is ~180 bytes, paid by
// every supervised process (measured on bound SMPP sessions, one process each).
import type { Proc } from './process.js';

/** Nobody, one linked process, or a Set of two or more. */
export type Links = Proc | Set<Proc> | null;

/** `links` with `other` added. */
export function withLink(links: Links, other: Proc): Links {
  if (links === null || links === other) return other;
  if (links instanceof Set) return links.add(other);
  return new Set([links, other]);
}

/** `links` without `other`. */
export function withoutLink(links: Links, other: Proc): Links {
  if (links instanceof Set) {
    links.delete(other);
    return links.size === 0 ? null : links;
  }
  return links === other ? null : links;
}

/** The linked processes, to iterate. */
export function linkedProcs(links: Links): Iterable<Proc> {
  return links === null ? [] : links instanceof Set ? links : [links];
}
