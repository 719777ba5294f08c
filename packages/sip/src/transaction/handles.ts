// The transactions as the core sees them: small handles naming the transaction, with the calls a
// core makes on it. Each transaction is a process, and a handle sends it messages, until only its
// last timer is left: the table then holds it without a process (held-entries.ts).
import { cast, type Pid } from '@switchboard/actor';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { Destination, Source } from '../transport/endpoint.js';
import type { CompletedClient, HeldServer } from './held-entries.js';
import type { ClientKey, ServerKey } from './key.js';
import { TerminateTransaction, TuResponse, type ClientTransactionProtocol, type RespondOptions, type ServerTransactionProtocol } from './messages.js';

type ServerPid = Pid<ServerTransactionProtocol>;
type ClientPid = Pid<ClientTransactionProtocol>;

/** A server transaction: the request it was created for, and how to answer it. */
export class ServerTransaction {
  /**
   * Always `server`: tells a {@link ServerTransaction} from a {@link ClientTransaction} in a
   * {@link Transaction}.
   */
  readonly kind = 'server' as const;
  /** @internal set when its process runs; null again once the table holds it */
  pid: ServerPid | null = null;
  /** @internal the table's entry for it once its process has ended (Completed, Confirmed, Accepted) */
  held: HeldServer | null = null;
  /** @internal the To tag of the final response it sent (RFC 2543 ACK matching) */
  toTag: string | undefined;

  /**
   * Made by the stack when a request creates a server transaction; a core receives it and never
   * builds one.
   */
  constructor(
    /**
     * The key that matches retransmissions, ACKs and CANCELs to this transaction (RFC 3261
     * §17.2.3).
     */
    readonly key: ServerKey,
    /** The request the transaction was created for. */
    readonly request: SipRequest,
    /** Where the request came from. */
    readonly source: Source,
  ) {}

  /**
   * The request's method (INVITE server transactions follow a different machine, RFC 3261 §17.2.1).
   */
  get method(): string {
    return this.request.method;
  }

  /**
   * Sends `response` through the transaction (RFC 3261 §17.2): retransmitted as the RFC says, and
   * checked against the transaction's state (a response in the wrong state is logged and dropped;
   * so is any response once the transaction has its final one and only waits for a timer).
   */
  respond(response: SipResponse, options: RespondOptions = {}): void {
    if (this.pid !== null) cast(this.pid, new TuResponse(response, options));
    else this.held?.respond(response);
  }

  /** Ends the transaction at once (a stateless proxy, or a core that gives up). */
  terminate(): void {
    if (this.held !== null) this.held.store.release(this.held);
    else if (this.pid !== null) cast(this.pid, new TerminateTransaction());
  }
}

/** A client transaction: the request sent, where it went. */
export class ClientTransaction {
  /**
   * Always `client`: tells a {@link ClientTransaction} from a {@link ServerTransaction} in a
   * {@link Transaction}.
   */
  readonly kind = 'client' as const;
  /** @internal set when its process runs; null again once the table holds it */
  pid: ClientPid | null = null;
  /** @internal the table's entry for it once its process has ended (Completed) */
  held: CompletedClient | null = null;

  /** Made by the stack's `sendRequest`; a core receives it and never builds one. */
  constructor(
    /** The key that matches responses to this transaction (RFC 3261 §17.1.3). */
    readonly key: ClientKey,
    /** The request sent, with the Via the stack put on it. */
    readonly request: SipRequest,
    /** Where the request was sent. */
    readonly destination: Destination,
  ) {}

  /** The request's method. */
  get method(): string {
    return this.request.method;
  }

  /** Ends the transaction at once, without waiting for a response. */
  terminate(): void {
    if (this.held !== null) this.held.store.release(this.held);
    else if (this.pid !== null) cast(this.pid, new TerminateTransaction());
  }
}

/** Either kind of transaction handle; tell them apart with `kind`. */
export type Transaction = ServerTransaction | ClientTransaction;
