// The server side of digest authentication (RFC 3261 §22.2–§22.3, RFC 7616 §3.3–§3.4): challenges
// with stateless nonces, and verification of Authorization / Proxy-Authorization against stored
// HA1s. It never sees a password and never throws for what a peer sends.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import createDebug from 'debug';
import type { Awaitable } from '@switchboard/actor';
import { createResponse } from '../message/builders.js';
import { SipParseError } from '../message/errors.js';
import { authParam, formatChallenge, parseCredentials, type Credentials } from '../message/headers/auth.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { formatUri, parseUri } from '../message/uri.js';
import { DIGEST_ALGORITHMS, digestAlgorithm, digestResponse, type DigestAlgorithm } from './digest-hash.js';
import { DigestConfigError } from './errors.js';
import { NonceCounts } from './nonce-counts.js';
import { NonceMint } from './nonce.js';
import type { DigestFailure, DigestRefusal, DigestVerification } from './verification.js';

const log = createDebug('switchboard:sip:auth');

/**
 * Finds the stored HA1 — H(username ":" realm ":" password), see `digestHa1` — of a user for one
 * algorithm's hash (MD5 or SHA-256; a `-sess` algorithm asks for its base one's). Returns
 * undefined for an unknown user, or a user with no HA1 for that hash. May be asynchronous (a
 * database); a rejection rejects `verify`.
 *
 * @example
 * const lookup: DigestLookup = async (username, realm, algorithm) =>
 *   (await db.query('select ha1 from sip_users where username = $1 and realm = $2 and algorithm = $3', [username, realm, algorithm]))[0]?.ha1;
 */
export type DigestLookup = (username: string, realm: string, algorithm: DigestAlgorithm) => Awaitable<string | undefined>;

/**
 * How a `DigestAuthenticator` challenges and what it accepts.
 *
 * @example
 * const options: DigestAuthenticatorOptions = { realm: 'example.com', secret, lookup, algorithms: ['MD5', 'SHA-256'], now: () => clock.now() };
 */
export interface DigestAuthenticatorOptions {
  /** The protection space (RFC 7616 §3.3): a registrar's or proxy's SIP domain. */
  readonly realm: string;
  /**
   * The key nonces are signed with. Nodes sharing it accept each other's nonces; changing it
   * makes every outstanding nonce forged. At least 16 octets.
   */
  readonly secret: string | Uint8Array;
  /** Finds the stored HA1 of a user in a realm for an algorithm; see {@link DigestLookup}. */
  readonly lookup: DigestLookup;
  /**
   * The algorithms offered, one challenge each, in this order (RFC 7616 §3.7: preferred first).
   * Default `['SHA-256', 'MD5']`. Offer only those you store HA1s for.
   */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** How long a nonce is good for, in ms (default 300,000). */
  readonly nonceLifetime?: number;
  /**
   * The clock nonces are stamped and checked with, in ms (default `Date.now`). Nodes sharing a
   * secret need a shared wall clock; tests pass the runtime's virtual clock.
   */
  readonly now?: () => number;
  /**
   * Nonce-count replay protection: how many nonces to remember the highest `nc` of (default
   * 10,000; `0` turns it off). A nonce forgotten for room can be replayed until it expires; each
   * node remembers its own.
   */
  readonly replayWindow?: number;
  /** The `opaque` value sent and expected back (default: derived from the secret and realm). */
  readonly opaque?: string;
}

/**
 * Options of `challenge` and `challengeHeaders`.
 *
 * @example
 * auth.challenge(request, { proxy: true, stale: true }); // 407, stale=true
 */
export interface ChallengeOptions {
  /** A proxy's challenge: 407 with Proxy-Authenticate, instead of 401 with WWW-Authenticate. */
  readonly proxy?: boolean;
  /** `stale=true`: the client's credentials were right but its nonce is no longer good. */
  readonly stale?: boolean;
}

/**
 * Options of `answer`.
 *
 * @example
 * auth.answer(request, outcome, { proxy: true, refused: 'forbid' });
 */
export interface AnswerOptions {
  /** A proxy's answer (407 / Proxy-Authenticate). */
  readonly proxy?: boolean;
  /**
   * How to answer `refused`: `'challenge'` (default: 401 / 407 again, so the user can retry) or
   * `'forbid'` (403, RFC 3261 §22.3: no retry with the same credentials).
   */
  readonly refused?: 'challenge' | 'forbid';
}

