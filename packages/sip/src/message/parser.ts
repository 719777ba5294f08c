// The message parser (RFC 3261 §7, §18.3): a hand-written scanner over the bytes. It reads the
// start line, the header rows (unfolding continuation lines) and the body. Content-Length and CSeq
// are read at once (framing and the method check need them); every other typed header on first
// use, and cached (`message.check()` reads them all, and a request's URI, as a strict server does).
import { isAscii } from 'node:buffer';
import { SipParseError } from './errors.js';
import { HeaderList } from './header-list.js';
import { canonicalName } from './header-names.js';
import { SIP_VERSION, SipRequest, SipResponse, type SipMessage } from './message.js';
import { NAME_STEP, ROOT, knownAt, otherName } from './name-table.js';
import { octetsOf } from './octets.js';
import { isToken, tokenEnd } from './scanner.js';
import type { CSeq } from './headers/cseq.js';
import { methodAt } from './method-names.js';

/**
 * Bounds on what the parser accepts, so a peer cannot make it hold or scan unbounded input; a
 * message beyond one is a {@link SipParseError} (413 or 400).
 */
export interface ParseLimits {
  /** Largest message, head and body (default 65,535 octets). */
  readonly maxMessageSize?: number;
  /** Most header rows (default 256). */
  readonly maxHeaders?: number;
  /** Longest header row after unfolding, or start line (default 8,192 octets). */
  readonly maxLineLength?: number;
}

/** Options of {@link parseMessage}: the limits, and how the message was framed by its transport. */
export interface ParseOptions extends ParseLimits {
  /**
   * 'datagram' (UDP, the default): without Content-Length the body runs to the end, extra octets
   * after the body are discarded, a Content-Length beyond the datagram is an error. 'stream' (TCP):
   * Content-Length is required.
   */
  readonly framing?: 'datagram' | 'stream';
}

/**
 * The limits used when none are given: 65,535-octet messages (the largest UDP datagram), 256 header
 * rows, 8,192-octet rows.
 */
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

const NO_OPTIONS: ParseOptions = {};

function limitsOf(options: ParseOptions): Required<ParseLimits> {
  if (options === NO_OPTIONS) return DEFAULT_LIMITS;
  return {
    maxMessageSize: options.maxMessageSize ?? DEFAULT_LIMITS.maxMessageSize,
    maxHeaders: options.maxHeaders ?? DEFAULT_LIMITS.maxHeaders,
    maxLineLength: options.maxLineLength ?? DEFAULT_LIMITS.maxLineLength,
  };
}

/**
 * Up to this size a datagram becomes one latin1 string at once (a copy), and the header reader
 * finds the empty line itself; a larger one has its head found in the bytes first, so that a big
 * body is not copied.
 */
const WHOLE_TEXT_LIMIT = 4096;

/**
 * Parses one message from `buf` (a datagram, or a frame cut by the stream framer). The message
 * reads its header values and its body from `buf` when they are first asked for, so `buf` must
 * not be changed or reused afterwards (copy it first if it comes from a pool).
 */
export function parseMessage(buf: Buffer, options: ParseOptions = NO_OPTIONS): SipMessage {
  const limits = limitsOf(options);
  const length = buf.length;
  if (length > limits.maxMessageSize) throw new SipParseError(`message of ${length} octets exceeds ${limits.maxMessageSize}`, 413);
  let textEnd = length;
  if (length > WHOLE_TEXT_LIMIT) {
    const headEnd = findHeadEnd(buf);
    if (headEnd >= 0) textEnd = headEnd;
  }
  const head = parseHead(buf, textEnd, limits);
  let bodyStart = head.headEnd;
  if (!head.complete) {
    // A datagram whose last header line ends the datagram, without the empty line: read it as a
    // message without a body (lenient, as most stacks are); a stream has to wait for the line.
    if (options.framing === 'stream' || buf[length - 1] !== LF) throw new SipParseError('no empty line after the headers');
    bodyStart = length;
  }
  const { message, contentLength } = head;
  const available = length - bodyStart;
  let bodyLength: number;
  if (contentLength === undefined) {
    if (options.framing === 'stream') throw new SipParseError('Content-Length is required on a stream transport', 400, 'Content-Length');
    bodyLength = available;
  } else {
    if (contentLength > available) throw new SipParseError(`Content-Length ${contentLength} exceeds the ${available} octets received`, 400, 'Content-Length');
    bodyLength = contentLength;
  }
  message.setBodySpan(buf, bodyStart, bodyStart + bodyLength);
  return message;
}

/** What the head reader found. */
export interface ParsedHead {
  readonly message: SipMessage;
  readonly contentLength: number | undefined;
  /** The octet offset just past the empty line (the body's start), or `end` when there was none. */
  readonly headEnd: number;
  /** Whether the empty line was found. */
  readonly complete: boolean;
}

