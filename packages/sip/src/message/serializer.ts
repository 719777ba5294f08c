// Writes a message in canonical wire format: the start line, one row per header as it is held
// (canonical names, folding gone), Content-Length set to the body's length, the body.
import { formatUri } from './uri.js';
import type { SipMessage } from './message.js';

/** The start line of a message, without CRLF. */
export function startLine(message: SipMessage): string {
  return message.kind === 'request'
    ? `${message.method} ${formatUri(message.uri)} ${message.version}`
    : `${message.version} ${message.status} ${message.reason}`;
}

export function serializeMessage(message: SipMessage): Buffer {
  let head = `${startLine(message)}\r\n`;
  let wroteLength = false;
  for (const [name, value] of message.headers) {
    if (name === 'Content-Length') {
      if (wroteLength) continue;
      wroteLength = true;
      head += `Content-Length: ${message.body.length}\r\n`;
      continue;
    }
    head += `${name}: ${value}\r\n`;
  }
  if (!wroteLength) head += `Content-Length: ${message.body.length}\r\n`;
  head += '\r\n';
  const headBytes = Buffer.from(head, 'utf8');
  return message.body.length === 0 ? headBytes : Buffer.concat([headBytes, message.body]);
}
