// Answering what does not parse (RFC 3261 §8.2, §21.4.1): a request whose head can be read line by
// line gets a 400 (or 505, 413…) naming the fault in its reason phrase, built from its raw Via,
// From, To, Call-ID and CSeq rows; anything else — a response, garbage — gets nothing.
import type { SipParseError } from '../message/errors.js';

const COPIED: Record<string, string> = { via: 'Via', v: 'Via', from: 'From', f: 'From', to: 'To', t: 'To', 'call-id': 'Call-ID', i: 'Call-ID', cseq: 'CSeq' };

/** The bytes of the answer to an unparseable request, or undefined when there is nothing to answer. */
export function badRequestResponse(bytes: Buffer, error: SipParseError): Buffer | undefined {
  const text = bytes.toString('latin1', 0, Math.min(bytes.length, 65_535));
  const headEnd = text.search(/\r?\n\r?\n/);
  const lines = (headEnd < 0 ? text : text.slice(0, headEnd)).split(/\r?\n/);
  const start = lines[0]?.trimStart() ?? '';
  // A request line: "METHOD SP Request-URI SP SIP-Version" (leading CRLFs already skipped by framers).
  if (!/^[A-Za-z!%*_+`'~.-]+ \S+/.test(start) || start.startsWith('SIP/')) return undefined;
  const rows: string[] = [];
  let haveVia = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = COPIED[line.slice(0, colon).trim().toLowerCase()];
    if (name === undefined) continue;
    let value = line.slice(colon + 1).trim();
    // Folded continuation lines belong to the row.
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1]!)) value += ` ${lines[++i]!.trim()}`;
    // A row holding a bare CR or another control octet is not echoed: an answer must be a valid message.
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) continue;
    if (name === 'Via') haveVia = true;
    rows.push(`${name}: ${value}`);
  }
  if (!haveVia) return undefined;
  const reason = error.reasonPhrase.replace(/[^\x20-\x7e]/g, ' ');
  return Buffer.from(`SIP/2.0 ${error.status} ${reason}\r\n${rows.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, 'latin1');
}
