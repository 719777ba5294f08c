// node-smpp (npm `smpp`, untyped CommonJS), typed for the benchmark peers.
import { createRequire } from 'node:module';

export interface NodeSmppPdu {
  readonly command_status: number;
  response(fields?: Record<string, unknown>): NodeSmppPdu;
}
export interface NodeSmppSession {
  on(event: string, listener: (pdu: NodeSmppPdu) => void): void;
  send(pdu: NodeSmppPdu): boolean;
  bind_transceiver(fields: Record<string, unknown>, callback: (pdu: NodeSmppPdu) => void): void;
  submit_sm(fields: Record<string, unknown>, callback: (pdu: NodeSmppPdu) => void): void;
  enquire_link(fields: Record<string, unknown>, callback: (pdu: NodeSmppPdu) => void): void;
  close(): void;
}
export interface NodeSmppServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number };
}
const require = createRequire(import.meta.url);
export const nodeSmpp = require('smpp') as {
  connect(options: { url: string }, listener?: () => void): NodeSmppSession;
  createServer(listener: (session: NodeSmppSession) => void): NodeSmppServer;
};
export const nodeSmppVersion = (require('smpp/package.json') as { version: string }).version;
