// Transactions the table holds without a process (RFC 3261 §17). Once a transaction only waits
// for its last timer (J, I, K or D), all it still does is absorb or answer retransmissions, from
// what it kept: its key, the bytes of its last response or ACK and where they went. Its process
// and machine are gone, and its request too unless a CANCEL may still need its handle (an INVITE
// in Confirmed): a few hundred bytes stay instead of several kilobytes.
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

export type HeldServer = CompletedServer | ConfirmedServer;
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
