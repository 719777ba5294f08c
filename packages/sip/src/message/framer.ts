// The stream framer for TCP and TLS (RFC 3261 §18.3): takes chunks as they come, cuts whole
// messages by Content-Length (required on streams), skips CRLFs between messages, reports an
// RFC 5626 keep-alive ping (a double CRLF) so the transport can answer with a single CRLF, and
// bounds what it buffers.
import { SipParseError } from './errors.js';
import { DEFAULT_LIMITS, findHeadEnd, parseHead, type ParseLimits } from './parser.js';
import type { SipMessage } from './message.js';

export interface FramerEvents {
  /** A whole message. */
  message(message: SipMessage, bytes: Buffer): void;
  /** An RFC 5626 ping (CRLF CRLF between messages): answer it with a pong (CRLF). */
  ping?(): void;
}

/**
 * Feed it chunks with `push`. A framing error (no Content-Length, a head or message over the
 * limits, a bad start line) is thrown by `push` and leaves the framer broken: the connection
 * cannot be resynchronised and should be closed after answering 400 if it can.
 */
export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private crlfs = 0;
  private broken: SipParseError | null = null;
  private readonly limits: Required<ParseLimits>;

  constructor(limits: ParseLimits = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Octets held waiting for the rest of a message. */
  get buffered(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer, events: FramerEvents): void {
    if (this.broken !== null) throw this.broken;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      this.drain(events);
    } catch (error) {
      if (error instanceof SipParseError) this.broken = error;
      throw error;
    }
  }

  private drain(events: FramerEvents): void {
    for (;;) {
      // CRLFs between messages: keep-alives (RFC 3261 §7.5 allows them; RFC 5626 §3.5.1 pings)
      let skip = 0;
      while (skip < this.buffer.length && (this.buffer[skip] === 13 || this.buffer[skip] === 10)) skip++;
      if (skip > 0) {
        this.countKeepAlive(this.buffer.subarray(0, skip), events);
        this.buffer = this.buffer.subarray(skip);
      }
      if (this.buffer.length === 0) return;
      this.crlfs = 0;
      const headEnd = findHeadEnd(this.buffer);
      if (headEnd < 0) {
        if (this.buffer.length > this.limits.maxMessageSize) throw new SipParseError(`a message head over ${this.limits.maxMessageSize} octets`, 413);
        return;
      }
      const { message, contentLength, headEnd: bodyStart } = parseHead(this.buffer, headEnd, this.limits);
      if (contentLength === undefined) throw new SipParseError('Content-Length is required on a stream transport', 400, 'Content-Length');
      const total = bodyStart + contentLength;
      if (total > this.limits.maxMessageSize) throw new SipParseError(`a message of ${total} octets exceeds ${this.limits.maxMessageSize}`, 413);
      if (this.buffer.length < total) return;
      const bytes = this.buffer.subarray(0, total);
      message.body = bytes.subarray(bodyStart);
      this.buffer = this.buffer.subarray(total);
      events.message(message, bytes);
    }
  }

  private countKeepAlive(bytes: Buffer, events: FramerEvents): void {
    for (const b of bytes) {
      if (b !== 10) continue;
      this.crlfs++;
      if (this.crlfs === 2) {
        this.crlfs = 0;
        events.ping?.();
      }
    }
  }
}
