// Headers that are comma lists of tokens (option-tags, methods, event packages): Require,
// Supported, Unsupported, Proxy-Require, Allow, Allow-Events, Accept-Encoding, Content-Encoding.
import { SipParseError } from '../errors.js';
import { octetsOf } from '../octets.js';
import { isToken, tokenEnd } from '../scanner.js';

/** One list element: a token (the caller splits rows on commas). */
export function parseTokenItem(text: string, header: string): string {
  const value = text.trim();
  if (!isToken(value)) throw new SipParseError(`${JSON.stringify(value)} is not a token`, 400, header);
  return value;
}

/**
 * Where the tokens of the row being read lie: start and end, two by two (an array of strings made
 * to its size then costs no `push`, which V8 here leaves to a builtin call per element).
 */
const SPANS = new Int32Array(64);

/**
 * A row's tokens, `token *(LWS "," LWS token)`, read where they lie in the head, text[from, to),
 * scanning `octets` (text's, at the same offsets: see octets.ts); undefined for anything else (an
 * empty element, a bad character), which the splitting reader then reads and reports.
 */
export function tokenListAt(text: string, from: number, to: number, octets: Uint8Array = octetsOf(text)): string[] | undefined {
  const spans = SPANS;
  let n = 0;
  let pos = from;
  for (;;) {
    const start = pos;
    let c = 0;
    pos = tokenEnd(octets, pos, to);
    if (pos === start || n === spans.length) return undefined;
    spans[n++] = start;
    spans[n++] = pos;
    while (pos < to && ((c = octets[pos]!) === 32 || c === 9)) pos++;
    if (pos === to) break;
    if (c !== 44) return undefined;
    pos++;
    while (pos < to && ((c = octets[pos]!) === 32 || c === 9)) pos++;
  }
  const items = new Array<string>(n >> 1);
  for (let i = 0; i < n; i += 2) items[i >> 1] = text.slice(spans[i]!, spans[i + 1]!);
  return items;
}
