// SIP requests and responses (RFC 3261 §7): a start line, headers, a body.
import type { CSeq } from './headers/cseq.js';
import type { NameAddr } from './headers/name-addr.js';
import type { Via } from './headers/via.js';
import { HeaderList } from './header-list.js';
import { SipParseError } from './errors.js';
import { formatUri, parseCommonSipUri, parseRequestUri, type Uri } from './uri.js';

/**
 * The protocol version every message this stack writes carries on its start line (RFC 3261 §7.1).
 */
export const SIP_VERSION = 'SIP/2.0';

/** The body of a message without one (zero octets: nothing in it can change). */
const NO_BODY = Buffer.alloc(0);

abstract class SipMessageBase {
  /** "SIP/2.0" */
  version = SIP_VERSION;
  /** The header rows, in order, typed on first read (see {@link HeaderList}). */
  headers: HeaderList;
  private bodyBytes: Buffer | undefined;
  /** A parsed message's body is cut from the received bytes when first read. */
  private bodySource: Buffer | undefined = undefined;
  private bodyStart = 0;
  private bodyEnd = 0;

  constructor(headers: HeaderList = new HeaderList(), body: Buffer = NO_BODY) {
    this.headers = headers;
    this.bodyBytes = body;
  }

  /**
   * The body's octets; empty when the message has none. A parsed message's body is cut from the
   * received bytes on first read.
   */
  get body(): Buffer {
    return (this.bodyBytes ??= this.bodySource!.subarray(this.bodyStart, this.bodyEnd));
  }

  /**
   * Replaces the body. Content-Length is not updated here: the serializer writes it from the body's
   * length.
   */
  set body(value: Buffer) {
    this.bodyBytes = value;
    this.bodySource = undefined;
  }

  /** @internal the parser's: the body is source[start, end), cut on first use. */
  setBodySpan(source: Buffer, start: number, end: number): void {
    if (start === end) {
      this.bodyBytes = NO_BODY;
      return;
    }
    this.bodyBytes = undefined;
    this.bodySource = source;
    this.bodyStart = start;
    this.bodyEnd = end;
  }

  /** Every Via, top first. */
  get via(): Via[] {
    return this.headers.all('via');
  }

  /**
   * The topmost Via (RFC 3261 §8.1.1.7): the hop this message was last sent by, or will be;
   * undefined when there is none.
   */
  get topVia(): Via | undefined {
    return this.headers.first('via');
  }

  /** The From value (RFC 3261 §8.1.1.3); undefined when missing. */
  get from(): NameAddr | undefined {
    return this.headers.first('from');
  }

  /** The To value (RFC 3261 §8.1.1.2); undefined when missing. */
  get to(): NameAddr | undefined {
    return this.headers.first('to');
  }

  /** The Call-ID (RFC 3261 §8.1.1.4); undefined when missing. */
  get callId(): string | undefined {
    return this.headers.first('call-id');
  }

  /** The CSeq (RFC 3261 §8.1.1.5); undefined when missing. */
  get cseq(): CSeq | undefined {
    return this.headers.first('cseq');
  }

  /** Reads everything read lazily (every known header; a request's URI) and returns the first error, if any. */
  check(): SipParseError | undefined {
    return this.headers.check();
  }

  /**
   * @internal lets go of what was read from the received bytes and can be read from them again
   * (see HeaderList.releaseReads); the body is cut again on its next read.
   */
  releaseReads(): void {
    this.headers.releaseReads();
    if (this.bodySource !== undefined) this.bodyBytes = undefined;
  }
}

/**
 * A SIP request (RFC 3261 §7.1): a method, a Request-URI, headers and a body. Parsed requests read
 * their URI and headers lazily, so a malformed value throws {@link SipParseError} only when read
 * (or from `check()`).
 *
 * @example
 * ```ts
 * const request = new SipRequest('OPTIONS', parseUri('sip:bob@example.com'));
 * request.headers.append('max-forwards', 70);
 * ```
 */
