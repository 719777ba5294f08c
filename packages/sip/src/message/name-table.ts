// Header names as the parser meets them. Every name of header-names.ts (compact forms too) sits in
// a case-insensitive trie over token characters, walked while the name is scanned, so a known name
// costs neither a string cut nor a lookup. Other names are kept as written, through a map.
import { SipParseError } from './errors.js';
import { COMPACT, KNOWN, canonicalName } from './header-names.js';
import { codecOf } from './header-types.js';
import { isToken } from './scanner.js';

export interface KnownName {
  /** Canonical spelling (an unknown name as written). */
  readonly name: string;
  /** Lowercase canonical name: what rows are compared by. */
  readonly key: string;
  /** How the value is read and written, for a typed header. */
  readonly codec: ReturnType<typeof codecOf>;
}

/** Trie state width: a power of two above the number of character classes. */
const SHIFT = 6;
/** The state a name's walk starts in; state 0 is dead (no known name has this prefix). */
export const ROOT = 1;

/**
 * The class of each code below 128 in a name: 0 for a character outside token, else 1..46 with
 * upper and lower case letters in one class.
 */
export const NAME_CLASS = new Uint8Array(128);
{
  let next = 1;
  for (const c of "abcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~") NAME_CLASS[c.charCodeAt(0)] = next++;
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') NAME_CLASS[c.charCodeAt(0)] = NAME_CLASS[c.toLowerCase().charCodeAt(0)]!;
}

const names: Array<[written: string, canonical: string]> = [...KNOWN.map((n): [string, string] => [n, n]), ...Object.entries(COMPACT)];
let states = 2;
for (const [written] of names) states += written.length;

/** NAME_NEXT[state << 6 | class]: the state after one more character (0: dead). */
export const NAME_NEXT = new Uint16Array(states << SHIFT);
const AT: (KnownName | undefined)[] = new Array(states).fill(undefined);
{
  let used = 2;
  for (const [written, canonical] of names) {
    let state = ROOT;
    for (let i = 0; i < written.length; i++) {
      const slot = (state << SHIFT) | NAME_CLASS[written.charCodeAt(i)]!;
      if (NAME_NEXT[slot] === 0) NAME_NEXT[slot] = used++;
      state = NAME_NEXT[slot]!;
    }
    const key = canonical.toLowerCase();
    AT[state] = { name: canonical, key, codec: codecOf(key) };
  }
}

/** The known name a walk ended in, or undefined (a prefix, or dead). */
export function knownAt(state: number): KnownName | undefined {
  return AT[state];
}

/** Names outside the trie, as written (bounded: a flood of new names is not kept). */
const OTHERS = new Map<string, KnownName>();

/** The name source[from, to) when the trie does not know it; throws unless it is a token. */
export function otherName(source: string, from: number, to: number): KnownName {
  const written = source.slice(from, to);
  const seen = OTHERS.get(written);
  if (seen !== undefined) return seen;
  if (!isToken(written)) throw new SipParseError(`a bad header name ${JSON.stringify(written)}`);
  const name = canonicalName(written);
  const key = name.toLowerCase();
  const known: KnownName = { name, key, codec: codecOf(key) };
  if (OTHERS.size < 1024) OTHERS.set(written, known);
  return known;
}
