// The stream framer for TCP and TLS (RFC 3261 §18.3): takes chunks as they come, cuts whole
// messages by Content-Length (required on streams), skips CRLFs between messages, reports an
// RFC 5626 keep-alive ping (a double CRLF) so the transport can answer with a single CRLF, and
// bounds what it buffers. Each octet is looked at a bounded number of times however the stream is
// cut: chunks are appended to a buffer grown by doubling, the search for the end of the head
// resumes where it stopped, and the head is parsed once.
import { SipParseError } from './errors.js';
import { DEFAULT_LIMITS, parseHead, type ParseLimits } from './parser.js';
import type { SipMessage } from './message.js';

/**
 * What {@link SipStreamFramer.push} reports as it cuts messages from the stream; each callback's
 * return value is ignored.
 */
export interface FramerEvents {
  /** A whole message. */
  message(message: SipMessage, bytes: Buffer): void;
  /** An RFC 5626 ping (CRLF CRLF between messages): answer it with a pong (CRLF). */
  ping?(): void;
}

const CR = 13;
const LF = 10;
/** The empty line ending a head, after a row ending in LF: CRLF, or (leniently) a bare LF. */
const LF_CRLF = Buffer.from('\n\r\n');
const LF_LF = Buffer.from('\n\n');
/** The smallest buffer the framer allocates when it has to keep octets of two chunks (small ones come from Node's pool). */
const MIN_CAPACITY = 256;
const EMPTY = Buffer.alloc(0);

/**
 * Feed it chunks with `push`. A framing error (no Content-Length, a head or message over the
 * limits, a bad start line) is thrown by `push` and leaves the framer broken: the connection
 * cannot be resynchronised and should be closed after answering 400 if it can.
 *
 * The cost per octet does not grow with what is buffered: a message trickled one octet at a time
 * costs one copy of each octet into the buffer (amortised by doubling), one search for the head's
 * end over the new octets, and one parse of the head. Messages are handed out as views of the
 * chunk or of the framer's buffer, which is never written over afterwards (a new one is
 * allocated instead), so a message stays valid after later pushes.
 *
 * @example
 * const framer = new SipStreamFramer({ maxMessageSize: 65_535 });
 * socket.on('data', (chunk) => framer.push(chunk, { message: (m) => handle(m), ping: () => socket.write('\r\n') }));
 */
export class SipStreamFramer {
  /** The octets held: `storage[start, end)`. Either a received chunk, or a buffer of our own. */
  private storage: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  /** True when `storage` is ours and its octets past `end` may be written. */
  private owned = false;
  /** Octets of the current message (from `start`) already searched for the end of its head. */
  private scanned = 0;
  /** A head read, waiting for the rest of its body; offsets from the message's first octet. */
  private pending: SipMessage | null = null;
  private pendingBodyStart = 0;
  private pendingTotal = 0;
  private crlfs = 0;
  private broken: SipParseError | null = null;
  private readonly limits: Required<ParseLimits>;

  /** Creates a framer; `limits` default to {@link DEFAULT_LIMITS}. */
  constructor(limits: ParseLimits = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Octets held waiting for the rest of a message. */
  get buffered(): number {
    return this.end - this.start;
  }

  /**
   * Takes the next chunk of the stream and reports, through `events`, every whole message and
   * keep-alive ping it completes, in order. Throws {@link SipParseError} on a framing error, after
   * which the framer stays broken.
   */
  push(chunk: Buffer, events: FramerEvents): void {
    if (this.broken !== null) throw this.broken;
    if (chunk.length === 0) return;
    this.append(chunk);
    try {
      this.drain(events);
    } catch (error) {
      if (error instanceof SipParseError) this.broken = error;
      throw error;
    }
  }

  private append(chunk: Buffer): void {
    const held = this.end - this.start;
    if (held === 0) {
      // Nothing held: work on the chunk itself, no copy.
      this.storage = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    const needed = held + chunk.length;
    if (this.owned && this.end + chunk.length <= this.storage.length) {
      chunk.copy(this.storage, this.end);
      this.end += chunk.length;
      return;
    }
    // A new buffer, never the old one compacted: messages already handed out are views of it.
    const grown = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, needed * 2));
    this.storage.copy(grown, 0, this.start, this.end);
    chunk.copy(grown, held);
    this.storage = grown;
    this.start = 0;
    this.end = needed;
    this.owned = true;
  }

  private drain(events: FramerEvents): void {
    const limits = this.limits;
    for (;;) {
      if (this.pending === null && this.scanned === 0) {
        // CRLFs between messages: keep-alives (RFC 3261 §7.5 allows them; RFC 5626 §3.5.1 pings)
        const storage = this.storage;
        let at = this.start;
        while (at < this.end && (storage[at] === CR || storage[at] === LF)) {
          if (storage[at] === LF && ++this.crlfs === 2) {
            this.crlfs = 0;
            events.ping?.();
          }
          at++;
        }
        this.start = at;
        if (at === this.end) {
          this.release();
          return;
        }
        this.crlfs = 0;
      }
      if (this.pending === null) {
        const headEnd = this.findHeadEnd();
        if (headEnd < 0) {
          if (this.end - this.start > limits.maxMessageSize) throw new SipParseError(`a message head over ${limits.maxMessageSize} octets`, 413);
          return;
        }
        const view = this.start === 0 && this.end === this.storage.length ? this.storage : this.storage.subarray(this.start, this.end);
        // The row reader stops at the first empty line, which may come before `headEnd` (a bare LF
        // one before a CRLF one): its end is where the body starts.
        const { message, contentLength, headEnd: bodyStart } = parseHead(view, headEnd, limits);
        if (contentLength === undefined) throw new SipParseError('Content-Length is required on a stream transport', 400, 'Content-Length');
        const total = bodyStart + contentLength;
        if (total > limits.maxMessageSize) throw new SipParseError(`a message of ${total} octets exceeds ${limits.maxMessageSize}`, 413);
        this.pending = message;
        this.pendingBodyStart = bodyStart;
        this.pendingTotal = total;
      }
      const total = this.pendingTotal;
      if (this.end - this.start < total) return;
      const message = this.pending;
      const bytes = this.storage.subarray(this.start, this.start + total);
      message.body = bytes.subarray(this.pendingBodyStart);
      this.start += total;
      this.pending = null;
      this.scanned = 0;
      events.message(message, bytes);
    }
  }

  /**
   * Where the current message's head ends, as an offset from `start`, or -1: just past the first
   * CRLF empty line, else (leniently) the first bare-LF one. A bare-LF empty line before a CRLF
   * one is found by the parser's row reader, which stops there. The search resumes two octets
   * before where the last one stopped, so each octet is searched a bounded number of times.
   */
  private findHeadEnd(): number {
    const { storage, start, end } = this;
    const view = end === storage.length ? storage : storage.subarray(0, end);
    const from = start + (this.scanned > 2 ? this.scanned - 2 : 0);
    const crlf = view.indexOf(LF_CRLF, from);
    if (crlf >= 0) return crlf + 3 - start;
    const lf = view.indexOf(LF_LF, from);
    if (lf >= 0) return lf + 2 - start;
    this.scanned = end - start;
    return -1;
  }

  /** Nothing is held: let go of the last chunk or buffer (messages handed out keep their views). */
  private release(): void {
    this.storage = EMPTY;
    this.start = 0;
    this.end = 0;
    this.owned = false;
  }
}
