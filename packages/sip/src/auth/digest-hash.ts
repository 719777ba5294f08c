// The digest computations of RFC 7616 §3.4.1–§3.4.3 (RFC 2617 §3.2.2 for MD5): the algorithms,
// H, HA1 (with the -sess variants), HA2 and the request-digest. Pure: strings in, hex out.
import { createHash } from 'node:crypto';

/**
 * The digest algorithms this package computes (RFC 7616 §3.2 and §6.1), strongest first. The
 * `-sess` variants hash HA1 again with the nonce and cnonce (§3.4.2).
 */
export type DigestAlgorithm = 'SHA-512-256' | 'SHA-512-256-sess' | 'SHA-256' | 'SHA-256-sess' | 'MD5' | 'MD5-sess';

/**
 * Every {@link DigestAlgorithm}, strongest first: the order a client prefers them in.
 *
 * @example
 * new DigestClient(credentials, { algorithms: DIGEST_ALGORITHMS.filter((a) => !a.endsWith('-sess')) });
 */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-512-256', 'SHA-512-256-sess', 'SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'];

const NODE_HASH: Readonly<Record<DigestAlgorithm, string>> = {
  'SHA-512-256': 'sha512-256',
  'SHA-512-256-sess': 'sha512-256',
  'SHA-256': 'sha256',
  'SHA-256-sess': 'sha256',
  MD5: 'md5',
  'MD5-sess': 'md5',
};

/**
 * The algorithm an `algorithm=` parameter names (case-insensitive, RFC 7616 §3.3), or undefined
 * for one this package does not know. An absent parameter means MD5 (RFC 2617 §3.2.1).
 *
 * @example
 * digestAlgorithm('sha-256');  // 'SHA-256'
 * digestAlgorithm(undefined);  // 'MD5'
 * digestAlgorithm('SHA-1');    // undefined
 */
export function digestAlgorithm(name: string | undefined): DigestAlgorithm | undefined {
  if (name === undefined) return 'MD5';
  const upper = name.toUpperCase();
  return DIGEST_ALGORITHMS.find((a) => a.toUpperCase() === upper);
}

/** Whether `algorithm` is a session variant (HA1 hashed again with nonce and cnonce). */
export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

/** H(data) in lowercase hex (RFC 7616 §3.4.1), over the UTF-8 octets of `data`. */
export function digestHash(algorithm: DigestAlgorithm, data: string): string {
  return createHash(NODE_HASH[algorithm]).update(data, 'utf8').digest('hex');
}

/**
 * HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2), what a server stores instead of the
 * password. A `-sess` algorithm stores the HA1 of its base algorithm: the session part depends on
 * each nonce and is added at verification time.
 *
 * @example
 * // Store this in the user table; the authenticator's lookup hands it back.
 * const ha1 = digestHa1('Mufasa', 'http-auth@example.org', 'Circle of Life', 'SHA-256');
 * // '7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232'
 */
export function digestHa1(username: string, realm: string, password: string, algorithm: DigestAlgorithm = 'MD5'): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/**
 * The inputs of a request-digest, as they appear in the credentials.
 *
 * @example
 * const inputs: DigestInputs = { algorithm: 'SHA-256', ha1, nonce, method: 'REGISTER', uri: 'sip:example.com', qop: 'auth', nc: '00000001', cnonce };
 */
export interface DigestInputs {
  /** The algorithm to hash with (RFC 7616 §3.4.2); a `-sess` one mixes the nonces into HA1. */
  readonly algorithm: DigestAlgorithm;
  /** The stored HA1, H(username:realm:password), of the algorithm's base hash. */
  readonly ha1: string;
  /** The server's nonce from the challenge. */
  readonly nonce: string;
  /** The request's method (RFC 3261 §22.4 uses it as HTTP does). */
  readonly method: string;
  /** The digest-uri exactly as sent in the credentials' `uri`. */
  readonly uri: string;
  /** 'auth', or undefined for the RFC 2069 form with no qop, cnonce or nc. */
  readonly qop?: 'auth';
  /** With qop: the client nonce. */
  readonly cnonce?: string;
  /** With qop: the nonce count, 8 hex digits as sent (`00000001`). */
  readonly nc?: string;
}

/**
 * The request-digest, the `response` parameter (RFC 7616 §3.4.1; RFC 2617 §3.2.2.1 without qop):
 * KD(HA1, nonce ":" nc ":" cnonce ":" qop ":" HA2) with HA2 = H(method ":" uri).
 *
 * @example
 * digestResponse({ algorithm: 'MD5', ha1: digestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life'),
 *   nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', method: 'GET', uri: '/dir/index.html',
 *   qop: 'auth', nc: '00000001', cnonce: '0a4f113b' });
 * // '6629fae49393a05397450978507c4ef1' (RFC 2617 §3.5)
 */
export function digestResponse(inputs: DigestInputs): string {
  const { algorithm } = inputs;
  let ha1 = inputs.ha1.toLowerCase();
  // RFC 7616 §3.4.2: HA1 of a -sess algorithm = H(H(user:realm:pass) ":" nonce ":" cnonce)
  if (isSessionAlgorithm(algorithm)) ha1 = digestHash(algorithm, `${ha1}:${inputs.nonce}:${inputs.cnonce ?? ''}`);
  const ha2 = digestHash(algorithm, `${inputs.method}:${inputs.uri}`);
  const data = inputs.qop === undefined ? `${inputs.nonce}:${ha2}` : `${inputs.nonce}:${inputs.nc ?? ''}:${inputs.cnonce ?? ''}:${inputs.qop}:${ha2}`;
  return digestHash(algorithm, `${ha1}:${data}`);
}
