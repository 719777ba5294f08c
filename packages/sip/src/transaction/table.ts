// The live transactions by key (the stack's transaction registry), and the INVITE server
// transactions waiting for the ACK of a 2xx they retransmit, by dialog (RFC 3261 §13.3.1.4).
import type { ClientTransaction, ServerTransaction } from './handles.js';
import type { ClientKey, ServerKey } from './key.js';

export class TransactionTable {
  readonly servers = new Map<ServerKey, ServerTransaction>();
  readonly clients = new Map<ClientKey, ClientTransaction>();
  /** Call-ID, CSeq number and From tag of a 2xx being retransmitted → its transaction. */
  readonly awaitingAck = new Map<string, ServerTransaction>();

  static ackKey(callId: string | undefined, seq: number | undefined, fromTag: string | null | undefined): string {
    return `${callId}\u0000${seq}\u0000${fromTag ?? ''}`;
  }
}
