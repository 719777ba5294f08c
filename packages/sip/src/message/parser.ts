// The message parser (RFC 3261 §7, §18.3): a hand-written scanner over the bytes. It reads the
// start line, the header rows (unfolding continuation lines) and the body. Content-Length and CSeq
// are read at once (framing and the method check need them); every other typed header on first
// use, and cached (`message.check()` reads them all, and a request's URI, as a strict server does).
import { isAscii } from 'node:buffer';
import { SipParseError } from './errors.js';
import { HeaderList } from './header-list.js';
import { SIP_VERSION, SipRequest, SipResponse, type SipMessage } from './message.js';
import { isToken } from './scanner.js';

export interface ParseLimits {
  /** Largest message, head and body (default 65,535 octets). */
  readonly maxMessageSize?: number;
  /** Most header rows (default 256). */
  readonly maxHeaders?: number;
  /** Longest header row after unfolding, or start line (default 8,192 octets). */
  readonly maxLineLength?: number;
}

export interface ParseOptions extends ParseLimits {
  /**
   * 'datagram' (UDP, the default): without Content-Length the body runs to the end, extra octets
   * after the body are discarded, a Content-Length beyond the datagram is an error. 'stream' (TCP):
   * Content-Length is required.
   */
  readonly framing?: 'datagram' | 'stream';
}

export const DEFAULT_LIMITS: Required<ParseLimits> = { maxMessageSize: 65_535, maxHeaders: 256, maxLineLength: 8192 };

const CR = 13;
const LF = 10;

/**
 * The end of the head: the offset just past the first CRLF CRLF, or -1. A head written with bare
 * LFs is found too (leniently), but only when there is no CRLF CRLF; one that mixes both is cut
 * at the first empty line by the row reader.
 */
