// Who may use the gateway: users with digest HA1s in the store (RFC 3261 §22, RFC 7616; never a
// password), the authenticator that challenges REGISTER and MESSAGE with them, and the rule that a
// user registers and sends only as themself (RFC 3261 §10.3 step 6).
import createDebug from 'debug';
import { DigestAuthenticator, digestHa1, isSipUri, type DigestAlgorithm, type SipRequest, type Uri } from '@switchboard/sip';
import type { SipUser, Store } from './store.js';

const log = createDebug('switchboard:gateway:users');

/** A username as the gateway's users are named: the user part of their AOR. */
const USERNAME = /^[A-Za-z0-9._~+-]{1,64}$/;

/** A bad username or password given to `addUser`. */
export class UserError extends Error {
  /** A stable error code, `ERR_GATEWAY_USER`, to test for instead of the message. */
  readonly code = 'ERR_GATEWAY_USER';
  /** Builds the error; `message` says what is wrong with the username or password. */
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Adds (or replaces) a user with the HA1s of `password` for `realm` (the SIP domain): MD5 and
 * SHA-256, so both challenges can be answered. The password itself is not kept.
 *
 * @example
 * await addUser(store, '447700900555', 'a long passphrase', config.sip.domain);
 */
export async function addUser(store: Store, username: string, password: string, realm: string): Promise<SipUser> {
  if (!USERNAME.test(username)) throw new UserError(`${JSON.stringify(username)} is not a username (1 to 64 of A-Z a-z 0-9 . _ ~ + -)`);
  if (password.length === 0) throw new UserError('the password is empty');
  const user: SipUser = { username, realm, ha1Md5: digestHa1(username, realm, password, 'MD5'), ha1Sha256: digestHa1(username, realm, password, 'SHA-256') };
  await store.putUser(user);
  return user;
}

/**
 * The digest authenticator over the store's users, for `realm`, with the store's nonce secret (the
 * same on every node, so a nonce from one is good at another). Its `verify` rejects with the store's
 * error when a user cannot be read.
 */
export async function userAuthenticator(
  store: Store,
  options: { readonly realm: string; readonly algorithms: readonly DigestAlgorithm[]; readonly nonceLifetime: number; readonly now: () => number },
): Promise<DigestAuthenticator> {
  return new DigestAuthenticator({
    realm: options.realm,
    algorithms: options.algorithms,
    secret: await store.serverSecret(),
    nonceLifetime: options.nonceLifetime,
    now: options.now,
    lookup: async (username: string, realm: string, algorithm: DigestAlgorithm) => {
      const user = await store.user(username);
      // HA1s are for one realm: a user added under another domain must be added again
      if (user === undefined || user.realm !== realm) return undefined;
      return algorithm.startsWith('SHA-256') ? user.ha1Sha256 : algorithm.startsWith('MD5') ? user.ha1Md5 : undefined;
    },
  });
}

/** The user part of a sip: URI, or undefined. */
export function userOf(uri: Uri): string | undefined {
  return isSipUri(uri) && uri.user !== null && uri.user !== '' ? uri.user : undefined;
}

/**
 * Whose request this is, by its From (a MESSAGE's sender) or To (a REGISTER's AOR), checked
 * against the authenticated `username`: undefined when they differ.
 */
export function actsAs(request: SipRequest, username: string): boolean {
  const uri = request.method === 'REGISTER' ? request.to!.uri : request.from!.uri;
  const user = userOf(uri);
  if (user === username) return true;
  log('%s: %s authenticated but acts as %s', request.method, username, user ?? '(no user)');
  return false;
}
