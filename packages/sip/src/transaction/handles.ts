// The transactions as the core sees them: small handles naming the transaction, with the calls a
// core makes on it. Each transaction is a process; a handle sends it messages.
import { cast, type Pid } from '@switchboard/actor';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { Destination, Source } from '../transport/endpoint.js';
import type { ClientKey, ServerKey } from './key.js';
import { TerminateTransaction, TuResponse, type ClientTransactionProtocol, type RespondOptions, type ServerTransactionProtocol } from './messages.js';

type ServerPid = Pid<ServerTransactionProtocol>;
type ClientPid = Pid<ClientTransactionProtocol>;

/** A server transaction: the request it was created for, and how to answer it. */
export class ServerTransaction {
  readonly kind = 'server' as const;
  /** @internal set when its process runs */
  pid: ServerPid | null = null;
  /** @internal the To tag of the final response it sent (RFC 2543 ACK matching) */
  toTag: string | undefined;

  constructor(
    readonly key: ServerKey,
    readonly request: SipRequest,
    /** Where the request came from. */
    readonly source: Source,
  ) {}

  get method(): string {
    return this.request.method;
  }

  /**
   * Sends `response` through the transaction (RFC 3261 §17.2): retransmitted as the RFC says, and
   * checked against the transaction's state (a response in the wrong state is logged and dropped).
   */
  respond(response: SipResponse, options: RespondOptions = {}): void {
    if (this.pid !== null) cast(this.pid, new TuResponse(response, options));
  }

  /** Ends the transaction at once (a stateless proxy, or a core that gives up). */
  terminate(): void {
    if (this.pid !== null) cast(this.pid, new TerminateTransaction());
  }
}

/** A client transaction: the request sent, where it went. */
export class ClientTransaction {
  readonly kind = 'client' as const;
  /** @internal */
  pid: ClientPid | null = null;

  constructor(
    readonly key: ClientKey,
    readonly request: SipRequest,
    readonly destination: Destination,
  ) {}

  get method(): string {
    return this.request.method;
  }

  /** Ends the transaction at once, without waiting for a response. */
  terminate(): void {
    if (this.pid !== null) cast(this.pid, new TerminateTransaction());
  }
}

export type Transaction = ServerTransaction | ClientTransaction;
