// Headers that are one number or one word: Content-Length, Max-Forwards, Expires, Min-Expires,
// RSeq, Min-SE (delta-seconds), Call-ID.
import { SipParseError } from '../errors.js';
import { octetsOf } from '../octets.js';

/** A whole number in [min, max]; `header` names it in the error. */
export function parseWholeNumber(text: string, header: string, max: number, min = 0): number {
  const value = text.trim();
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) throw new SipParseError(`${JSON.stringify(value)} is not a whole number`, 400, header);
    n = n * 10 + (c - 48);
  }
  if (value.length === 0) throw new SipParseError('an empty number', 400, header);
  if (value.length > 12 || n > max || n < min) throw new SipParseError(`${value} is out of range (${min}..${max})`, 400, header);
  return n;
}

/**
 * text[from, to) when it is 1 to 12 digits within [min, max], read where it lies in the head,
 * from `octets` (text's, at the same offsets: see octets.ts); else undefined.
 */
export function wholeNumberAt(text: string, from: number, to: number, max: number, min = 0, octets: Uint8Array = octetsOf(text)): number | undefined {
  if (to === from || to - from > 12) return undefined;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = octets[i]! - 48;
    if (!(d >= 0 && d <= 9)) return undefined;
    n = n * 10 + d;
  }
  return n > max || n < min ? undefined : n;
}

export const MAX_DELTA_SECONDS = 2 ** 32 - 1;

// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "<" /
//          ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")
const WORD = new Uint8Array(256);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~()<>:\\"/[]?{}') WORD[c.charCodeAt(0)] = 1;

/**
 * text[from, to) when it is a Call-ID, word [ "@" word ] (RFC 3261 §25.1), scanning `octets`
 * (text's, at the same offsets: see octets.ts); else undefined.
 */
export function callIdAt(text: string, from: number, to: number, octets: Uint8Array = octetsOf(text)): string | undefined {
  let at = -1;
  for (let i = from; i < to; i++) {
    const c = octets[i]!;
    if (WORD[c] === 1) continue;
    if (c !== 64 || at >= 0) return undefined;
    at = i;
  }
  if (to === from || at === from || at === to - 1) return undefined;
  return text.slice(from, to);
}

/** Call-ID = word [ "@" word ] (RFC 3261 §25.1). */
export function parseCallId(text: string): string {
  const value = text.trim();
  const id = callIdAt(value, 0, value.length, octetsOf(value));
  if (id === undefined) throw new SipParseError(`${JSON.stringify(value)} is not a Call-ID`, 400, 'Call-ID');
  return id;
}
