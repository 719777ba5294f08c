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
  readonly callId: string;
  readonly cseq: number;
}

/** A mobile-originated message not yet delivered to its user. */
export interface PendingMessage {
  readonly id: number;
  readonly aor: string;
  /** The sender's number, as the SMSC gave it. */
  readonly from: string;
  readonly text: string;
  /** `text/plain;charset=UTF-8` for a text, `message/imdn+xml` for a delivery notification. */
  readonly contentType: string;
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
  readonly sentAt: number;
}

/** A MESSAGE taken from a SIP user and not yet accepted by the SMSC (no bind was up). */
export interface OutboundMessage {
  readonly id: number;
  readonly senderAor: string | null;
  readonly source: string;
  readonly sourceTon: number;
  readonly sourceNpi: number;
  readonly destination: string;
  readonly destinationTon: number;
  readonly text: string;
  readonly sipMessageId: string;
  readonly createdAt: number;
}

/** A user allowed to REGISTER and send MESSAGEs: digest HA1s for the realm, never the password. */
export interface SipUser {
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
  readonly expiresAt: number;
}

export interface Store {
  /** The bindings of `aor` still valid at `now`. */
  bindings(aor: string, now: number): Binding[];
  /** Adds or refreshes the binding of (aor, contact). */
  putBinding(binding: Binding): void;
  removeBinding(aor: string, contact: string): void;
  removeBindings(aor: string): void;
  /** Deletes expired bindings; returns how many. */
  purgeExpired(now: number): number;
  countBindings(now: number): number;
  /** Stores a message durably (the write is on disk when this returns); returns its id. */
  queueInbound(message: Omit<PendingMessage, 'id'>): number;
  pendingFor(aor: string): PendingMessage[];
  deleteInbound(id: number): void;
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
  deleteOutbound(id: number): void;
  countOutbound(): number;
  recordSent(message: SentMessage): void;
  /** Takes (reads and deletes) what was recorded for `messageId`. */
  takeSent(messageId: string): SentMessage | undefined;
  close(): void;
}