/**
 * @internal the head (start line + headers) in buf[0, end); also used by the stream framer. The
 * octets are read as latin1, so a character offset is an octet offset, and the readers scan
 * `buf` itself (a parsed message reads its headers from it later, as its body: `buf` must not
 * change). Header values are UTF-8 (RFC 3261 §7.3.1): a head with any octet above 0x7F is read
 * again, decoded as UTF-8, beside octets made from that text.
 */
export function parseHead(buf: Buffer, end: number, limits: Required<ParseLimits>): ParsedHead {
  const text = buf.toString('latin1', 0, end);
  const head = readHead(text, buf, limits);
  // (the stream framer's buffer may hold more messages after this one: only the head is checked)
  if (end === buf.length ? isAscii(buf) || isAscii(buf.subarray(0, head.headEnd)) : isAscii(buf.subarray(0, head.headEnd))) return head;
  const utf8Text = buf.toString('utf8', 0, head.headEnd);
  const utf8 = readHead(utf8Text, octetsOf(utf8Text), limits);
  return { message: utf8.message, contentLength: utf8.contentLength, headEnd: head.headEnd, complete: head.complete };
}

/** The start line and header rows of `text` (`octets` are its octets); offsets are in `text`. */
function readHead(text: string, octets: Uint8Array, limits: Required<ParseLimits>): ParsedHead {
  // leading CRLFs before a message are ignored (RFC 3261 §7.5)
  const length = text.length;
  let pos = 0;
  while (pos < length && (text.charCodeAt(pos) === CR || text.charCodeAt(pos) === LF)) pos++;
  let eol = text.indexOf('\n', pos);
  if (eol < 0) eol = length;
  const lineEnd = eol > pos && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
  if (lineEnd - pos > limits.maxLineLength) throw new SipParseError(`a start line longer than ${limits.maxLineLength} octets`, 414);
  if (lineEnd === pos) throw new SipParseError('an empty message');
  const message = startLineAt(text, octets, pos, lineEnd) ?? parseStartLine(text.slice(pos, lineEnd), text, octets, pos);
  const headers = message.headers;
  headers.setSource(text, octets);
  const rows = readHeaderRows(text, octets, eol + 1, headers, limits);
  if (rows.contentLengths > 1) throw new SipParseError('more than one Content-Length', 400, 'Content-Length');
  const contentLength = rows.contentLengths === 0 ? undefined : rows.contentLength >= 0 ? rows.contentLength : headers.first('content-length');
  if (rows.firstCSeq >= 0 && message.kind === 'request') checkCSeqMethod(message, headers.firstAt(rows.firstCSeq) as CSeq);
  return { message, contentLength, headEnd: rows.end < 0 ? length : rows.end, complete: rows.end >= 0 };
}

/** What the row reader saw: how many Content-Length rows and the first CSeq row (read at once; the rest lazily), and where the head ended. */
interface Rows {
  contentLengths: number;
  /** The Content-Length read in the row pass, or -1 when the codec has to read it. */
  contentLength: number;
  /** The index of the first CSeq row, or -1. */
  firstCSeq: number;
  /** Just past the empty line, or -1 when the text ended first. */
  end: number;
}

/**
 * Header rows from `from` to the empty line, continuation lines folded in with one space.
 */
