// Authentication headers (RFC 3261 §20.7, §20.27, §20.28, §20.44; digest of RFC 2617 / 8760):
// WWW-Authenticate, Proxy-Authenticate, Authorization, Proxy-Authorization. One challenge or
// credentials per row; never split on commas between rows.
import { SipParseError } from '../errors.js';
import { octetsOf } from '../octets.js';
import { Scanner, quote, tokenEnd } from '../scanner.js';

/**
 * A challenge or credentials value (RFC 3261 §22.4, §25.1): the scheme and its auth-params, as in
 * WWW-Authenticate, Proxy-Authenticate, Authorization and Proxy-Authorization.
 */
export interface Credentials {
  /** "Digest", or another scheme as written. */
  readonly scheme: string;
  /** auth-params in order; values unquoted. */
  readonly params: readonly (readonly [name: string, value: string])[];
}

export function parseCredentials(text: string, header: string): Credentials {
  // the challenge grammar read for one scheme only: credentials are one per row
  const all = parseChallenges(text, header);
  if (all.length !== 1) throw new SipParseError('one scheme per row', 400, header);
  return all[0]!;
}

/**
 * The usual form — `Scheme name=token, name="quoted without escapes", …` — read where it lies in
 * the head, text[from, to), scanning `octets` (text's, at the same offsets: see octets.ts);
 * undefined for anything else (the scanner then reads it).
 */
export function credentialsAt(text: string, from: number, to: number, octets: Uint8Array = octetsOf(text)): Credentials | undefined {
  let pos = tokenEnd(octets, from, to);
  let c = 0;
  if (pos === from) return undefined;
  const scheme = text.slice(from, pos);
  const params: [string, string][] = [];
  if (pos === to) return { scheme, params };
  if (octets[pos] !== 32) return undefined;
  // a quoted-pair anywhere is for the scanner; without one, a quoted value ends at the next quote
  const backslash = text.indexOf('\\', pos);
  if (backslash >= 0 && backslash < to) return undefined;
  pos++;
  for (;;) {
    while (pos < to && ((c = octets[pos]!) === 32 || c === 9)) pos++;
    const nameStart = pos;
    pos = tokenEnd(octets, pos, to);
    if (pos === nameStart || pos === to || octets[pos] !== 61) return undefined;
    const name = text.slice(nameStart, pos);
    pos++;
    let value: string;
    if (pos < to && octets[pos] === 34) {
      const valueStart = ++pos;
      pos = text.indexOf('"', pos);
      if (pos < 0 || pos >= to) return undefined;
      value = text.slice(valueStart, pos++);
    } else {
      const valueStart = pos;
      pos = tokenEnd(octets, pos, to);
      if (pos === valueStart) return undefined;
      value = text.slice(valueStart, pos);
    }
    params.push([name, value]);
    while (pos < to && ((c = octets[pos]!) === 32 || c === 9)) pos++;
    if (pos === to) return { scheme, params };
    if (c !== 44) return undefined;
    pos++;
  }
}

/** The value of auth-param `name` (case-insensitive). */
export function authParam(credentials: Credentials, name: string): string | undefined {
  const lower = name.toLowerCase();
  return credentials.params.find(([key]) => key.toLowerCase() === lower)?.[1];
}

// Digest parameters that are sent as tokens, unquoted (RFC 2617 §3.2.1, §3.2.2).
const UNQUOTED = new Set(['algorithm', 'stale', 'qop', 'nc']);

export function formatCredentials(value: Credentials): string {
  const params = value.params.map(([name, v]) => `${name}=${UNQUOTED.has(name.toLowerCase()) && /^[\w.-]+$/.test(v) ? v : quote(v)}`);
  return params.length === 0 ? value.scheme : `${value.scheme} ${params.join(', ')}`;
}

/**
 * Every challenge in one WWW-Authenticate / Proxy-Authenticate row. SIP sends one challenge per
 * row (RFC 3261 §20.44), but HTTP's grammar (RFC 7235 §4.1) lets a row carry several —
 * `Digest realm="a", algorithm=SHA-256, Digest realm="a", algorithm=MD5` — and some peers do:
 * after a comma, a token followed by anything but "=" starts the next challenge.
 *
 * @example
 * parseChallenges('Digest realm="a", algorithm=SHA-256, Digest realm="a", algorithm=MD5', 'WWW-Authenticate').length; // 2
 */
export function parseChallenges(text: string, header: string): Credentials[] {
  const s = new Scanner(text, header);
  const out: Credentials[] = [];
  s.ws();
  let scheme = s.token('the authentication scheme');
  let params: [string, string][] = [];
  s.ws();
  while (!s.done) {
    const name = s.token('an auth-param name');
    s.ws();
    if (s.peek() !== '=') {
      // a new scheme: the previous challenge ends at the comma before it
      out.push({ scheme, params });
      scheme = name;
      params = [];
      continue;
    }
    s.expect('=');
    const value = s.peek() === '"' ? s.quoted() : s.token('an auth-param value');
    params.push([name, value]);
    s.ws();
    if (s.done) break;
    s.expect(',');
  }
  out.push({ scheme, params });
  return out;
}

// Challenge parameters sent as tokens (RFC 7616 §3.3: algorithm and stale; qop is quoted there).
const CHALLENGE_UNQUOTED = new Set(['algorithm', 'stale']);

/**
 * A challenge as RFC 7616 §3.3 writes it: `qop="auth"` quoted, `algorithm` and `stale` bare.
 *
 * @example
 * formatChallenge({ scheme: 'Digest', params: [['realm', 'a'], ['qop', 'auth'], ['algorithm', 'MD5']] });
 * // 'Digest realm="a", qop="auth", algorithm=MD5'
 */
export function formatChallenge(value: Credentials): string {
  const params = value.params.map(([name, v]) => `${name}=${CHALLENGE_UNQUOTED.has(name.toLowerCase()) && /^[\w.-]+$/.test(v) ? v : quote(v)}`);
  return params.length === 0 ? value.scheme : `${value.scheme} ${params.join(', ')}`;
}
