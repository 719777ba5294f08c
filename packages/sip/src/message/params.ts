// Header parameters (`;name=value`, RFC 3261 §25.1 generic-param): ordered, names
// case-insensitive, values kept as written (a quoted value keeps its quotes).
import { octetsOf } from './octets.js';
import { Scanner, isToken, isTokenChar, tokenEnd } from './scanner.js';

/** name, and value as written (with quotes if it was quoted), or null for a bare name. */
export type Param = readonly [name: string, value: string | null];

/**
 * `;name=value;name…` from `pos` to `to`, when every name and value is a bare token and there is
 * no whitespace, scanning `octets` (text's, at the same offsets: see octets.ts); undefined
 * otherwise (the scanner then reads it).
 */
export function readSimpleParams(text: string, pos: number, to = text.length, octets: Uint8Array = octetsOf(text)): readonly Param[] | undefined {
  if (pos >= to) return NO_PARAMS;
  // the first two are held apart, so that the usual one or two make an array of their own size
  let first: Param | undefined;
  let second: Param | undefined;
  let more: Param[] | undefined;
  while (pos < to) {
    if (octets[pos] !== 59) return undefined;
    const nameStart = ++pos;
    pos = tokenEnd(octets, pos, to);
    if (pos === nameStart) return undefined;
    const name = text.slice(nameStart, pos);
    let param: Param;
    if (pos < to && octets[pos] === 61) {
      const valueStart = ++pos;
      pos = tokenEnd(octets, pos, to);
      if (pos === valueStart) return undefined;
      param = [name, text.slice(valueStart, pos)];
    } else param = [name, null];
    if (first === undefined) first = param;
    else if (second === undefined) second = param;
    else if (more === undefined) more = [first, second, param];
    else more.push(param);
  }
  return more ?? (second === undefined ? [first!] : [first!, second]);
}

/** The parameters of a value without any: one frozen array for all of them. */
export const NO_PARAMS: readonly Param[] = Object.freeze([]);

/** `token *( SEMI generic-param )`, the shape of Event, Subscription-State, Reason and others. */
export function parseTokenWithParams(text: string, header: string, what: string): { token: string; params: Param[] } {
  const s = new Scanner(text, header);
  s.ws();
  const token = s.token(what);
  const params = readParams(s);
  s.end();
  return { token, params };
}

/** Reads `*( SEMI generic-param )` from the scanner. */
export function readParams(s: Scanner): Param[] {
  const params: Param[] = [];
  while (s.eat(';')) {
    const name = s.token('a parameter name');
    if (s.eat('=')) {
      if (s.peek() === '"') {
        const start = s.pos;
        s.quoted();
        params.push([name, s.text.slice(start, s.pos)]);
      } else {
        // token / host (IPv6 references included)
        const start = s.pos;
        if (s.peek() === '[') {
          const close = s.text.indexOf(']', s.pos);
          if (close < 0) s.fail('an unclosed IPv6 reference');
          s.pos = close + 1;
        } else if (sameName(name, 'received')) {
          // RFC 3261 §20.42: via-received = "received" EQUAL (IPv4address / IPv6address), the IPv6 one bare.
          while (s.pos < s.text.length && (isTokenChar(s.text.charCodeAt(s.pos)) || s.text.charCodeAt(s.pos) === 58)) s.pos++;
          if (s.pos === start) s.fail('expected a parameter value');
        } else s.token('a parameter value');
        params.push([name, s.text.slice(start, s.pos)]);
      }
    } else params.push([name, null]);
    s.ws();
  }
  return params;
}

/** ASCII case-insensitive equality, without allocating. */
export function sameName(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y && ((x | 32) !== (y | 32) || (x | 32) < 97 || (x | 32) > 122)) return false;
  }
  return true;
}

/** The value of `name` (case-insensitive), unquoted; null for a bare name; undefined if absent. */
export function paramValue(params: readonly Param[], name: string): string | null | undefined {
  for (const [key, value] of params) {
    if (!sameName(key, name)) continue;
    if (value === null) return null;
    return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
  }
  return undefined;
}

/** A copy of `params` with `name` set (added at the end if absent); a value that is not a token is quoted. */
export function withParam(params: readonly Param[], name: string, value: string | null): Param[] {
  const lower = name.toLowerCase();
  const written = value === null || isToken(value) || /^\[[0-9A-Fa-f:.]+\]$/.test(value) || /^[\w.:-]+$/.test(value) ? value : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const out = params.filter(([key]) => key.toLowerCase() !== lower);
  const at = params.findIndex(([key]) => key.toLowerCase() === lower);
  if (at >= 0) out.splice(at, 0, [name, written]);
  else out.push([name, written]);
  return out;
}

export function formatParams(params: readonly Param[]): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}
