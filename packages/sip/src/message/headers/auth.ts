// Authentication headers (RFC 3261 §20.7, §20.27, §20.28, §20.44; digest of RFC 2617 / 8760):
// WWW-Authenticate, Proxy-Authenticate, Authorization, Proxy-Authorization. One challenge or
// credentials per row; never split on commas between rows.
import { Scanner, quote } from '../scanner.js';

export interface Credentials {
  /** "Digest", or another scheme as written. */
  readonly scheme: string;
  /** auth-params in order; values unquoted. */
  readonly params: readonly (readonly [name: string, value: string])[];
}

export function parseCredentials(text: string, header: string): Credentials {
  const s = new Scanner(text, header);
  s.ws();
  const scheme = s.token('the authentication scheme');
  const params: [string, string][] = [];
  s.ws();
  while (!s.done) {
    const name = s.token('an auth-param name');
    s.expect('=');
    const value = s.peek() === '"' ? s.quoted() : s.token('an auth-param value');
    params.push([name, value]);
    s.ws();
    if (s.done) break;
    s.expect(',');
  }
  return { scheme, params };
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
