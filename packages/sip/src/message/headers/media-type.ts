// Content-Type (RFC 3261 §20.15): type/subtype with parameters.
import { type Param, formatParams, readParams } from '../params.js';
import { Scanner } from '../scanner.js';

export interface MediaType {
  /** Lower case. */
  readonly type: string;
  /** Lower case. */
  readonly subtype: string;
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

export function formatMediaType(value: MediaType): string {
  return `${value.type}/${value.subtype}${formatParams(value.params)}`;
}
