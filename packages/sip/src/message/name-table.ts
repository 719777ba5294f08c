// Header names as the parser meets them. Every name of header-names.ts (compact forms too) sits in
// a case-insensitive trie over token characters, walked while the name is scanned, so a known name
// costs neither a string cut nor a lookup. Other names are kept as written, through a map.
import { COMPACT, KNOWN, canonicalName } from './header-names.js';
import { codecOf, typedKey } from './header-types.js';

export interface KnownName {
  /** Canonical spelling (an unknown name as written). */
  readonly name: string;
  /** Lowercase canonical name: what rows are compared by. */
  readonly key: string;
  /** How the value is read and written, for a typed header. */
  readonly codec: ReturnType<typeof codecOf>;
}

/**
 * The trie: NAME_STEP[state << 7 | code] is the state after one more character of code < 128.
 * 0 means the character is not a token character (the name has ended); DEAD (1) that the name is
 * a token no known name starts with; the walk starts at ROOT. Upper and lower case letters step
 * alike.
 */
const DEAD = 1;
export const ROOT = 2;

const TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";
const names: Array<[written: string, canonical: string]> = [...KNOWN.map((n): [string, string] => [n, n]), ...Object.entries(COMPACT)];
let states = ROOT + 1;
for (const [written] of names) states += written.length;

export const NAME_STEP = new Uint16Array(states << 7);
const AT: (KnownName | undefined)[] = new Array(states).fill(undefined);
{
  let used = ROOT + 1;
  for (const [written, canonical] of names) {
    let state = ROOT;
    for (let i = 0; i < written.length; i++) {
      const lower = written[i]!.toLowerCase().charCodeAt(0);
      const upper = written[i]!.toUpperCase().charCodeAt(0);
      if (NAME_STEP[(state << 7) | lower]! <= DEAD) {
        NAME_STEP[(state << 7) | lower] = used;
        NAME_STEP[(state << 7) | upper] = used;
        used++;
      }
      state = NAME_STEP[(state << 7) | lower]!;
    }
    const key = typedKey(canonical.toLowerCase());
    AT[state] = { name: canonical, key, codec: codecOf(key) };
  }
  // every other token character leads to DEAD, from any state (DEAD included)
  for (let state = DEAD; state < used; state++) {
    for (let i = 0; i < TOKEN.length; i++) {
      const slot = (state << 7) | TOKEN.charCodeAt(i);
      if (NAME_STEP[slot] === 0) NAME_STEP[slot] = DEAD;
    }
  }
}

/** The known name a walk ended in, or undefined (a prefix, or dead). */
export function knownAt(state: number): KnownName | undefined {
  return AT[state];
}

/** The known names by their canonical spelling. */
const BY_NAME = new Map<string, KnownName>();
for (const known of AT) if (known !== undefined) BY_NAME.set(known.name, known);

/** The KnownName of a header named `canonical` (a canonical spelling, as `canonicalName` gives). */
export function nameOf(canonical: string): KnownName {
  const known = BY_NAME.get(canonical);
  if (known !== undefined) return known;
  const key = typedKey(canonical.toLowerCase());
  return { name: canonical, key, codec: codecOf(key) };
}

/** Names outside the trie, as written (bounded: a flood of new names is not kept). */
const OTHERS = new Map<string, KnownName>();

/** The name source[from, to), token characters the trie walked without reaching a known name. */
export function otherName(source: string, from: number, to: number): KnownName {
  const written = source.slice(from, to);
  const seen = OTHERS.get(written);
  if (seen !== undefined) return seen;
  const name = canonicalName(written);
  const key = typedKey(name.toLowerCase());
  const known: KnownName = { name, key, codec: codecOf(key) };
  if (OTHERS.size < 1024) OTHERS.set(written, known);
  return known;
}
