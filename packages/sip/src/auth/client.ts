// The client side of digest authentication (RFC 3261 §22.2–§22.3, RFC 7616 §3.4): answering a
// 401 / 407 with the request resent — CSeq + 1, a new branch, credentials for each realm — and
// signing later requests with the nonces already given (nonce count + 1).
import { randomBytes } from 'node:crypto';
import createDebug from 'debug';
import { newBranch } from '../message/builders.js';
import { authParam, type Credentials } from '../message/headers/auth.js';
import { SipRequest, type SipResponse } from '../message/message.js';
import { withParam } from '../message/params.js';
import { credentialsHeader, digestChallenges, type DigestChallenge } from './challenge.js';
import { DIGEST_ALGORITHMS, digestHa1, digestResponse, isSessionAlgorithm, type DigestAlgorithm } from './digest-hash.js';
import { DigestChallengeError } from './errors.js';

const log = createDebug('switchboard:sip:auth');

/**
 * Who the client is.
 *
 * @example
 * new DigestClient({ username: 'alice', password: 'wonderland', realm: 'example.com' });
 */
export interface DigestCredentials {
  /** The user name to authenticate as. */
  readonly username: string;
  /** The user's password; only its hashes leave the process. */
  readonly password: string;
  /** Answer only challenges of this realm (default: every realm that challenges). */
  readonly realm?: string;
}

/**
 * How a `DigestClient` answers.
 *
 * @example
 * new DigestClient(credentials, { algorithms: ['SHA-256', 'MD5'] }); // never SHA-512-256 or -sess
 */
export interface DigestClientOptions {
  /** The algorithms to answer, preferred first (default: SHA-512-256, SHA-256, MD5 and their -sess). */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** Makes client nonces (default: 12 random octets, base64url); tests pin it. */
  readonly cnonce?: () => string;
}

/**
 * Options of `authorize`.
 *
 * @example
 * await stack.sendRequest(digest.authorize(request, response, { via: 'drop' })); // the stack adds the Via
 */
export interface AuthorizeOptions {
  /**
   * The resent request's top Via: `'renew'` (default) keeps it with a new branch (send it with
   * `sendRequest(request, { via: 'keep' })`); `'drop'` removes it, for a stack that adds its own
   * (`sendRequest(request)`).
   */
  readonly via?: 'renew' | 'drop';
}

/** What the client remembers of a realm's challenge, to sign later requests with (§22.3). */
interface Session {
  readonly challenge: DigestChallenge;
  count: number;
}

/**
 * The request to resend after a 401 / 407 (RFC 3261 §22.2): the same request with CSeq + 1 and,
 * unless `via` is `'drop'`, its top Via with a new branch — a new transaction.
 */
function resent(request: SipRequest, via: 'renew' | 'drop'): SipRequest {
  const headers = request.headers.clone();
  const cseq = request.cseq;
  if (cseq !== undefined) headers.set('CSeq', { seq: cseq.seq + 1, method: cseq.method });
  const top = headers.shift('via');
  if (top !== undefined && via === 'renew') headers.prepend('Via', { ...top, params: withParam(top.params, 'branch', newBranch()) });
  return new SipRequest(request.method, request.uri, headers, request.body);
}

/**
 * A UAC's digest credentials and the challenges it has answered. `authorize` turns a request that
 * got a 401 / 407 into the request to resend; `sign` adds credentials to a new request from the
 * challenges already seen, so a REGISTER refresh need not be challenged again.
 *
 * A 401 / 407 to a request that already carried credentials for that realm, without `stale=true`,
 * means they were refused (a wrong password): `authorize` throws rather than retry forever.
 *
 * @example
 * const digest = new DigestClient({ username: 'alice', password: 'secret' });
 * let response = await uac.request(register);
 * if (response.status === 401 || response.status === 407) {
 *   const again = digest.authorize(register, response, { via: 'drop' });
 *   response = await uac.request(again); // 200 when the registrar takes the credentials
 * }
 */
export class DigestClient {
  private readonly sessions = new Map<string, Session>();
  private readonly algorithms: readonly DigestAlgorithm[];
  private readonly cnonce: () => string;

  /**
   * Creates a client answering challenges with `credentials`; see {@link DigestClientOptions} for
   * the options.
   */
  constructor(
    private readonly credentials: DigestCredentials,
    options: DigestClientOptions = {},
  ) {
    this.algorithms = options.algorithms ?? DIGEST_ALGORITHMS;
    this.cnonce = options.cnonce ?? (() => randomBytes(12).toString('base64url'));
  }