export class SipRequest extends SipMessageBase {
  /**
   * Always `request`: tells a {@link SipRequest} from a {@link SipResponse} in a
   * {@link SipMessage}.
   */
  readonly kind = 'request' as const;
  private parsedUri: Uri | undefined;
  /** The Request-URI as received, cut from the head (targetSource) on first use. */
  private target: string | undefined = undefined;
  private targetSource: string | undefined = undefined;
  private targetOctets: Uint8Array | undefined = undefined;
  private targetStart = 0;
  private targetEnd = 0;

  /** Builds a request from parts; {@link createRequest} fills in the mandatory headers for you. */
  constructor(
    /** Case-sensitive (RFC 3261 §7.1). */
    public method: string,
    uri: Uri,
    headers?: HeaderList,
    body?: Buffer,
  ) {
    super(headers, body);
    this.parsedUri = uri;
  }

  /**
   * @internal the parser's: a request whose Request-URI, source[from, to) (whose octets are
   * `octets`), is read on first use, where it lies in the head when it has the usual form.
   */
  static fromWire(method: string, headers: HeaderList, source: string, octets: Uint8Array, from: number, to: number): SipRequest {
    const request = new SipRequest(method, undefined as unknown as Uri, headers);
    request.targetSource = source;
    request.targetOctets = octets;
    request.targetStart = from;
    request.targetEnd = to;
    return request;
  }

  /** The Request-URI; a received one is parsed on first use (a bad one throws SipParseError). */
  get uri(): Uri {
    return (this.parsedUri ??= this.readTarget());
  }

  private readTarget(): Uri {
    return parseCommonSipUri(this.targetSource!, this.targetStart, this.targetEnd, this.targetOctets) ?? parseRequestUri(this.requestTarget);
  }

  /** Replaces the Request-URI (a proxy retargeting, a UAC following a Route). */
  set uri(value: Uri) {
    this.parsedUri = value;
    this.target = undefined;
    this.targetSource = undefined;
    this.targetOctets = undefined;
  }

  /** @internal see SipMessageBase.releaseReads: a received Request-URI is read again on next use. */
  override releaseReads(): void {
    super.releaseReads();
    if (this.targetSource !== undefined) {
      this.parsedUri = undefined;
      this.target = undefined;
    }
  }

  /** @internal the serializer's: the Request-URI as received (while it is not replaced), else formatted. */
  get requestTarget(): string {
    if (this.target !== undefined) return this.target;
    const source = this.targetSource;
    return source === undefined ? formatUri(this.parsedUri!) : (this.target = source.slice(this.targetStart, this.targetEnd));
  }

  override check(): SipParseError | undefined {
    try {
      void this.uri;
    } catch (error) {
      if (error instanceof SipParseError) return error;
      throw error;
    }
    return super.check();
  }
}

/**
 * A SIP response (RFC 3261 §7.2): a status code, a reason phrase, headers and a body. Build one for
 * a request with {@link createResponse}, which copies the headers §8.2.6.2 requires.
 */
export class SipResponse extends SipMessageBase {
  /**
   * Always `response`: tells a {@link SipResponse} from a {@link SipRequest} in a
   * {@link SipMessage}.
   */
  readonly kind = 'response' as const;
  /**
   * Builds a response from parts; {@link createResponse} copies Via, From, To, Call-ID and CSeq
   * from the request for you.
   */
  constructor(
    /** The status code, 100 to 699 (RFC 3261 §7.2). */
    public status: number,
    /** The reason phrase, for humans (RFC 3261 §7.2); machines read `status`. */
    public reason: string,
    headers?: HeaderList,
    body?: Buffer,
  ) {
    super(headers, body);
  }
}

/** Either kind of SIP message; tell them apart with `kind`. */
export type SipMessage = SipRequest | SipResponse;
