// Reading the digest challenges of a 401 / 407 (RFC 3261 §22.2, §22.3; RFC 7616 §3.3, §3.7) and
// choosing, per realm, the strongest one this package can answer.
import { SipParseError } from '../message/errors.js';
import { authParam, parseChallenges, type Credentials } from '../message/headers/auth.js';
import type { SipResponse } from '../message/message.js';
import { DIGEST_ALGORITHMS, digestAlgorithm, type DigestAlgorithm } from './digest-hash.js';
import { DigestChallengeError } from './errors.js';

/**
 * One Digest challenge this package can answer.
 *
 * @example
 * const { realm, algorithm, stale } = digestChallenges(response)[0]!;
 */
export interface DigestChallenge {
  /** `WWW-Authenticate` (401) or `Proxy-Authenticate` (407): the answer goes in the matching
   * `Authorization` or `Proxy-Authorization`. */
  readonly header: 'WWW-Authenticate' | 'Proxy-Authenticate';
  /** The realm to answer in (RFC 7616 §3.3); the credentials' realm, when set, must match it. */
  readonly realm: string;
  /** The server's nonce, echoed back in the answer. */
  readonly nonce: string;
  /** The algorithm to hash with; a challenge without one means MD5 (RFC 7616 §3.3). */
  readonly algorithm: DigestAlgorithm;
  /** Whether the challenge offers `qop="auth"` (else the RFC 2069 form is used). */
  readonly qop: 'auth' | undefined;
  /** The `opaque` value, echoed back unchanged; undefined when the challenge has none. */
  readonly opaque: string | undefined;
  /** `stale=true`: the previous credentials were right, only their nonce was old (RFC 7616 §3.3). */
  readonly stale: boolean;
}

/** The answering header for a challenge header. */
export function credentialsHeader(challenge: DigestChallenge): 'Authorization' | 'Proxy-Authorization' {
  return challenge.header === 'WWW-Authenticate' ? 'Authorization' : 'Proxy-Authorization';
}

function answerable(raw: Credentials, header: DigestChallenge['header'], accept: readonly DigestAlgorithm[]): DigestChallenge | undefined {
  if (raw.scheme.toLowerCase() !== 'digest') return undefined;
  const realm = authParam(raw, 'realm');
  const nonce = authParam(raw, 'nonce');
  const algorithm = digestAlgorithm(authParam(raw, 'algorithm'));
  if (realm === undefined || nonce === undefined || algorithm === undefined || !accept.includes(algorithm)) return undefined;
  const qops = authParam(raw, 'qop');
  let qop: 'auth' | undefined;
  if (qops !== undefined) {
    // RFC 7616 §3.3: a quoted list of the qops the server takes; only `auth` is answered here
    if (!qops.split(',').some((q) => q.trim().toLowerCase() === 'auth')) return undefined;
    qop = 'auth';
  }
  return { header, realm, nonce, algorithm, qop, opaque: authParam(raw, 'opaque'), stale: authParam(raw, 'stale')?.toLowerCase() === 'true' };
}

/**
 * The challenges of a 401 or 407 to answer, one per realm (in the order the realms first appear),
 * each the strongest one of that realm in `accept`'s order (RFC 7616 §3.7: SHA-256 before MD5).
 * Throws `DigestChallengeError` when the response is not a 401 / 407, a challenge row does not
 * parse, or no challenge can be answered.
 *
 * @example
 * const [challenge] = digestChallenges(response401);
 * challenge.algorithm; // 'SHA-256' when the server offered SHA-256 and MD5
 */
export function digestChallenges(response: SipResponse, accept: readonly DigestAlgorithm[] = DIGEST_ALGORITHMS): DigestChallenge[] {
  if (response.status !== 401 && response.status !== 407) throw new DigestChallengeError(`a ${response.status} is not a challenge`, response.status);
  const header = response.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
  const best = new Map<string, DigestChallenge>();
  for (const row of response.headers.getAll(header)) {
    let parsed: Credentials[];
    try {
      parsed = parseChallenges(row, header);
    } catch (error) {
      if (error instanceof SipParseError) throw new DigestChallengeError(error.message, response.status, header);
      throw error;
    }
    for (const raw of parsed) {
      const challenge = answerable(raw, header, accept);
      if (challenge === undefined) continue;
      const held = best.get(challenge.realm);
      if (held === undefined || accept.indexOf(challenge.algorithm) < accept.indexOf(held.algorithm)) best.set(challenge.realm, challenge);
    }
  }
  if (best.size === 0) throw new DigestChallengeError(`no Digest challenge with an algorithm of ${accept.join(', ')} and qop auth (or none)`, response.status, header);
  return [...best.values()];
}