export function findHeadEnd(buf: Buffer, from = 0, to = buf.length): number {
  const view = to === buf.length ? buf : buf.subarray(0, to);
  const crlf = view.indexOf(CRLFCRLF, from);
  if (crlf >= 0) return crlf + 4;
  const lf = view.indexOf(LFLF, from);
  const mixed = view.indexOf(LFCRLF, from);
  if (lf < 0) return mixed < 0 ? -1 : mixed + 3;
  return mixed >= 0 && mixed < lf ? mixed + 3 : lf + 2;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');
const LFCRLF = Buffer.from('\n\r\n');

/** Parses one message from `buf` (a datagram, or a frame cut by the stream framer). */
export function parseMessage(buf: Buffer, options: ParseOptions = {}): SipMessage {
  const limits = { ...DEFAULT_LIMITS, ...options };
  if (buf.length > limits.maxMessageSize) throw new SipParseError(`message of ${buf.length} octets exceeds ${limits.maxMessageSize}`, 413);
  let headEnd = findHeadEnd(buf);
  if (headEnd < 0) {
    // A datagram whose last header line ends the datagram, without the empty line: read it as a
    // message without a body (lenient, as most stacks are); a stream has to wait for the line.
    if (options.framing === 'stream' || buf[buf.length - 1] !== LF) throw new SipParseError('no empty line after the headers');
    headEnd = buf.length;
  }
  const { message, contentLength, headEnd: bodyStart } = parseHead(buf, 0, headEnd, limits);
  headEnd = bodyStart;
  const available = buf.length - headEnd;
  let bodyLength: number;
  if (contentLength === undefined) {
    if (options.framing === 'stream') throw new SipParseError('Content-Length is required on a stream transport', 400, 'Content-Length');
    bodyLength = available;
  } else {
    if (contentLength > available) throw new SipParseError(`Content-Length ${contentLength} exceeds the ${available} octets received`, 400, 'Content-Length');
    bodyLength = contentLength;
  }
  message.body = buf.subarray(headEnd, headEnd + bodyLength);
  return message;
}

/** @internal the head (start line + headers) between `start` and `end`; also used by the stream framer. */
export function parseHead(buf: Buffer, start: number, end: number, limits: Required<ParseLimits>): { message: SipMessage; contentLength: number | undefined; headEnd: number } {
  // leading CRLFs before a message are ignored (RFC 3261 §7.5)
  let pos = start;
  while (pos < end && (buf[pos] === CR || buf[pos] === LF)) pos++;
  // One string for the whole head: latin1 is a straight copy; header values are UTF-8 (RFC 3261
  // §7.3.1), so a head with any octet above 0x7F is decoded as UTF-8 instead.
  const ascii = isAscii(buf.subarray(pos, end));
  const head = ascii ? buf.toString('latin1', pos, end) : buf.toString('utf8', pos, end);
  let eol = head.indexOf('\n');
  if (eol < 0) eol = head.length;
  const startLine = head.charCodeAt(eol - 1) === CR ? head.slice(0, eol - 1) : head.slice(0, eol);
  if (startLine.length > limits.maxLineLength) throw new SipParseError(`a start line longer than ${limits.maxLineLength} octets`, 414);
  if (startLine === '') throw new SipParseError('an empty message');
  const message = parseStartLine(startLine);
  message.headers.setSource(head);
  const seen: Seen = { contentLength: 0, cseq: 0 };
  const rowsEnd = readHeaderRows(head, eol + 1, message.headers, limits, seen);
  if (seen.contentLength > 1) throw new SipParseError('more than one Content-Length', 400, 'Content-Length');
  const contentLength = seen.contentLength === 0 ? undefined : message.headers.first('content-length');
  if (seen.cseq > 0) checkCSeqMethod(message);
  // an empty line before `end` (a head mixing CRLF and bare LF lines): the body starts after it
  const headEnd = rowsEnd >= head.length ? end : pos + (ascii ? rowsEnd : Buffer.byteLength(head.slice(0, rowsEnd)));
  return { message, contentLength, headEnd };
}

/** How many Content-Length and CSeq rows the head has (read at once; the rest lazily). */
interface Seen {
  contentLength: number;
  cseq: number;
}

function count(seen: Seen, key: string): void {
  if (key === 'content-length') seen.contentLength++;
  else if (key === 'cseq') seen.cseq++;
}

/**
 * Header rows from `from` to the empty line, continuation lines folded in with one space. Returns
 * the offset just past the empty line (or the head's length).
 */
function readHeaderRows(head: string, from: number, headers: HeaderList, limits: Required<ParseLimits>, seen: Seen): number {
  let pos = from;
  let rows = 0;
  const length = head.length;
  while (pos < length) {
    let eol = head.indexOf('\n', pos);
    if (eol < 0) eol = length;
    let stop = head.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
    if (stop <= pos) return eol + 1; // the empty line
    const first = head.charCodeAt(pos);
    if (first === 32 || first === 9) throw new SipParseError('a continuation line right after the start line');
    const colon = head.indexOf(':', pos);
    if (colon < 0 || colon >= stop || colon === pos) throw new SipParseError(`a header line without a name: ${JSON.stringify(head.slice(pos, Math.min(stop, pos + 60)))}`);
    if (++rows > limits.maxHeaders) throw new SipParseError(`more than ${limits.maxHeaders} header rows`);
    let nameEnd = colon;
    while (nameEnd > pos && (head.charCodeAt(nameEnd - 1) === 32 || head.charCodeAt(nameEnd - 1) === 9)) nameEnd--;
    if (nameEnd === pos) throw new SipParseError('a header line without a name');
    let next = eol + 1;
    if (next < length && (head.charCodeAt(next) === 32 || head.charCodeAt(next) === 9)) {
      // continuation lines (starting with SP or HT) belong to this row, joined by one space
      let value = trimValue(head, colon + 1, stop);
      while (next < length && (head.charCodeAt(next) === 32 || head.charCodeAt(next) === 9)) {
        eol = head.indexOf('\n', next);
        if (eol < 0) eol = length;
        stop = head.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
        const more = trimValue(head, next, stop);
        value = value === '' ? more : more === '' ? value : `${value} ${more}`;
        next = eol + 1;
      }
      if (value.length > limits.maxLineLength) throw new SipParseError(`a header line longer than ${limits.maxLineLength} octets`);
      count(seen, headers.add(head.slice(pos, nameEnd), value));
    } else {
      if (stop - pos > limits.maxLineLength) throw new SipParseError(`a header line longer than ${limits.maxLineLength} octets`);
      // the value's span, trimmed; the string is cut when it is read
      let start = colon + 1;
      let end = stop;
      while (start < end && (head.charCodeAt(start) === 32 || head.charCodeAt(start) === 9)) start++;
      while (end > start && (head.charCodeAt(end - 1) === 32 || head.charCodeAt(end - 1) === 9)) end--;
      count(seen, headers.addSpan(pos, nameEnd, start, end));
    }
    pos = next;
  }
  return length;
}

/** head[from, to) without leading and trailing SP / HT. */
function trimValue(head: string, from: number, to: number): string {
  let start = from;
  let end = to;
  while (start < end && (head.charCodeAt(start) === 32 || head.charCodeAt(start) === 9)) start++;
  while (end > start && (head.charCodeAt(end - 1) === 32 || head.charCodeAt(end - 1) === 9)) end--;
  return head.slice(start, end);
}

function parseVersion(text: string): string {
  if (text === SIP_VERSION) return SIP_VERSION;
  if (!/^SIP\/\d+\.\d+$/i.test(text)) throw new SipParseError(`${JSON.stringify(text)} is not a SIP version`);
  if (text.toUpperCase() !== SIP_VERSION) throw new SipParseError(`version ${text} is not supported`, 505);
  return SIP_VERSION;
}

function parseStartLine(line: string): SipMessage {
  // Exactly one SP between the elements (RFC 3261 §7.1, RFC 4475 §3.1.2.9 and §3.1.2.10).
  if (line.startsWith('SIP/') || /^sip\//i.test(line)) {
    const sp1 = line.indexOf(' ');
    if (sp1 < 0) throw new SipParseError('a status line without a status code');
    const version = parseVersion(line.slice(0, sp1));
    const sp2 = line.indexOf(' ', sp1 + 1);
    const code = sp2 < 0 ? line.slice(sp1 + 1) : line.slice(sp1 + 1, sp2);
    if (!/^[1-6]\d\d$/.test(code)) throw new SipParseError(`${JSON.stringify(code)} is not a status code (100-699)`);
    const reason = sp2 < 0 ? '' : line.slice(sp2 + 1);
    if (/[\r\n]/.test(reason)) throw new SipParseError('a bad reason phrase');
    const response = new SipResponse(Number(code), reason, new HeaderList());
    response.version = version;
    return response;
  }
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) throw new SipParseError(`a request line must be "Method SP Request-URI SP SIP-Version": ${JSON.stringify(line.slice(0, 100))}`);
  const method = line.slice(0, sp1);
  const target = line.slice(sp1 + 1, sp2);
  const version = line.slice(sp2 + 1);
  if (!isToken(method)) throw new SipParseError(`${JSON.stringify(method)} is not a method`);
  const parsedVersion = parseVersion(version);
  if (target.startsWith('<')) throw new SipParseError('the Request-URI is enclosed in <>');
  if (target.indexOf(':') <= 0) throw new SipParseError(`the Request-URI ${JSON.stringify(target.slice(0, 60))} has no scheme`, 400, 'Request-URI');
  const request = SipRequest.fromWire(method, target, new HeaderList());
  request.version = parsedVersion;
  return request;
}

/** A request's CSeq names its own method (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.17). */
function checkCSeqMethod(message: SipMessage): void {
  if (message.kind !== 'request') return;
  const cseq = message.headers.first('cseq');
  if (cseq !== undefined && cseq.method !== message.method) {
    throw new SipParseError(`CSeq method ${cseq.method} does not match the request method ${message.method}`, 400, 'CSeq');
  }
}
