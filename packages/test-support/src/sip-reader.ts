// A lenient reader of the SIP messages a test peer receives (status line, headers, body), and the
// stream splitter for SIP over TCP. It never throws: what it cannot read is reported as null.

const COMPACT: Readonly<Record<string, string>> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type', k: 'supported', e: 'content-encoding', s: 'subject' };

export interface SipText {
  /** The status code of a response, or null for a request. */
  readonly status: number | null;
  /** The method of a request (CSeq's method for a response). */
  readonly method: string;
  readonly firstLine: string;
  /** Header values by lowercase full name, in order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: Buffer;
  /** The top Via's branch, Call-ID and CSeq number, '' when absent. */
  readonly branch: string;
  readonly callId: string;
  readonly cseq: string;
}

/** Reads one SIP message (a whole datagram, or one framed off a stream); null if it is not one. */
export function readSip(bytes: Buffer): SipText | null {
  const end = bytes.indexOf('\r\n\r\n');
  const headEnd = end < 0 ? bytes.length : end;
  const head = bytes.subarray(0, headEnd).toString('latin1');
  const lines = head.split('\r\n');
  const firstLine = lines[0] ?? '';
  const headers = new Map<string, string[]>();
  for (let i = 1; i < lines.length && i < 1024; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const list = headers.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(name, list);
  }
  const statusMatch = /^SIP\/2\.0 (\d{3})\b/.exec(firstLine);
  const requestMatch = /^([A-Za-z]+) \S+ SIP\/2\.0$/.exec(firstLine);
  if (statusMatch === null && requestMatch === null) return null;
  const cseqValue = headers.get('cseq')?.[0] ?? '';
  const [cseq = '', cseqMethod = ''] = cseqValue.split(/\s+/);
  const via = headers.get('via')?.[0] ?? '';
  return {
    status: statusMatch === null ? null : Number(statusMatch[1]),
    method: requestMatch?.[1] ?? cseqMethod,
    firstLine,
    headers,
    body: end < 0 ? Buffer.alloc(0) : bytes.subarray(end + 4),
    branch: /;\s*branch=([^;,\s]+)/i.exec(via)?.[1] ?? '',
    callId: headers.get('call-id')?.[0] ?? '',
    cseq,
  };
}

/** The 200 OK a peer answers a request with (none for an ACK): Via, From, To, Call-ID, CSeq copied. */
export function okFor(request: SipText, reason = 'OK'): string | null {
  if (request.status !== null || request.method === 'ACK') return null;
  const lines = [`SIP/2.0 200 ${reason}`];
  for (const name of ['via', 'from', 'to', 'call-id', 'cseq']) {
    for (const value of request.headers.get(name) ?? []) lines.push(`${name === 'call-id' ? 'Call-ID' : name === 'cseq' ? 'CSeq' : name[0]!.toUpperCase() + name.slice(1)}: ${value}`);
  }
  lines.push('Content-Length: 0', '', '');
  return lines.join('\r\n');
}

/**
 * Splits SIP messages off a TCP stream by Content-Length (RFC 3261 §18.3); keep-alive CRLFs are
 * skipped. A head without a usable Content-Length is taken as bodiless.
 */
export class SipStreamSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: Buffer[] = [];
    for (let guard = 0; guard < 10_000; guard++) {
      let start = 0;
      while (start + 1 < this.buffer.length && this.buffer[start] === 0x0d && this.buffer[start + 1] === 0x0a) start += 2;
      if (start > 0) this.buffer = this.buffer.subarray(start);
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) break;
      const head = this.buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\n(?:content-length|l)\s*:\s*(\d+)/i.exec(head)?.[1] ?? '0');
      const total = end + 4 + length;
      if (this.buffer.length < total) break;
      out.push(this.buffer.subarray(0, total));
      this.buffer = this.buffer.subarray(total);
    }
    return out;
  }
}
