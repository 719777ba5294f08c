// Writes a message in canonical wire format: the start line, one row per header as it is held
// (canonical names, folding gone), Content-Length set to the body's length, the body. A received
// request's URI and header values are written as received while they are not replaced.
import type { SipMessage } from './message.js';

/** The start line of a message, without CRLF. */
export function startLine(message: SipMessage): string {
  return message.kind === 'request' ? `${message.method} ${message.requestTarget} ${message.version}` : `${message.version} ${message.status} ${message.reason}`;
}

/**
 * Writes a message in wire format (RFC 3261 §7): the start line, one row per header, Content-Length
 * set to the body's length, then the body. A received request's URI and header values are written
 * as received unless replaced.
 *
 * @example
 * ```ts
 * socket.send(serializeMessage(createResponse(request, 200)));
 * ```
 */
export function serializeMessage(message: SipMessage): Buffer {
  const body = message.body;
  const head = `${startLine(message)}\r\n${message.headers.wireRows(body.length)}\r\n`;
  const headLength = Buffer.byteLength(head, 'utf8');
  // every octet is written below: the head, then the body
  const out = Buffer.allocUnsafe(headLength + body.length);
  out.write(head, 0, headLength, 'utf8');
  if (body.length > 0) out.set(body, headLength);
  return out;
}
