// Messages between the router, the transaction processes, the held transactions' process and the
// core process.
import type { SipRequest, SipResponse } from '../message/message.js';
import type { SipTransportError } from '../transport/errors.js';
import type { FirstSend, HeldEntry } from './held-entries.js';

/** Options of {@link ServerTransaction.respond}. */
export interface RespondOptions {
  /**
   * A UAS's 2xx to an INVITE over an unreliable transport: retransmit it (T1 doubling to T2) until
   * its ACK arrives or 64·T1 pass (RFC 3261 §13.3.1.4). The transaction carries this out for the
   * core; a proxy forwarding a 2xx leaves it off.
   */
  readonly retransmitUntilAck?: boolean;
}

/** The core answers a server transaction. */
export class TuResponse {
  constructor(
    readonly response: SipResponse,
    readonly options: RespondOptions,
  ) {}
}
/** A request matched a server transaction again (a retransmission). */
export class Retransmission {
  constructor(readonly request: SipRequest) {}
}
/** An ACK matched an INVITE server transaction. */
export class AckReceived {
  constructor(readonly request: SipRequest) {}
}
/** The ACK of a 2xx the transaction retransmits arrived: stop retransmitting. */
export class AckForSuccess {}
/** A response matched a client transaction. */
export class ResponseReceived {
  constructor(readonly response: SipResponse) {}
}
export class TransportFailed {
  constructor(readonly error: SipTransportError) {}
}
/** The core or the stack ends the transaction now. */
export class TerminateTransaction {}

export type ServerTransactionMessage = TuResponse | Retransmission | AckReceived | AckForSuccess | TransportFailed | TerminateTransaction;
export type ClientTransactionMessage = ResponseReceived | TransportFailed | TerminateTransaction;
/** What a transaction process accepts: casts from the router and handles; infos from its own timers and sends. */
export type ServerTransactionProtocol = { call: never; reply: never; cast: ServerTransactionMessage; info: unknown };
export type ClientTransactionProtocol = { call: never; reply: never; cast: ClientTransactionMessage; info: unknown };

// ---- to the held transactions' process (held-process.ts) ---------------------------------------

/** The earliest deadline of the held transactions has come. */
export class HeldTimeout {}
/** Send the first copy of a transaction's final response or ACK now that its process has ended. */
export class SendFirst {
  constructor(
    readonly entry: HeldEntry,
    readonly first: FirstSend,
  ) {}
}
export type HeldProtocol = { call: never; reply: never; cast: never; info: HeldTimeout | SendFirst };

// ---- to the core process -------------------------------------------------------------------

/** A request for `receiveRequest`; `transaction` is null for an ACK to a 2xx. */
export class CoreRequest<T> {
  constructor(
    readonly request: SipRequest,
    readonly transaction: T | null,
  ) {}
}
/** A response for `receiveResponse`; `transaction` is null for a stray response. */
export class CoreResponse<T> {
  constructor(
    readonly response: SipResponse,
    readonly transaction: T | null,
  ) {}
}
/** A failure for `receiveError`. */
export class CoreError<T> {
  constructor(
    readonly error: Error,
    readonly transaction: T,
  ) {}
}
