// Stateless server nonces (RFC 7616 §3.3, §5.4): base64url(timestamp || salt || MAC) with
// MAC = HMAC-SHA256(secret, timestamp || salt || realm), truncated. The server keeps no table: a
// nonce proves by itself that this server (or a node sharing its secret) issued it, for this realm,
// at a time it can check against its lifetime.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TIME_BYTES = 6; // milliseconds, enough until the year 10889
const SALT_BYTES = 8; // two challenges in one millisecond still get different nonces
const MAC_BYTES = 18; // 144 bits of HMAC-SHA256: forging one is out of reach
const NONCE_BYTES = TIME_BYTES + SALT_BYTES + MAC_BYTES;
/** The length of a nonce in base64url characters (no padding: 32 octets → 43 characters). */
const NONCE_LENGTH = Math.ceil((NONCE_BYTES * 4) / 3);

/** What a nonce is worth now: `fresh`, authentic but `expired` (answer stale=true), or `forged`. */
export type NonceState = 'fresh' | 'expired' | 'forged';

/** Issues and checks the nonces of one realm under one secret. */
export class NonceMint {
  private readonly key: Buffer;

  constructor(
    secret: string | Uint8Array,
    private readonly realm: string,
    /** How long a nonce is fresh, in ms. */
    private readonly lifetime: number,
  ) {
    this.key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  }

  private mac(head: Buffer): Buffer {
    return createHmac('sha256', this.key).update(head).update(this.realm, 'utf8').digest().subarray(0, MAC_BYTES);
  }

  /** A new nonce stamped `now` (ms). */
  issue(now: number): string {
    const head = Buffer.alloc(TIME_BYTES + SALT_BYTES);
    head.writeUIntBE(Math.max(0, Math.min(Math.floor(now), 2 ** 48 - 1)), 0, TIME_BYTES);
    randomBytes(SALT_BYTES).copy(head, TIME_BYTES);
    return Buffer.concat([head, this.mac(head)]).toString('base64url');
  }

  /**
   * Whether `nonce` is one of ours and still fresh at `now`. A nonce stamped in the future (a
   * clock that went back, a node whose clock is behind) is authentic but not fresh: expired.
   */
  check(nonce: string, now: number): NonceState {
    if (nonce.length !== NONCE_LENGTH || !/^[\w-]+$/.test(nonce)) return 'forged';
    const bytes = Buffer.from(nonce, 'base64url');
    if (bytes.length !== NONCE_BYTES) return 'forged';
    const head = bytes.subarray(0, TIME_BYTES + SALT_BYTES);
    if (!timingSafeEqual(this.mac(head), bytes.subarray(TIME_BYTES + SALT_BYTES))) return 'forged';
    const age = now - head.readUIntBE(0, TIME_BYTES);
    return age >= 0 && age <= this.lifetime ? 'fresh' : 'expired';
  }
}
