// CSeq (RFC 3261 §20.16) and RAck (RFC 3262 §7.2): sequence numbers and the method they count.
import { octetsOf } from '../octets.js';
import { Scanner, isToken, tokenEnd } from '../scanner.js';
import { methodAt } from '../method-names.js';

/** CSeq numbers are below 2^31 (RFC 3261 §8.1.1.5). */
export const MAX_CSEQ = 2 ** 31 - 1;

/**
 * A CSeq value (RFC 3261 §20.16): orders requests within a dialog and ties a response to its
 * request.
 */
export interface CSeq {
  /** The sequence number, below 2^31. */
  readonly seq: number;
  /** The method of the request, as written (case-sensitive). */
  readonly method: string;
}

function readNumber(s: Scanner, what: string, max: number): number {
  s.ws();
  const digits = s.token(what);
  if (!/^\d+$/.test(digits)) s.fail(`${what} is not a number`);
  const value = Number(digits);
  if (digits.length > 10 || value > max) s.fail(`${what} ${digits} is too large (at most ${max})`);
  return value;
}

/**
 * The usual form, `digits SP method`, read where it lies in the head, text[from, to), scanning
 * `octets` (text's, at the same offsets: see octets.ts); undefined for anything else.
 */
export function cseqAt(text: string, from: number, to: number, octets: Uint8Array = octetsOf(text)): CSeq | undefined {
  let seq = 0;
  let pos = from;
  let c = 0;
  while (pos < to && (c = octets[pos]!) >= 48 && c <= 57) {
    seq = seq * 10 + (c - 48);
    pos++;
  }
  if (pos === from || pos - from > 10 || seq > MAX_CSEQ || c !== 32) return undefined;
  const methodStart = ++pos;
  pos = tokenEnd(octets, pos, to);
  if (pos !== to || pos === methodStart) return undefined;
  return { seq, method: methodAt(text, octets, methodStart, to) };
}

export function parseCSeq(text: string): CSeq {
  // the common form, "digits SP token", without the scanner
  const sp = text.indexOf(' ');
  if (sp > 0 && sp <= 10 && sp === text.lastIndexOf(' ')) {
    let seq = 0;
    let digits = true;
    for (let i = 0; i < sp; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) {
        digits = false;
        break;
      }
      seq = seq * 10 + (c - 48);
    }
    const method = text.slice(sp + 1);
    if (digits && seq <= MAX_CSEQ && isToken(method)) return { seq, method };
  }
  const s = new Scanner(text, 'CSeq');
  const seq = readNumber(s, 'the sequence number', MAX_CSEQ);
  s.ws();
  const method = s.token('the method');
  s.end();
  return { seq, method };
}

export function formatCSeq(value: CSeq): string {
  return `${value.seq} ${value.method}`;
}

/**
 * A RAck value (RFC 3262 §7.2): identifies, in a PRACK, the reliable provisional response it
 * acknowledges.
 */
export interface RAck {
  /** The RSeq of the provisional response being acknowledged. */
  readonly rseq: number;
  /** The CSeq number of the request that response answered. */
  readonly cseq: number;
  /** The method of the request that response answered. */
  readonly method: string;
}

export function parseRAck(text: string): RAck {
  const s = new Scanner(text, 'RAck');
  const rseq = readNumber(s, 'the response number', 2 ** 32 - 1);
  const cseq = readNumber(s, 'the CSeq number', MAX_CSEQ);
  s.ws();
  const method = s.token('the method');
  s.end();
  return { rseq, cseq, method };
}

export function formatRAck(value: RAck): string {
  return `${value.rseq} ${value.cseq} ${value.method}`;
}
