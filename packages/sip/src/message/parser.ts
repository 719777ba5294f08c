// The message parser (RFC 3261 §7, §18.3): a hand-written scanner over the bytes. It reads the
// start line, the header rows (unfolding continuation lines) and the body; the headers every layer
// needs (Via, From, To, Call-ID, CSeq, Max-Forwards, Content-Length) are read at once, the rest on
// first use (`message.headers.check()` reads them all).
import { SipParseError } from './errors.js';
import { HeaderList } from './header-list.js';
import { SIP_VERSION, SipRequest, SipResponse, type SipMessage } from './message.js';
import { isToken } from './scanner.js';
import { isSipUri, parseUri } from './uri.js';

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

/** The end of the head: the offset just past the empty line, or -1. Lines end in CRLF (a lone LF is accepted). */
export function findHeadEnd(buf: Buffer, from = 0, to = buf.length): number {
  for (let i = from; i < to; i++) {
    if (buf[i] !== LF) continue;
    // LF followed by CRLF or LF: an empty line
    if (buf[i + 1] === LF) return i + 2;
    if (buf[i + 1] === CR && buf[i + 2] === LF) return i + 3;
  }
  return -1;
}

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
  const { message, contentLength } = parseHead(buf, 0, headEnd, limits);
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
export function parseHead(buf: Buffer, start: number, end: number, limits: Required<ParseLimits>): { message: SipMessage; contentLength: number | undefined } {
  // leading CRLFs before a message are ignored (RFC 3261 §7.5)
  let pos = start;
  while (pos < end && (buf[pos] === CR || buf[pos] === LF)) pos++;
  const lines = readLines(buf, pos, end, limits);
  const startLine = lines.shift();
  if (startLine === undefined) throw new SipParseError('an empty message');
  const message = parseStartLine(startLine);
  const headers = message.headers;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError(`a header line without a name: ${JSON.stringify(line.slice(0, 60))}`);
    const name = line.slice(0, colon).trimEnd();
    if (!isToken(name)) throw new SipParseError(`a bad header name ${JSON.stringify(name)}`);
    headers.add(name, line.slice(colon + 1).trim());
  }
  if (headers.size > limits.maxHeaders) throw new SipParseError(`more than ${limits.maxHeaders} header rows`);
  const contentLength = readContentLength(headers);
  readEssentials(message);
  return { message, contentLength };
}

function readLines(buf: Buffer, start: number, end: number, limits: Required<ParseLimits>): string[] {
  const lines: string[] = [];
  let pos = start;
  while (pos < end) {
    let eol = buf.indexOf(LF, pos);
    if (eol < 0 || eol >= end) eol = end;
    const stop = eol > pos && buf[eol - 1] === CR ? eol - 1 : eol;
    if (stop === pos) break; // the empty line
    const text = buf.toString('latin1', pos, stop);
    const first = buf[pos];
    if ((first === 32 || first === 9) && lines.length > 1) {
      // a continuation line: folded into the previous header with one space
      lines[lines.length - 1] = `${lines[lines.length - 1]!.trimEnd()} ${text.trim()}`;
    } else if ((first === 32 || first === 9) && lines.length === 1) {
      throw new SipParseError('a continuation line right after the start line');
    } else lines.push(text);
    const last = lines[lines.length - 1]!;
    if (last.length > limits.maxLineLength) throw new SipParseError(`a line longer than ${limits.maxLineLength} octets`);
    pos = eol + 1;
  }
  // header values are UTF-8 (RFC 3261 §7.3.1); decode them once folded
  return lines.map((line) => (/[\x80-\xff]/.test(line) ? Buffer.from(line, 'latin1').toString('utf8') : line));
}

function parseVersion(text: string): string {
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
  const parts = line.split(' ');
  if (parts.length !== 3) throw new SipParseError(`a request line must be "Method SP Request-URI SP SIP-Version": ${JSON.stringify(line.slice(0, 100))}`);
  const [method, target, version] = parts as [string, string, string];
  if (!isToken(method)) throw new SipParseError(`${JSON.stringify(method)} is not a method`);
  const parsedVersion = parseVersion(version);
  if (target.startsWith('<')) throw new SipParseError('the Request-URI is enclosed in <>');
  const uri = parseUri(target, 'Request-URI');
  if (isSipUri(uri) && uri.headers.length > 0) throw new SipParseError('the Request-URI carries headers (RFC 3261 §19.1.5)', 400, 'Request-URI');
  const request = new SipRequest(method, uri, new HeaderList());
  request.version = parsedVersion;
  return request;
}

function readContentLength(headers: HeaderList): number | undefined {
  const rows = headers.values('content-length');
  if (rows.length === 0) return undefined;
  const values = new Set(headers.all('content-length'));
  if (values.size > 1 || rows.length > 1) throw new SipParseError('more than one Content-Length', 400, 'Content-Length');
  return [...values][0];
}

/** Reads the headers every layer relies on; a bad one fails the message now. */
function readEssentials(message: SipMessage): void {
  const { headers } = message;
  headers.first('via');
  headers.first('from');
  headers.first('to');
  headers.first('call-id');
  const cseq = headers.first('cseq');
  headers.first('max-forwards');
  if (message.kind === 'request' && cseq !== undefined && cseq.method !== message.method) {
    throw new SipParseError(`CSeq method ${cseq.method} does not match the request method ${message.method}`, 400, 'CSeq');
  }
}
