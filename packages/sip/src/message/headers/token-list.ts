// Headers that are comma lists of tokens (option-tags, methods, event packages): Require,
// Supported, Unsupported, Proxy-Require, Allow, Allow-Events, Accept-Encoding, Content-Encoding.
import { SipParseError } from '../errors.js';
import { isToken } from '../scanner.js';

/** One list element: a token (the caller splits rows on commas). */
export function parseTokenItem(text: string, header: string): string {
  const value = text.trim();
  if (!isToken(value)) throw new SipParseError(`${JSON.stringify(value)} is not a token`, 400, header);
  return value;
}