  /**
   * The request to send in answer to `response`, a 401 or 407 to `request` (RFC 3261 §22.2,
   * §22.3): a copy with CSeq + 1, a new Via branch, and an Authorization (401) or
   * Proxy-Authorization (407) answering, for each realm challenged, its strongest challenge this
   * client supports, with `qop=auth`, a new cnonce and nc 1 when offered. Credentials the request
   * held for those realms are replaced; others stay. `request` itself is not changed.
   *
   * Throws `DigestChallengeError` when there is nothing to answer (no usable challenge, none for
   * `credentials.realm`), or when the credentials were refused (see the class).
   *
   * @example
   * const again = digest.authorize(transaction.request, response); // Via kept, new branch
   * await stack.sendRequest(again, { via: 'keep' });
   */
  authorize(request: SipRequest, response: SipResponse, options: AuthorizeOptions = {}): SipRequest {
    const wanted = this.credentials.realm;
    const challenges = digestChallenges(response, this.algorithms).filter((c) => wanted === undefined || c.realm === wanted);
    if (challenges.length === 0) throw new DigestChallengeError(`no challenge for realm ${JSON.stringify(wanted)}`, response.status);
    for (const challenge of challenges) {
      const answered = this.heldFor(request, credentialsHeader(challenge), challenge.realm);
      // RFC 3261 §22.2: a new challenge to credentials just made for a fresh nonce (nc 1), not
      // stale: they were refused. Signed with an older nonce (nc > 1), they get one more try.
      const first = answered !== undefined && (authParam(answered, 'nc') ?? '00000001') === '00000001';
      if (first && !challenge.stale) throw new DigestChallengeError(`the credentials of ${JSON.stringify(this.credentials.username)} were refused in realm ${JSON.stringify(challenge.realm)}`, response.status, challenge.header);
    }
    const next = resent(request, options.via ?? 'renew');
    for (const challenge of challenges) {
      const session: Session = { challenge, count: 0 };
      this.sessions.set(`${challenge.header}\u0000${challenge.realm}`, session);
      this.put(next, session);
      log('%s: answering %s realm %s with %s', request.method, challenge.header, challenge.realm, challenge.algorithm);
    }
    return next;
  }

  /**
   * Adds credentials for every realm this client has answered a challenge of, with the nonce it
   * was given and the next nonce count (RFC 7616 §3.4: nc counts the requests sent with a nonce).
   * Changes `request` in place and returns it. A server that no longer takes the nonce answers
   * with `stale=true`, which `authorize` answers.
   *
   * @example
   * const refresh = digest.sign(createRequest({ method: 'REGISTER', … , cseq: 3 }));
   */
  sign(request: SipRequest): SipRequest {
    for (const session of this.sessions.values()) this.put(request, session);
    return request;
  }

  /** Forgets every challenge (the next request goes out unsigned). */
  reset(): void {
    this.sessions.clear();
  }

  private heldFor(request: SipRequest, header: 'Authorization' | 'Proxy-Authorization', realm: string): Credentials | undefined {
    try {
      return request.headers.all(header === 'Authorization' ? 'authorization' : 'proxy-authorization').find((c) => authParam(c, 'realm') === realm);
    } catch {
      return undefined; // credentials of ours that do not parse are replaced anyway
    }
  }

  /** Writes the credentials answering `session` into `request`, replacing those for its realm. */
  private put(request: SipRequest, session: Session): void {
    const { challenge } = session;
    const header = credentialsHeader(challenge);
    const { username, password } = this.credentials;
    session.count++;
    const uri = request.requestTarget;
    const params: [string, string][] = [
      ['username', username],
      ['realm', challenge.realm],
      ['nonce', challenge.nonce],
      ['uri', uri],
    ];
    const ha1 = digestHa1(username, challenge.realm, password, challenge.algorithm);
    if (challenge.qop === 'auth') {
      const cnonce = this.cnonce();
      const nc = session.count.toString(16).padStart(8, '0');
      params.push(['response', digestResponse({ algorithm: challenge.algorithm, ha1, nonce: challenge.nonce, method: request.method, uri, qop: 'auth', cnonce, nc })]);
      params.push(['algorithm', challenge.algorithm], ['cnonce', cnonce], ['qop', 'auth'], ['nc', nc]);
    } else {
      // RFC 2617 §3.2.2.1 without qop (RFC 2069); a -sess algorithm needs a cnonce all the same
      const cnonce = isSessionAlgorithm(challenge.algorithm) ? this.cnonce() : undefined;
      params.push(['response', digestResponse({ algorithm: challenge.algorithm, ha1, nonce: challenge.nonce, method: request.method, uri, ...(cnonce === undefined ? {} : { cnonce }) })]);
      params.push(['algorithm', challenge.algorithm]);
      if (cnonce !== undefined) params.push(['cnonce', cnonce]);
    }
    if (challenge.opaque !== undefined) params.push(['opaque', challenge.opaque]);
    const key = header === 'Authorization' ? 'authorization' : 'proxy-authorization';
    let kept: Credentials[] = [];
    try {
      kept = request.headers.all(key).filter((c) => authParam(c, 'realm') !== challenge.realm);
    } catch {
      kept = []; // unreadable credentials of ours: replaced
    }
    request.headers.delete(header);
    for (const c of kept) request.headers.append(header, c);
    request.headers.append(header, { scheme: 'Digest', params });
  }
}