function readHeaderRows(head: string, octets: Uint8Array, from: number, headers: HeaderList, limits: Required<ParseLimits>): Rows {
  const seen: Rows = { contentLengths: 0, contentLength: -1, firstCSeq: -1, end: -1 };
  let pos = from;
  let rows = 0;
  const length = head.length;
  const maxLine = limits.maxLineLength;
  while (pos < length) {
    // the name: token characters (walking the trie of known names), then optional whitespace and the colon
    let nameEnd = pos;
    let state = ROOT;
    let c = octets[nameEnd]!;
    let step: number;
    while (c < 128 && (step = NAME_STEP[(state << 7) | c]!) !== 0) {
      state = step;
      c = ++nameEnd < length ? octets[nameEnd]! : 0;
    }
    if (nameEnd === pos) {
      if (c === LF || (c === CR && pos + 1 < length && octets[pos + 1] === LF)) {
        seen.end = pos + (c === LF ? 1 : 2); // the empty line
        return seen;
      }
      if (c === CR && pos + 1 === length) return seen;
      if (c === 32 || c === 9) throw new SipParseError('a continuation line right after the start line');
    }
    let colon = nameEnd;
    while (c === 32 || c === 9) c = ++colon < length ? octets[colon]! : 0;
    if (c !== COLON || nameEnd === pos) throw badRow(head, pos, colon);
    if (++rows > limits.maxHeaders) throw new SipParseError(`more than ${limits.maxHeaders} header rows`);
    let eol = head.indexOf('\n', colon);
    if (eol < 0) eol = length;
    let stop = octets[eol - 1] === CR ? eol - 1 : eol;
    if (hasBareCr(head, octets, colon, stop)) throw bareCr(head, pos, nameEnd);
    // the value's span, trimmed
    let start = colon + 1;
    while (start < stop && ((c = octets[start]!) === 32 || c === 9)) start++;
    let end = stop;
    while (end > start && ((c = octets[end - 1]!) === 32 || c === 9)) end--;
    let next = eol + 1;
    const known = knownAt(state) ?? otherName(head, pos, nameEnd);
    let folded = false;
    const key = known.key;
    if (next < length && ((c = octets[next]!) === 32 || c === 9)) {
      // continuation lines (starting with SP or HT) belong to this row, joined by one space
      folded = true;
      let value = head.slice(start, end);
      while (next < length && ((c = octets[next]!) === 32 || c === 9)) {
        eol = head.indexOf('\n', next);
        if (eol < 0) eol = length;
        stop = octets[eol - 1] === CR ? eol - 1 : eol;
        if (hasBareCr(head, octets, next, stop)) throw bareCr(head, pos, nameEnd);
        const more = trimValue(head, next, stop);
        value = value === '' ? more : more === '' ? value : `${value} ${more}`;
        next = eol + 1;
      }
      if (value.length > maxLine) throw new SipParseError(`a header line longer than ${maxLine} octets`);
      headers.addFolded(known, value);
    } else {
      if (stop - pos > maxLine) throw new SipParseError(`a header line longer than ${maxLine} octets`);
      headers.addSpan(known, start, end);
    }
    if (key === 'content-length') {
      seen.contentLengths++;
      // framing needs it now: plain digits are read here, anything else by the codec (and its errors)
      if (!folded && end > start && end - start <= 9) {
        let n = 0;
        let i = start;
        for (; i < end; i++) {
          const d = octets[i]! - 48;
          if (d < 0 || d > 9) break;
          n = n * 10 + d;
        }
        if (i === end) {
          headers.setLastParsed(n);
          seen.contentLength = n;
        }
      }
    } else if (key === 'cseq' && seen.firstCSeq < 0) seen.firstCSeq = rows - 1;
    pos = next;
  }
  return seen;
}

const COLON = 58;

/**
 * Whether head[from, to) holds a CR: the row reader cut the line at its LF and its CRLF's CR, so a
 * CR left inside is a bare one. RFC 3261 §25.1 allows CR only in CRLF; a value holding one could
 * not be written back (the serializer refuses it), so it is refused here, where it is read.
 * Usually the first CR from `from` is the line's own, at `to`: one native search per row.
 */
function hasBareCr(head: string, octets: Uint8Array, from: number, to: number): boolean {
  if (to < head.length && octets[to] === CR) return head.indexOf('\r', from) < to;
  // a line ended by a bare LF (lenient): search only the line itself
  for (let i = from; i < to; i++) if (octets[i] === CR) return true;
  return false;
}

function bareCr(head: string, pos: number, nameEnd: number): SipParseError {
  return new SipParseError('a bare CR in the value', 400, canonicalName(head.slice(pos, nameEnd)), pos);
}

