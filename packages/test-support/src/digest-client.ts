// The client side of SIP digest authentication (RFC 3261 §22.4, RFC 7616 §3.4): reads a
// WWW-Authenticate challenge and writes the Authorization header answering it, MD5 or SHA-256.
// Written apart from @switchboard/sip's DigestClient on purpose: the harness must not lean on the
// code under test (it sends mutated messages that code would refuse to build), and test-support
// cannot depend on the sip package, whose own tests depend on test-support.
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm: 'MD5' | 'SHA-256';
  readonly qop: 'auth' | null;
  readonly opaque: string | null;
}

export interface DigestCredentials {
  readonly username: string;
  readonly password: string;
}

function params(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  let match: RegExpExecArray | null;
  let guard = 0;
  while ((match = pattern.exec(text)) !== null && guard++ < 64) out.set(match[1]!.toLowerCase(), match[2] ?? match[3] ?? '');
  return out;
}

/**
 * The challenges in a 401/407's WWW-Authenticate / Proxy-Authenticate values (one per header
 * line), the ones this client can answer, best first (SHA-256 before MD5).
 */
export function parseChallenges(values: readonly string[]): DigestChallenge[] {
  const out: DigestChallenge[] = [];
  for (const value of values) {
    if (!/^\s*digest\s/i.test(value)) continue;
    const p = params(value.replace(/^\s*digest\s/i, ''));
    const realm = p.get('realm');
    const nonce = p.get('nonce');
    const algorithm = (p.get('algorithm') ?? 'MD5').toUpperCase();
    if (realm === undefined || nonce === undefined || (algorithm !== 'MD5' && algorithm !== 'SHA-256')) continue;
    const qops = (p.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
    out.push({ realm, nonce, algorithm, qop: qops.includes('auth') ? 'auth' : null, opaque: p.get('opaque') ?? null });
  }
  return out.sort((x, y) => (x.algorithm === y.algorithm ? 0 : x.algorithm === 'SHA-256' ? -1 : 1));
}

/** Counts the requests answered with one nonce (the `nc` parameter). */
export class DigestAnswerer {
  private count = 0;

  constructor(
    readonly challenge: DigestChallenge,
    readonly credentials: DigestCredentials,
  ) {}

  /** The Authorization header value for `method` on `uri` (the Request-URI as sent). */
  authorization(method: string, uri: string): string {
    const { realm, nonce, algorithm, qop, opaque } = this.challenge;
    const hash = (text: string): string => createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text).digest('hex');
    const ha1 = hash(`${this.credentials.username}:${realm}:${this.credentials.password}`);
    const ha2 = hash(`${method}:${uri}`);
    const fields = [`username="${this.credentials.username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`, `algorithm=${algorithm}`];
    if (qop === 'auth') {
      this.count++;
      const nc = this.count.toString(16).padStart(8, '0');
      const cnonce = randomBytes(8).toString('hex');
      fields.push(`response="${hash(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)}"`, 'qop=auth', `nc=${nc}`, `cnonce="${cnonce}"`);
    } else fields.push(`response="${hash(`${ha1}:${nonce}:${ha2}`)}"`);
    if (opaque !== null) fields.push(`opaque="${opaque}"`);
    return `Digest ${fields.join(', ')}`;
  }
}
