// Headers that are one number or one word: Content-Length, Max-Forwards, Expires, Min-Expires,
// RSeq, Min-SE (delta-seconds), Call-ID.
import { SipParseError } from '../errors.js';

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

export const MAX_DELTA_SECONDS = 2 ** 32 - 1;

// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "<" /
//          ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")
const WORD = /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+$/;

/** Call-ID = word [ "@" word ] (RFC 3261 §25.1). */
export function parseCallId(text: string): string {
  const value = text.trim();
  const at = value.indexOf('@');
  const words = at < 0 ? [value] : [value.slice(0, at), value.slice(at + 1)];
  if (!words.every((w) => WORD.test(w))) {
    throw new SipParseError(`${JSON.stringify(value)} is not a Call-ID`, 400, 'Call-ID');
  }
  return value;
}
