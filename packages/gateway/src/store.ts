// What the gateway keeps across restarts, behind an interface a networked database could also
// implement: registrations (RFC 3261 §10.3 bindings) and mobile-originated messages waiting for
// their user.

/** One Contact bound to an address-of-record. */
export interface Binding {
  /** The AOR, canonical: `sip:user@domain`. */
  readonly aor: string;
  /** The Contact URI as registered. */
  readonly contact: string;
  /** When it expires, on the runtime clock (ms). */
  readonly expiresAt: number;
  /**
   * The Call-ID of the REGISTER that made or last refreshed it: with `cseq`, orders requests (RFC
   * 3261 §10.3 step 7).
   */
  readonly callId: string;
  /** The CSeq number of that REGISTER; an older one with the same Call-ID is refused. */
  readonly cseq: number;
}

/** A mobile-originated message not yet delivered to its user. */
export interface PendingMessage {
  /** The store's id for the message, used to delete it once delivered. */
  readonly id: number;
  /** The AOR it is for, canonical: `sip:user@domain`. */
  readonly aor: string;
  /** The sender's number, as the SMSC gave it. */
  readonly from: string;
  /** The body: the message's text, or the notification document. */
  readonly text: string;
  /** `text/plain;charset=UTF-8` for a text, `message/imdn+xml` for a delivery notification. */
  readonly contentType: string;
  /** When the gateway received it, on the runtime clock (ms). */
  readonly receivedAt: number;
}

/** A message the SMSC accepted, kept until its delivery receipt comes back. */
export interface SentMessage {
  /** The SMSC's message_id (of the first part). */
  readonly messageId: string;
  /** Who sent it: the AOR the notification goes to. */
  readonly senderAor: string;
  /** The number it went to. */
  readonly recipient: string;
  /** The Call-ID of the MESSAGE, which the notification names (RFC 5438 message-id). */
  readonly sipMessageId: string;
  /** When the SMSC accepted it, on the runtime clock (ms). */
  readonly sentAt: number;
}

/** A MESSAGE taken from a SIP user and not yet accepted by the SMSC (no bind was up). */
export interface OutboundMessage {
  /** The store's id for the message, used to delete it once submitted. */
  readonly id: number;
  /** Who sent it: the AOR delivery notifications go to; null for an unauthenticated sender. */
  readonly senderAor: string | null;
  /** The SMPP source address (number or alphanumeric name). */
  readonly source: string;
  /** The source's type of number (SMPP v3.4 §5.2.5). */
  readonly sourceTon: number;
  /** The source's numbering plan indicator (SMPP v3.4 §5.2.6). */
  readonly sourceNpi: number;
  /** The destination number. */
  readonly destination: string;
  /** The destination's type of number (its NPI is always E.164). */
  readonly destinationTon: number;
  /** The message's text. */
  readonly text: string;
  /** The Call-ID of the MESSAGE, which a delivery notification names (RFC 5438 message-id). */
  readonly sipMessageId: string;
  /** When the gateway took it, on the runtime clock (ms). */
  readonly createdAt: number;
}

/** A user allowed to REGISTER and send MESSAGEs: digest HA1s for the realm, never the password. */
export interface SipUser {
  /** The SIP username: the user part of the AOR and the digest username. */
  readonly username: string;
  /** The realm the HA1s were computed for (the SIP domain). */
  readonly realm: string;
  /** MD5(username:realm:password), hex. */
  readonly ha1Md5: string;
  /** SHA-256(username:realm:password), hex. */
  readonly ha1Sha256: string;
}

/**
 * A MESSAGE already taken, by its identity (Call-ID, CSeq number, From tag): a retransmission that
 * reaches a restarted gateway gets the same answer instead of a second submit.
 */
export interface TakenMessage {
  /** 0 while its final answer is not known (it is stored, waiting for the SMSC). */
  readonly status: number;
  /** When the record may be forgotten, on the runtime clock (ms). */
  readonly expiresAt: number;
}

/**
 * What the gateway keeps across restarts: registrations, messages waiting in either direction, sent
 * messages awaiting receipts, users and the nonce secret. {@link SqliteStore} implements it; a
 * networked database could too. Every write is durable when the call returns.
 */
export interface Store {
  /** The bindings of `aor` still valid at `now`. */
  bindings(aor: string, now: number): Binding[];
  /** Adds or refreshes the binding of (aor, contact). */
  putBinding(binding: Binding): void;
  /** Removes the binding of (aor, contact), if there is one. */
  removeBinding(aor: string, contact: string): void;
  /** Removes every binding of `aor` (a REGISTER with `Contact: *`). */
  removeBindings(aor: string): void;
  /** Deletes expired bindings; returns how many. */
  purgeExpired(now: number): number;
  /** How many bindings are still valid at `now`, across all users. */
  countBindings(now: number): number;
  /** Stores a message durably (the write is on disk when this returns); returns its id. */
  queueInbound(message: Omit<PendingMessage, 'id'>): number;
  /** The messages waiting for `aor`, oldest first. */
  pendingFor(aor: string): PendingMessage[];
  /** Deletes a waiting message once delivered. */
  deleteInbound(id: number): void;
  /** How many messages wait for their users. */
  countPending(): number;
  /**
   * Keeps a MESSAGE for the SMSC, durably; returns its id. With `taken`, the MESSAGE's identity is
   * recorded in the same transaction (until `taken.expiresAt`), status 0.
   */
  queueOutbound(message: Omit<OutboundMessage, 'id'>, taken?: { readonly key: string; readonly expiresAt: number }): number;
  /** What was recorded for a MESSAGE identity still valid at `now`. */
  takenMessage(key: string, now: number): TakenMessage | undefined;
  /** Records the final status answered for a MESSAGE identity. */
  answeredMessage(key: string, status: number): void;
  /** Deletes expired MESSAGE identities; returns how many. */
  purgeTaken(now: number): number;
  /** A user, or undefined. */
  user(username: string): SipUser | undefined;
  /** Adds or replaces a user. */
  putUser(user: SipUser): void;
  /** Removes a user; false when there was none. */
  removeUser(username: string): boolean;
  /** Every username, sorted. */
  usernames(): string[];
  /** A random secret made once and kept (it signs digest nonces, so they outlive a restart). */
  serverSecret(): Buffer;
  /** The oldest waiting MESSAGEs first. */
  outbound(limit: number): OutboundMessage[];
  /** Deletes a waiting MESSAGE once the SMSC accepted it (or refused it for good). */
  deleteOutbound(id: number): void;
  /** How many MESSAGEs wait for the SMSC. */
  countOutbound(): number;
  /** Keeps what a delivery receipt will need to be turned into a notification for the sender. */
  recordSent(message: SentMessage): void;
  /** Takes (reads and deletes) what was recorded for `messageId`. */
  takeSent(messageId: string): SentMessage | undefined;
  /** Closes the store; nothing may be called on it afterwards. */
  close(): void;
}
