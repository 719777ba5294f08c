// The stores' rows as the databases return them (snake_case columns; PostgreSQL gives BIGINT as a
// string), and their mapping to the Store's types, shared by the SQLite and PostgreSQL stores.
import type { Binding, OutboundMessage, PendingMessage, SentMessage, SipUser } from './store.js';

/** An integer column: a number from SQLite, a string (BIGINT) from PostgreSQL. */
type Int = number | string | bigint;
/** A message body: TEXT in SQLite, BYTEA (UTF-8) in PostgreSQL, whose TEXT cannot hold U+0000. */
type Body = string | Buffer;

const bodyText = (body: Body): string => (typeof body === 'string' ? body : body.toString('utf8'));

export interface BindingRow {
  aor: string;
  contact: string;
  expires_at: Int;
  call_id: string;
  cseq: Int;
}
export interface InboundRow {
  id: Int;
  aor: string;
  sender: string;
  text: Body;
  content_type: string;
  received_at: Int;
}
export interface OutboundRow {
  id: Int;
  sender_aor: string | null;
  source: string;
  source_ton: Int;
  source_npi: Int;
  destination: string;
  destination_ton: Int;
  text: Body;
  sip_message_id: string;
  created_at: Int;
  /** Null for a SIP MESSAGE (and for every row stored before migration 4). */
  api_message_id?: string | null;
}
export interface UserRow {
  username: string;
  realm: string;
  ha1_md5: string;
  ha1_sha256: string;
}
export interface SentRow {
  message_id: string;
  sender_aor: string;
  recipient: string;
  sip_message_id: string;
  sent_at: Int;
  connector: string | null;
}

export const toBinding = (r: BindingRow): Binding => ({ aor: r.aor, contact: r.contact, expiresAt: Number(r.expires_at), callId: r.call_id, cseq: Number(r.cseq) });

export const toPending = (r: InboundRow): PendingMessage => ({ id: Number(r.id), aor: r.aor, from: r.sender, text: bodyText(r.text), contentType: r.content_type, receivedAt: Number(r.received_at) });

export const toOutbound = (r: OutboundRow): OutboundMessage => ({
  id: Number(r.id),
  senderAor: r.sender_aor,
  source: r.source,
  sourceTon: Number(r.source_ton),
  sourceNpi: Number(r.source_npi),
  destination: r.destination,
  destinationTon: Number(r.destination_ton),
  text: bodyText(r.text),
  sipMessageId: r.sip_message_id,
  createdAt: Number(r.created_at),
  // only a message taken over HTTP carries it: a SIP MESSAGE reads as it always did
  ...(r.api_message_id === null || r.api_message_id === undefined ? {} : { apiMessageId: r.api_message_id }),
});

export const toUser = (r: UserRow): SipUser => ({ username: r.username, realm: r.realm, ha1Md5: r.ha1_md5, ha1Sha256: r.ha1_sha256 });

export const toSent = (r: SentRow): SentMessage => ({ messageId: r.message_id, senderAor: r.sender_aor, recipient: r.recipient, sipMessageId: r.sip_message_id, sentAt: Number(r.sent_at), connector: r.connector });