/**
 * Options of `verify`.
 *
 * @example
 * await auth.verify(request, { proxy: true }); // reads Proxy-Authorization
 */
export interface VerifyOptions {
  /** Read Proxy-Authorization (a proxy) instead of Authorization (a registrar or UAS). */
  readonly proxy?: boolean;
}

const DEFAULT_LIFETIME = 300_000;
const DEFAULT_REPLAY_WINDOW = 10_000;
const MIN_SECRET_BYTES = 16;
const NONCE_COUNT = /^[0-9a-fA-F]{8}$/;

function malformed(reason: string, header: string): DigestVerification {
  return { kind: 'malformed', reason, header };
}

function refused(reason: DigestRefusal, username: string): DigestVerification {
  return { kind: 'refused', reason, username };
}

/** Equal hex strings, compared in constant time (RFC 7616 §5.9: no timing oracle on `response`). */
function sameDigest(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'latin1');
  const b = Buffer.from(given.toLowerCase(), 'latin1');
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // the same work either way
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Whether the digest-uri names the Request-URI: as received, or the same once both are parsed. */
function sameUri(digestUri: string, request: SipRequest): boolean {
  if (digestUri === request.requestTarget) return true;
  try {
    return formatUri(parseUri(digestUri)) === formatUri(request.uri);
  } catch {
    return false; // a digest-uri that is not a URI names nothing
  }
}

/**
 * Challenges requests and verifies their digest credentials for one realm (RFC 3261 §22, RFC
 * 7616). Nonces are stateless — signed and stamped, see `secret` and `nonceLifetime` — so hostile
 * traffic grows no table; the only state is the bounded nonce-count table of `replayWindow`,
 * written only for requests that passed.
 *
 * Do not challenge ACK or CANCEL (RFC 3261 §22.1): they cannot be resent with credentials.
 *
 * @example
 * const auth = new DigestAuthenticator({
 *   realm: 'example.com',
 *   secret: process.env.SIP_NONCE_SECRET!,
 *   lookup: (username, realm, algorithm) => users.ha1(username, realm, algorithm), // digestHa1(…), stored
 *   now: () => runtime.clock.now(),
 * });
 * const core: CoreFactory = () => ({
 *   async receiveRequest(request, transaction) {
 *     if (transaction === null || request.method === 'ACK' || request.method === 'CANCEL') return;
 *     const outcome = await auth.verify(request);
 *     if (outcome.kind !== 'ok') return transaction.respond(auth.answer(request, outcome));
 *     transaction.respond(createResponse(request, 200)); // outcome.username is authenticated
 *   },
 *   receiveResponse() {},
 *   receiveError() {},
 * });
 */
export class DigestAuthenticator {
  /** The realm challenges are issued in and credentials are checked against. */
  readonly realm: string;
  /** The algorithms offered, in challenge order. */
  readonly algorithms: readonly DigestAlgorithm[];
  private readonly lookup: DigestLookup;
  private readonly now: () => number;
  private readonly nonces: NonceMint;
  private readonly counts: NonceCounts | undefined;
  private readonly opaque: string;

  /**
   * Creates an authenticator from its options. Throws {@link DigestConfigError} on a bad option (a
   * short secret, an unknown algorithm…).
   */
  constructor(options: DigestAuthenticatorOptions) {
    const secret = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : Buffer.from(options.secret);
    if (secret.length < MIN_SECRET_BYTES) throw new DigestConfigError(`at least ${MIN_SECRET_BYTES} octets are needed, got ${secret.length}`, 'secret');
    if (options.realm === '' || /[\r\n]/.test(options.realm)) throw new DigestConfigError('a realm is a non-empty line', 'realm');
    const algorithms = options.algorithms ?? ['SHA-256', 'MD5'];
    if (algorithms.length === 0) throw new DigestConfigError('offer at least one algorithm', 'algorithms');
    for (const a of algorithms) if (!DIGEST_ALGORITHMS.includes(a)) throw new DigestConfigError(`unknown algorithm ${String(a)}`, 'algorithms');
    const lifetime = options.nonceLifetime ?? DEFAULT_LIFETIME;
    if (!(lifetime > 0)) throw new DigestConfigError('a nonce lifetime is a positive number of ms', 'nonceLifetime');
    const window = options.replayWindow ?? DEFAULT_REPLAY_WINDOW;
    if (!(window >= 0)) throw new DigestConfigError('a replay window is zero or more nonces', 'replayWindow');
    this.realm = options.realm;
    this.algorithms = [...algorithms];
    this.lookup = options.lookup;
    this.now = options.now ?? Date.now;
    this.nonces = new NonceMint(secret, options.realm, lifetime);
    this.counts = window > 0 ? new NonceCounts(window) : undefined;
    this.opaque = options.opaque ?? createHmac('sha256', secret).update(`opaque\u0000${options.realm}`, 'utf8').digest('base64url').slice(0, 22);
  }