function badRow(head: string, pos: number, at: number): SipParseError {
  let stop = head.indexOf('\n', pos);
  if (stop < 0) stop = head.length;
  const line = head.slice(pos, Math.min(stop, pos + 60)).replace(/\r$/, '');
  const problem = at === pos ? 'a header line without a name' : head.charCodeAt(at) === COLON ? 'a bad header name' : 'a header line without a colon';
  return new SipParseError(`${problem}: ${JSON.stringify(line)}`, 400, undefined, at);
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

/**
 * @internal The usual start lines, read where they lie in the head, text[from, to) (`octets` are
 * its octets): `Method SP Request-URI SP SIP/2.0` with a token method and a Request-URI that starts
 * with a scheme, and `SIP/2.0 SP 3DIGIT [SP Reason-Phrase]`; undefined for anything else, which
 * parseStartLine reads (and refuses with its errors).
 */
export function startLineAt(text: string, octets: Uint8Array, from: number, to: number): SipMessage | undefined {
  if (to - from < 11) return undefined;
  if (isVersionAt(octets, from) && octets[from + 7] === 32) {
    const a = octets[from + 8]! - 48;
    const b = octets[from + 9]! - 48;
    const c = octets[from + 10]! - 48;
    if (!(a >= 1 && a <= 6 && b >= 0 && b <= 9 && c >= 0 && c <= 9)) return undefined;
    let reason = '';
    if (to > from + 11) {
      if (octets[from + 11] !== 32) return undefined;
      for (let i = from + 12; i < to; i++) if (octets[i] === CR) return undefined;
      reason = text.slice(from + 12, to);
    }
    return new SipResponse(a * 100 + b * 10 + c, reason, new HeaderList());
  }
  const sp1 = tokenEnd(octets, from, to);
  if (sp1 === from || octets[sp1] !== 32 || to - sp1 < 10) return undefined;
  // exactly "SIP/2.0" after the second space, which ends the line
  const sp2 = to - 8;
  if (octets[sp2] !== 32 || !isVersionAt(octets, sp2 + 1)) return undefined;
  // the Request-URI: no SP or CR, not in <>, a scheme before a ':'
  let i = sp1 + 1;
  while (i < sp2 && isSchemeOctet(octets[i]!)) i++;
  if (i === sp1 + 1 || octets[i] !== 58) return undefined;
  const space = text.indexOf(' ', i);
  if (space !== sp2) return undefined;
  const cr = text.indexOf('\r', i);
  if (cr >= 0 && cr < sp2) return undefined;
  return SipRequest.fromWire(methodAt(text, octets, from, sp1), new HeaderList(), text, octets, sp1 + 1, sp2);
}

/** Whether octets[at, at + 7) is "SIP/2.0". */
function isVersionAt(octets: Uint8Array, at: number): boolean {
  return octets[at] === 83 && octets[at + 1] === 73 && octets[at + 2] === 80 && octets[at + 3] === 47 && octets[at + 4] === 50 && octets[at + 5] === 46 && octets[at + 6] === 48;
}

/** scheme characters (RFC 3261 §25.1): ALPHA / DIGIT / "+" / "-" / "." */
function isSchemeOctet(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/** @internal The start line `line`, which begins at `offset` in the head `source` (`octets` are its octets). */
export function parseStartLine(line: string, source: string, octets: Uint8Array, offset: number): SipMessage {
  // Exactly one SP between the elements (RFC 3261 §7.1, RFC 4475 §3.1.2.9 and §3.1.2.10).
  if (((line.charCodeAt(0) | 32) === 115 && (line.charCodeAt(1) | 32) === 105 && (line.charCodeAt(2) | 32) === 112 && line.charCodeAt(3) === 47)) {
    const sp1 = line.indexOf(' ');
    if (sp1 < 0) throw new SipParseError('a status line without a status code');
    const version = sp1 === 7 && line.startsWith(SIP_VERSION) ? SIP_VERSION : parseVersion(line.slice(0, sp1));
    let sp2 = line.indexOf(' ', sp1 + 1);
    if (sp2 < 0) sp2 = line.length;
    const status = statusCode(line, sp1 + 1, sp2);
    if (status < 0) throw new SipParseError(`${JSON.stringify(line.slice(sp1 + 1, sp2))} is not a status code (100-699)`);
    // the row reader cut the line at LF; a CR left inside it is not text
    const reason = sp2 >= line.length ? '' : line.slice(sp2 + 1);
    if (reason.indexOf('\r') >= 0) throw new SipParseError('a bad reason phrase');
    const response = new SipResponse(status, reason, new HeaderList());
    response.version = version;
    return response;
  }
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) throw new SipParseError(`a request line must be "Method SP Request-URI SP SIP-Version": ${JSON.stringify(line.slice(0, 100))}`);
  if (line.indexOf('\r') >= 0) throw new SipParseError('a bare CR in the request line');
  const method = line.slice(0, sp1);
  const target = line.slice(sp1 + 1, sp2);
  const version = line.slice(sp2 + 1);
  if (!isToken(method)) throw new SipParseError(`${JSON.stringify(method)} is not a method`);
  const parsedVersion = parseVersion(version);
  if (target.startsWith('<')) throw new SipParseError('the Request-URI is enclosed in <>');
  if (target.indexOf(':') <= 0) throw new SipParseError(`the Request-URI ${JSON.stringify(target.slice(0, 60))} has no scheme`, 400, 'Request-URI');
  const request = SipRequest.fromWire(method, new HeaderList(), source, octets, offset + sp1 + 1, offset + sp2);
  request.version = parsedVersion;
  return request;
}

/** The status code line[from, to): three digits, 100 to 699; else -1. */
function statusCode(line: string, from: number, to: number): number {
  if (to - from !== 3) return -1;
  const a = line.charCodeAt(from) - 48;
  const b = line.charCodeAt(from + 1) - 48;
  const c = line.charCodeAt(from + 2) - 48;
  if (!(a >= 1 && a <= 6 && b >= 0 && b <= 9 && c >= 0 && c <= 9)) return -1;
  return a * 100 + b * 10 + c;
}

/** A request's CSeq (its first) names its own method (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.17). */
function checkCSeqMethod(message: SipRequest, cseq: CSeq): void {
  if (cseq.method !== message.method) {
    throw new SipParseError(`CSeq method ${cseq.method} does not match the request method ${message.method}`, 400, 'CSeq');
  }
}
