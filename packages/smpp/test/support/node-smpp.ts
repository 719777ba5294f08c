// The slice of node-smpp (npm `smpp`, untyped CommonJS) the interop tests use, typed here.
import { createRequire } from 'node:module';

export interface NodeSmppPdu {
  readonly command: string;
  readonly command_status: number;
  readonly sequence_number: number;
  readonly [field: string]: unknown;
  response(fields?: Record<string, unknown>): NodeSmppPdu;
}

type Callback = (pdu: NodeSmppPdu) => void;

export interface NodeSmppSession {
  on(event: 'connect' | 'close', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: string, listener: Callback): void;
  send(pdu: NodeSmppPdu): boolean;
  close(): void;
  destroy(): void;
  bind_transceiver(fields: Record<string, unknown>, callback: Callback): void;
  submit_sm(fields: Record<string, unknown>, callback: Callback): void;
  deliver_sm(fields: Record<string, unknown>, callback: Callback): void;
  enquire_link(fields: Record<string, unknown>, callback: Callback): void;
  unbind(fields: Record<string, unknown>, callback: Callback): void;
}

export interface NodeSmppServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number };
  close(callback?: () => void): void;
}

export const nodeSmpp = createRequire(import.meta.url)('smpp') as {
  connect(options: { url: string; auto_enquire_link_period?: number }, listener?: () => void): NodeSmppSession;
  createServer(listener: (session: NodeSmppSession) => void): NodeSmppServer;
};

/** A node-smpp request as a promise of its response. */
export function ask(session: NodeSmppSession, command: 'bind_transceiver' | 'submit_sm' | 'enquire_link' | 'unbind' | 'deliver_sm', fields: Record<string, unknown> = {}): Promise<NodeSmppPdu> {
  return new Promise((resolve) => session[command](fields, resolve));
}
