// SIP requests and responses (RFC 3261 §7): a start line, headers, a body.
import type { CSeq } from './headers/cseq.js';
import type { NameAddr } from './headers/name-addr.js';
import type { Via } from './headers/via.js';
import { HeaderList } from './header-list.js';
import type { Uri } from './uri.js';

export const SIP_VERSION = 'SIP/2.0';

abstract class SipMessageBase {
  /** "SIP/2.0" */
  version = SIP_VERSION;
  headers: HeaderList;
  body: Buffer;

  constructor(headers: HeaderList = new HeaderList(), body: Buffer = Buffer.alloc(0)) {
    this.headers = headers;
    this.body = body;
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
}

export class SipRequest extends SipMessageBase {
  readonly kind = 'request' as const;
  constructor(
    /** Case-sensitive (RFC 3261 §7.1). */
    public method: string,
    public uri: Uri,
    headers?: HeaderList,
    body?: Buffer,
  ) {
    super(headers, body);
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