  /**
   * The challenge header rows for a 401 / 407 of your own making: one WWW-Authenticate (or
   * Proxy-Authenticate) row per offered algorithm, preferred first (RFC 7616 §3.7), each with
   * realm, a new nonce, opaque, `qop="auth"` and the algorithm.
   *
   * @example
   * createResponse(request, 401, { headers: auth.challengeHeaders(), reason: 'Who are you?' });
   */
  challengeHeaders(options: ChallengeOptions = {}): [name: string, value: string][] {
    const name = options.proxy === true ? 'Proxy-Authenticate' : 'WWW-Authenticate';
    const nonce = this.nonces.issue(this.now());
    return this.algorithms.map((algorithm) => {
      const params: [string, string][] = [
        ['realm', this.realm],
        ['qop', 'auth'],
        ['algorithm', algorithm],
        ['nonce', nonce],
        ['opaque', this.opaque],
      ];
      if (options.stale === true) params.push(['stale', 'true']);
      return [name, formatChallenge({ scheme: 'Digest', params })];
    });
  }

  /**
   * A 401 Unauthorized (or, with `proxy`, 407 Proxy Authentication Required) to `request`, with
   * the challenges of `challengeHeaders` (RFC 3261 §22.2, §22.3).
   *
   * @example
   * transaction.respond(auth.challenge(request));                   // 401
   * transaction.respond(auth.challenge(request, { stale: true }));  // 401, stale=true
   */
  challenge(request: SipRequest, options: ChallengeOptions = {}): SipResponse {
    return createResponse(request, options.proxy === true ? 407 : 401, { headers: this.challengeHeaders(options) });
  }

  /**
   * The answer to a request whose verification failed: a challenge for `missing`, a challenge with
   * `stale=true` for `stale`, a challenge (or 403 with `refused: 'forbid'`) for `refused`, and 400
   * for `malformed`.
   *
   * @example
   * const outcome = await auth.verify(request);
   * if (outcome.kind !== 'ok') transaction.respond(auth.answer(request, outcome, { refused: 'forbid' }));
   */
  answer(request: SipRequest, outcome: DigestFailure, options: AnswerOptions = {}): SipResponse {
    const proxy = options.proxy === true;
    switch (outcome.kind) {
      case 'missing':
        return this.challenge(request, { proxy });
      case 'stale':
        return this.challenge(request, { proxy, stale: true });
      case 'refused':
        return options.refused === 'forbid' ? createResponse(request, 403) : this.challenge(request, { proxy });
      case 'malformed':
        return createResponse(request, 400, { reason: `Bad Request (${outcome.header}: ${outcome.reason})`.replace(/[\r\n]/g, ' ').slice(0, 160) });
    }
  }

  /**
   * Checks the request's Authorization (or, with `proxy`, Proxy-Authorization) credentials for this
   * realm (RFC 7616 §3.4, RFC 3261 §22.4): Digest scheme, a known algorithm this authenticator
   * offers, `uri` the Request-URI, a nonce of ours still fresh, `qop=auth` with `nc` and `cnonce`,
   * `opaque` ours when sent, and `response` computed from the stored HA1 — compared in constant
   * time. Credentials for other realms are left to the proxies they are for.
   *
   * Return values (see `DigestVerification`):
   * - `{ kind: 'ok', username, realm, algorithm }`: authenticated.
   * - `{ kind: 'missing', reason }`: nothing for this realm; challenge.
   * - `{ kind: 'stale', reason, username }`: right, but the nonce is expired or replayed; challenge
   *   with stale=true.
   * - `{ kind: 'refused', reason, username }`: wrong; challenge again or answer 403.
   * - `{ kind: 'malformed', reason, header }`: unreadable; answer 400.
   *
   * Never throws for what the request holds; rejects only when `lookup` does.
   *
   * @example
   * const outcome = await auth.verify(request);
   * if (outcome.kind === 'ok') log('REGISTER from %s', outcome.username);
   */
  async verify(request: SipRequest, options: VerifyOptions = {}): Promise<DigestVerification> {
    const header = options.proxy === true ? 'Proxy-Authorization' : 'Authorization';
    const outcome = await this.check(request, header);
    if (outcome.kind === 'ok') log('%s %s: %s authenticated (%s)', request.method, this.realm, outcome.username, outcome.algorithm);
    else log('%s %s: %s %s', request.method, this.realm, outcome.kind, outcome.reason);
    return outcome;
  }

