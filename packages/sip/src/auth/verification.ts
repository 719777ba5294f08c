// What verifying a request's credentials can come to, as data a core turns into an answer: go on,
// challenge (401 / 407, perhaps with stale=true), forbid (403) or refuse to read (400).
import type { DigestAlgorithm } from './digest-hash.js';

/** The credentials are right: the request comes from `username`. */
export interface DigestAccepted {
  /** Always `ok`: go on with the request. */
  readonly kind: 'ok';
  /** The authenticated user, as written in the credentials. */
  readonly username: string;
  /** The realm the credentials were checked in. */
  readonly realm: string;
  /** The algorithm the credentials used. */
  readonly algorithm: DigestAlgorithm;
}

/**
 * No credentials to check: none at all (`no-credentials`), or only credentials for other realms or
 * other schemes (`other-realm`: for another proxy on the path, RFC 3261 §22.3). Answer with a
 * challenge.
 */
export interface DigestMissing {
  /** Always `missing`: answer with a challenge (401 or 407). */
  readonly kind: 'missing';
  /**
   * Why there was nothing to check: no credentials at all, or only some for another realm or
   * scheme.
   */
  readonly reason: 'no-credentials' | 'other-realm';
}

/**
 * The credentials were right for a nonce that is no longer good: authentic but past its lifetime
 * (`expired`), or a nonce count already used (`replayed`). Answer with a challenge carrying
 * `stale=true` (RFC 7616 §3.3), so the client retries with a new nonce without asking its user.
 */
export interface DigestStale {
  /** Always `stale`: answer with a challenge carrying `stale=true`. */
  readonly kind: 'stale';
  /** Why the nonce is no longer good: past its lifetime, or its nonce count already seen. */
  readonly reason: 'expired' | 'replayed';
  /** The user the credentials were for; they were otherwise right. */
  readonly username: string;
}

/** Why credentials that could be read were refused. */
export type DigestRefusal =
  /** The lookup knows no HA1 for this username, realm and algorithm. */
  | 'unknown-user'
  /** The `response` does not match: a wrong password, or a request altered on the way. */
  | 'wrong-response'
  /** The nonce was not issued by this server, for this realm, under this secret. */
  | 'forged-nonce'
  /** The `uri` is not the Request-URI (RFC 2617 §3.2.2.5). */
  | 'wrong-uri'
  /** An algorithm this authenticator does not offer. */
  | 'unsupported-algorithm'
  /** A qop other than `auth` (`auth-int` is not offered), or none where the server requires one. */
  | 'unsupported-qop'
  /** An `opaque` that is not the one this server sent. */
  | 'wrong-opaque';

/**
 * The credentials were read and are wrong. Answer with a new challenge (a client gets another try
 * and its user another prompt), or with 403 when retries are not welcome.
 */
export interface DigestRefused {
  /** Always `refused`: answer 403, or challenge again. */
  readonly kind: 'refused';
  /** Why the credentials were refused. */
  readonly reason: DigestRefusal;
  /** The user the credentials claimed to be, for the log. */
  readonly username: string;
}

/**
 * The credentials cannot be read: the header does not parse, or a required parameter (`username`,
 * `nonce`, `uri`, `response`; `nc` and `cnonce` with a qop) is missing or has a bad form. Answer
 * 400 (RFC 7616 §3.4: a request that does not follow the syntax is a bad request).
 */
export interface DigestMalformed {
  /** Always `malformed`: answer 400. */
  readonly kind: 'malformed';
  /** What is wrong, for a log and the 400's reason phrase. */
  readonly reason: string;
  /** `Authorization` or `Proxy-Authorization`. */
  readonly header: string;
}

/**
 * The outcome of `DigestAuthenticator.verify`: one of five kinds, by `kind`.
 *
 * - `ok`: go on; `username` is who sent the request.
 * - `missing`: answer with a challenge (401, or 407 from a proxy).
 * - `stale`: answer with a challenge with `stale=true`.
 * - `refused`: answer with a challenge again, or 403.
 * - `malformed`: answer 400.
 *
 * `DigestAuthenticator.answer` builds each of these answers.
 *
 * @example
 * const outcome: DigestVerification = await auth.verify(request);
 * switch (outcome.kind) {
 *   case 'ok': return serve(request, outcome.username);
 *   case 'refused': log('%s refused: %s', outcome.username, outcome.reason); // fall through
 *   default: return transaction.respond(auth.answer(request, outcome));
 * }
 */
export type DigestVerification = DigestAccepted | DigestMissing | DigestStale | DigestRefused | DigestMalformed;

/**
 * Every outcome but `ok`: the ones that are answered instead of served.
 *
 * @example
 * if (outcome.kind !== 'ok') transaction.respond(auth.answer(request, outcome satisfies DigestFailure));
 */
export type DigestFailure = Exclude<DigestVerification, DigestAccepted>;
