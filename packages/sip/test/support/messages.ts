// Reading a message the way a server would: parse it, then read every known header.
import { readFileSync, readdirSync } from 'node:fs';
import { parseMessage, serializeMessage, type ParseOptions, type SipMessage } from '@switchboard/sip';

export function readFully(bytes: Buffer, options?: ParseOptions): SipMessage {
  const message = parseMessage(bytes, options);
  const error = message.check();
  if (error !== undefined) throw error;
  return message;
}

const dir = new URL('../fixtures/rfc4475/', import.meta.url);

export function torture(name: string): Buffer {
  return readFileSync(new URL(`${name}.dat`, dir));
}

export function tortureNames(): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dat'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** What a message holds, as plain data: for deep comparison after a round trip. */
export function shape(message: SipMessage): unknown {
  return {
    start: message.kind === 'request' ? [message.method, message.uri, message.version] : [message.status, message.reason, message.version],
    headers: [...message.headers].filter(([name]) => name !== 'Content-Length'),
    body: message.body.toString('latin1'),
  };
}

export function roundTrip(message: SipMessage): SipMessage {
  return readFully(serializeMessage(message));
}