  private async check(request: SipRequest, header: string): Promise<DigestVerification> {
    const rows = request.headers.getAll(header);
    if (rows.length === 0) return { kind: 'missing', reason: 'no-credentials' };
    // RFC 3261 §22.3: each proxy reads the credentials for its own realm; several may be present,
    // and another scheme's (Basic, with its token68) is not ours to read.
    let credentials: Credentials | undefined;
    for (const row of rows) {
      if (!/^\s*digest(?:\s|$)/i.test(row)) continue;
      let parsed: Credentials;
      try {
        parsed = parseCredentials(row, header);
      } catch (error) {
        if (error instanceof SipParseError) return malformed(error.message, header);
        throw error;
      }
      if (authParam(parsed, 'realm') === this.realm) {
        credentials = parsed;
        break;
      }
    }
    if (credentials === undefined) return { kind: 'missing', reason: 'other-realm' };

    const username = authParam(credentials, 'username');
    const nonce = authParam(credentials, 'nonce');
    const uri = authParam(credentials, 'uri');
    const response = authParam(credentials, 'response');
    if (username === undefined) return malformed(authParam(credentials, 'username*') === undefined ? 'no username' : 'username* is not supported', header);
    if (nonce === undefined) return malformed('no nonce', header);
    if (uri === undefined) return malformed('no uri', header);
    if (response === undefined) return malformed('no response', header);
    const qop = authParam(credentials, 'qop');
    const cnonce = authParam(credentials, 'cnonce');
    const nc = authParam(credentials, 'nc');
    if (qop !== undefined) {
      if (qop.toLowerCase() !== 'auth') return refused('unsupported-qop', username);
      if (cnonce === undefined || cnonce === '') return malformed('qop without cnonce', header);
      if (nc === undefined || !NONCE_COUNT.test(nc)) return malformed('qop without an 8-digit hex nc', header);
    } else return refused('unsupported-qop', username); // we always offer qop="auth" (RFC 7616 §3.3 requires it)

    const algorithm = digestAlgorithm(authParam(credentials, 'algorithm'));
    if (algorithm === undefined || !this.algorithms.includes(algorithm)) return refused('unsupported-algorithm', username);
    const state = this.nonces.check(nonce, this.now());
    if (state === 'forged') return refused('forged-nonce', username);
    const opaque = authParam(credentials, 'opaque');
    // RFC 7616 §3.4: the client returns opaque unchanged; many SIP clients leave it out altogether.
    if (opaque !== undefined && opaque !== this.opaque) return refused('wrong-opaque', username);

    let uriMatches: boolean;
    try {
      uriMatches = sameUri(uri, request);
    } catch (error) {
      if (error instanceof SipParseError) return malformed(`the Request-URI: ${error.message}`, header);
      throw error;
    }
    if (!uriMatches) return refused('wrong-uri', username); // RFC 2617 §3.2.2.5

    const base: DigestAlgorithm = algorithm.endsWith('-sess') ? (algorithm.slice(0, -'-sess'.length) as DigestAlgorithm) : algorithm;
    const stored = await this.lookup(username, this.realm, base);
    // An unknown user costs the same hashing as a known one: the answer time tells nothing.
    const ha1 = stored ?? randomBytes(32).toString('hex');
    const expected = digestResponse({ algorithm, ha1, nonce, method: request.method, uri, qop: 'auth', cnonce, nc });
    const matches = sameDigest(expected, response);
    if (stored === undefined) return refused('unknown-user', username);
    if (!matches) return refused('wrong-response', username);
    // RFC 7616 §3.3: right credentials on an old nonce — say stale, so the client need not ask its user.
    if (state === 'expired') return { kind: 'stale', reason: 'expired', username };
    if (this.counts !== undefined && !this.counts.accept(nonce, Number.parseInt(nc, 16))) return { kind: 'stale', reason: 'replayed', username };
    return { kind: 'ok', username, realm: this.realm, algorithm };
  }
}
