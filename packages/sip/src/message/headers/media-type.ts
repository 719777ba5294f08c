// Content-Type (RFC 3261 §20.15): type/subtype with parameters.
import { type Param, formatParams, readParams, readSimpleParams } from '../params.js';
import { octetsOf } from '../octets.js';
import { Scanner, tokenEnd } from '../scanner.js';

/**
 * A Content-Type value (RFC 3261 §20.15): a media type and subtype, lower-cased, with parameters.
 */
export interface MediaType {
  /** Lower case. */
  readonly type: string;
  /** Lower case. */
  readonly subtype: string;
  /** Parameters after the subtype, such as `charset`; names and values as written. */
  readonly params: readonly Param[];
}

export function parseMediaType(text: string, header = 'Content-Type'): MediaType {
  const s = new Scanner(text, header);
  s.ws();
  const type = s.token('the media type').toLowerCase();
  s.expect('/');
  const subtype = s.token('the media subtype').toLowerCase();
  const params = readParams(s);
  s.end();
  return { type, subtype, params };
}

/**
 * `type/subtype;name=token…` without whitespace, read where it lies in the head, text[from, to),
 * scanning `octets` (text's, at the same offsets: see octets.ts); undefined for anything else.
 */
export function mediaTypeAt(text: string, from: number, to: number, octets: Uint8Array = octetsOf(text)): MediaType | undefined {
  let pos = tokenEnd(octets, from, to);
  if (pos === from || pos === to || octets[pos] !== 47) return undefined;
  const slash = pos++;
  pos = tokenEnd(octets, pos, to);
  if (pos === slash + 1) return undefined;
  const params = readSimpleParams(text, pos, to, octets);
  if (params === undefined) return undefined;
  return { type: text.slice(from, slash).toLowerCase(), subtype: text.slice(slash + 1, pos).toLowerCase(), params };
}

export function formatMediaType(value: MediaType): string {
  return `${value.type}/${value.subtype}${formatParams(value.params)}`;
}
