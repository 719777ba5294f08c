// What a transaction process needs from its stack: the transports to send on, the table it leaves
// when it ends, the store that can hold it without a process, the timer base, and the way to the
// core.
import type { TransportSet } from '../transport/transport-set.js';
import type { CoreError, CoreRequest, CoreResponse } from './messages.js';
import type { ClientTransaction, ServerTransaction } from './handles.js';
import type { HeldTransactions } from './held-transactions.js';
import type { TransactionTable } from './table.js';
import type { TimerBase, TransactionTimers } from './timers.js';

export type CoreMessage =
  | CoreRequest<ServerTransaction>
  | CoreResponse<ClientTransaction>
  | CoreError<ServerTransaction | ClientTransaction>;

export interface TransactionEnvironment {
  readonly transports: TransportSet;
  readonly table: TransactionTable;
  /** Holds a transaction whose process has ended with only its last timer left. */
  readonly held: HeldTransactions;
  readonly timers: TimerBase;
  /** The timer values for unreliable and reliable transports, computed once per stack. */
  readonly unreliableTimers: TransactionTimers;
  readonly reliableTimers: TransactionTimers;
  /** Hands a message to the core process. */
  toCore(message: CoreMessage): void;
}
