// API key tokens: `<id>.<secret>`, where the id (`k_` and 16 base32 letters) finds the key and the
// secret (32 random bytes, base64url) proves it. Only SHA-256 of the secret is stored: the secret
// is random, so a fast hash is enough, and it is compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 4648 §6 base32 letters, lower-cased (ids are read in URLs and logs, where case matters). */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** The shape of a key id. */
export const KEY_ID_PATTERN = /^k_[a-z2-7]{16}$/;

/** The shape of a whole token: the id, a dot, 43 base64url characters (32 bytes). */
const TOKEN_PATTERN = /^(k_[a-z2-7]{16})\.([A-Za-z0-9_-]{43})$/;

/** A token split into its id and secret. */
export interface ParsedToken {
  /** The key's id. */
  readonly id: string;
  /** The key's secret (base64url). */
  readonly secret: string;
}

/** The id and secret of `token`, or undefined when it is not a token's shape. */
export function parseToken(token: string): ParsedToken | undefined {
  const match = TOKEN_PATTERN.exec(token);
  return match === null ? undefined : { id: match[1]!, secret: match[2]! };
}

/** A new key id: `k_` and 16 base32 letters (80 random bits). */
export function newKeyId(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = 'k_';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** A new secret: 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a secret, hex: what the store keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether `secret` hashes to `secretHash`, compared in constant time. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const expected = Buffer.from(secretHash, 'hex');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
