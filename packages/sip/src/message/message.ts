// SIP requests and responses (RFC 3261 §7): a start line, headers, a body.
import type { CSeq } from './headers/cseq.js';
import type { NameAddr } from './headers/name-addr.js';
import type { Via } from './headers/via.js';
import { HeaderList } from './header-list.js';
import { SipParseError } from './errors.js';
import { formatUri, parseCommonSipUri, parseRequestUri, type Uri } from './uri.js';

export const SIP_VERSION = 'SIP/2.0';

/** The body of a message without one (zero octets: nothing in it can change). */
const NO_BODY = Buffer.alloc(0);

abstract class SipMessageBase {
  /** "SIP/2.0" */
  version = SIP_VERSION;
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

  get body(): Buffer {
    return (this.bodyBytes ??= this.bodySource!.subarray(this.bodyStart, this.bodyEnd));
  }

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

  get topVia(): Via | undefined {
    return this.headers.first('via');
  }

  get from(): NameAddr | undefined {
    return this.headers.first('from');
  }

  get to(): NameAddr | undefined {
    return this.headers.first('to');
  }

  get callId(): string | undefined {
    return this.headers.first('call-id');
  }

  get cseq(): CSeq | undefined {
    return this.headers.first('cseq');
  }

  /** Reads everything read lazily (every known header; a request's URI) and returns the first error, if any. */
  check(): SipParseError | undefined {
    return this.headers.check();
  }
}

export class SipRequest extends SipMessageBase {
  readonly kind = 'request' as const;
  private parsedUri: Uri | undefined;
  /** The Request-URI as received, read on first use. */
  private target: string | undefined;
  private targetSource: string | undefined = undefined;
  private targetStart = 0;
  private targetEnd = 0;

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
   * @internal the parser's: a request whose Request-URI, `target`, is read on first use, where it
   * lies in the head (source[from, to)) when it has the usual form.
   */
  static fromWire(method: string, target: string, headers: HeaderList, source: string, from: number, to: number): SipRequest {
    const request = new SipRequest(method, undefined as unknown as Uri, headers);
    request.target = target;
    request.targetSource = source;
    request.targetStart = from;
    request.targetEnd = to;
    return request;
  }

  /** The Request-URI; a received one is parsed on first use (a bad one throws SipParseError). */
  get uri(): Uri {
    return (this.parsedUri ??= this.readTarget());
  }

  private readTarget(): Uri {
    const source = this.targetSource;
    return (source === undefined ? undefined : parseCommonSipUri(source, this.targetStart, this.targetEnd)) ?? parseRequestUri(this.target!);
  }

  set uri(value: Uri) {
    this.parsedUri = value;
    this.target = undefined;
    this.targetSource = undefined;
  }

  /** @internal the serializer's: the Request-URI as received (while it is not replaced), else formatted. */
  get requestTarget(): string {
    return this.target ?? formatUri(this.parsedUri!);
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

export class SipResponse extends SipMessageBase {
  readonly kind = 'response' as const;
  constructor(
    public status: number,
    public reason: string,
    headers?: HeaderList,
    body?: Buffer,
  ) {
    super(headers, body);
  }
}

export type SipMessage = SipRequest | SipResponse;
