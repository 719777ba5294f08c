// What a transport hands up: whole messages with their source, and the bytes it could not parse.
import type { SipParseError } from '../message/errors.js';
import type { SipMessage } from '../message/message.js';
import type { Source } from './endpoint.js';

export interface Inbound {
  /** A parsed message; runs in the transport's process. */
  receive(message: SipMessage, source: Source): void;
  /** Bytes that framed but did not parse: a request among them is answered (400 and the like). */
  reject(bytes: Buffer, error: SipParseError, source: Source): void;
}
