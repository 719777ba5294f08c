// The process behind the held transactions (held-transactions.ts): it owns their one timer and
// sends each one's first copy. The stack starts it linked to the transaction supervisor, not as a
// child: it lives and dies with the transactions (a restart of the supervisor starts a new one,
// and whatever the old one held ends), and the supervisor's children stay the transactions alone.
import { Result, self, trapExit, type GenServer } from '@switchboard/actor';
import type { HeldTransactions } from './held-transactions.js';
import { HeldTimeout, SendFirst, type HeldProtocol } from './messages.js';

export const HeldTransactionsProcess: GenServer<HeldTransactions, HeldProtocol, HeldTransactions> = {
  behaviourName: 'sip_held_transactions',

  init(store) {
    trapExit(true); // so that terminate runs, and lets go of the transactions, when the supervisor goes
    store.attach(self<HeldProtocol>());
    return Result.ok(store);
  },

  handleInfo(message, store) {
    if (message instanceof HeldTimeout) store.expire(message);
    else if (message instanceof SendFirst) store.sendFirst(message);
    return Result.noreply(store);
  },

  terminate(_reason, store) {
    store.detach(self<HeldProtocol>());
  },
};
