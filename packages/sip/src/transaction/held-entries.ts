// Transactions the table holds without a process (RFC 3261 §17, RFC 6026). Once a transaction
// only waits for its last timer (J, I, L, K or D), all it still does is absorb or answer
// retransmissions, from what it kept: its key, the bytes of its last response or ACK and where
// they went. Its process and machine are gone, and its request too unless the core may still need
// its handle (an INVITE in Accepted or Confirmed: a CANCEL matches it, the core sends its 2xx
// again through it): a few hundred bytes stay instead of several kilobytes.
import type { SipResponse } from '../message/message.js';
import type { Destination } from '../transport/endpoint.js';
import type { Expiring } from './expiry-lists.js';
import type { ClientTransaction, ServerTransaction } from './handles.js';
import type { HeldTransactions } from './held-transactions.js';
import type { ClientKey, ServerKey } from './key.js';

/** What every held transaction has: its key, its deadline and its place in the expiry list. */
abstract class Held implements Expiring {
  deadline = 0;
  next: Expiring | null = null;

  constructor(
    /** The store that holds it, for a handle that ends it early. */
    readonly store: HeldTransactions,
  ) {}

  /**
   * A response the core sends through the handle once the transaction is held: dropped, as the
   * transaction has sent its final one (an INVITE in Accepted sends the core's 2xx again).
   */
  respond(_response: SipResponse): void {}
}

/**
 * A non-INVITE server transaction in Completed (RFC 3261 §17.2.2): each retransmission of the
 * request gets the final response again, until Timer J.
 */
export class CompletedServer extends Held {
  constructor(
    store: HeldTransactions,
    readonly key: ServerKey,
    /** The final response as sent. */
    readonly response: Buffer,
    /** Where it went (§18.2.2). */
    readonly target: Destination,
  ) {
    super(store);
  }
}

/**
 * An INVITE server transaction in Confirmed (RFC 3261 §17.2.1): retransmitted ACKs and INVITEs are
 * absorbed until Timer I. It keeps its handle: the ACK's To tag is checked against the one the
 * final response carried, and a CANCEL still matches the INVITE and reaches the core with it.
 */
export class ConfirmedServer extends Held {
  constructor(
    store: HeldTransactions,
    readonly key: ServerKey,
    readonly transaction: ServerTransaction,
  ) {
    super(store);
  }
}

/**
 * An INVITE server transaction in Accepted (RFC 6026 §7.1), once no 2xx is retransmitted on the
 * core's behalf (§13.3.1.4: there was none to retransmit, or its ACK came): INVITE retransmissions
 * are absorbed and the 2xx the core sends again goes out, until Timer L. An ACK that matches it
 * reaches the core as an ACK for a 2xx does. It keeps its handle, for the core's 2xx and for a
 * CANCEL that matches the INVITE.
 */
export class AcceptedServer extends Held {
  constructor(
    store: HeldTransactions,
    readonly key: ServerKey,
    readonly transaction: ServerTransaction,
    /** Where its responses go (§18.2.2). */
    readonly target: Destination,
  ) {
    super(store);
  }

  /** The core's response through the handle (see HeldTransactions.respondAccepted). */
  override respond(response: SipResponse): void {
    this.store.respondAccepted(this, response);
  }
}

/**
 * A client transaction in Completed: retransmitted responses are absorbed until Timer K
 * (non-INVITE, RFC 3261 §17.1.2.2), or, for an INVITE, each retransmitted 300–699 is ACKed again
 * until Timer D (§17.1.1.2).
 */
export class CompletedClient extends Held {
  constructor(
    store: HeldTransactions,
    readonly key: ClientKey,
    /** The ACK of an INVITE's non-2xx final response, as sent; null for a non-INVITE. */
    readonly ack: Buffer | null,
    /** Where the request (and the ACK) went. */
    readonly destination: Destination,
  ) {
    super(store);
  }
}

export type HeldServer = CompletedServer | ConfirmedServer | AcceptedServer;
export type HeldEntry = HeldServer | CompletedClient;

/** The first copy of a held transaction's final response or ACK, sent by the store's process. */
export interface FirstSend {
  readonly bytes: Buffer;
  readonly destination: Destination;
  /** Told of a transport failure of this copy (RFC 3261 §17.1.4, §17.2.4). */
  readonly transaction: ServerTransaction | ClientTransaction;
}

/**
 * A copy of `text` that shares no memory with the message it was cut from. V8 keeps a substring as
 * a pointer into the whole string it came from, so a key made of a Via branch and sent-by would
 * keep the whole received head alive for as long as the transaction is held.
 */
export function detachedKey<K extends string>(text: K): K {
  return (' ' + text).slice(1) as K;
}
