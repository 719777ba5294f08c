// The live transactions by key (the stack's transaction registry): those with a process, those
// held without one until their last timer (held-entries.ts), and the INVITE server transactions
// waiting for the ACK of a 2xx they retransmit, by dialog (RFC 3261 §13.3.1.4).
import type { ClientTransaction, ServerTransaction } from './handles.js';
import type { CompletedClient, HeldServer } from './held-entries.js';
import type { ClientKey, ServerKey } from './key.js';

export class TransactionTable {
  readonly servers = new Map<ServerKey, ServerTransaction>();
  readonly clients = new Map<ClientKey, ClientTransaction>();
  /** Server transactions in Completed (non-INVITE) or Confirmed (INVITE), without a process. */
  readonly heldServers = new Map<ServerKey, HeldServer>();
  /** Client transactions in Completed, without a process. */
  readonly heldClients = new Map<ClientKey, CompletedClient>();
  /** Call-ID, CSeq number and From tag of a 2xx being retransmitted → its transaction. */
  readonly awaitingAck = new Map<string, ServerTransaction>();

  /** Live server transactions, held ones included. */
  get serverCount(): number {
    return this.servers.size + this.heldServers.size;
  }

  /** Live client transactions, held ones included. */
  get clientCount(): number {
    return this.clients.size + this.heldClients.size;
  }

  /** Every live transaction: what `maxTransactions` limits. */
  get size(): number {
    return this.serverCount + this.clientCount;
  }

  static ackKey(callId: string | undefined, seq: number | undefined, fromTag: string | null | undefined): string {
    return `${callId}\u0000${seq}\u0000${fromTag ?? ''}`;
  }
}
