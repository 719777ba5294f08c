// Group commit on SQLite. The store's operations called during one turn of the event loop run at
// the next check phase (setImmediate) in call order, in one transaction, each in a savepoint of
// its own: one that throws is rolled back and rejected alone, and every promise settles once the
// transaction has committed, so a resolved write is as durable as before. A lone operation runs
// on its own (no savepoint), a moment after it was called.
//
// Why: each commit in WAL mode costs its own file locks (fcntl), a WAL frame per page it dirtied
// (two pwrites each) and the pages of every index it touched. strace of a node at 1,000 MESSAGE/s
// counted 19 fcntl and 25 pwrite64 per MESSAGE over its 4.5 operations (store, submit record,
// receipt, the sender's notification, its bindings), and the profile had SQLite at 28% of the
// node's time. Under load the operations of several MESSAGEs share one commit and its pages.
import type { SqliteTransaction } from './sqlite-transaction.js';
import { StoreError } from './store-error.js';

interface Queued {
  readonly operation: string;
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export class SqliteBatch {
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly flushNow = (): void => this.flush();

  constructor(
    private readonly tx: SqliteTransaction,
    /** False once the store is closed: what is still queued then is refused. */
    private readonly isOpen: () => boolean,
  ) {}

  /** Queues `work` for the next flush; a failure rejects as a StoreError naming `operation`. */
  run<T>(operation: string, work: () => T): Promise<T> {
    if (!this.isOpen()) return Promise.reject(new StoreError(operation, new Error('the store is closed')));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ operation, work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flushNow);
      }
    });
  }

  /** Runs what is queued, now (the scheduled flush, and the store's close). */
  flush(): void {
    this.scheduled = false;
    const items = this.queue;
    if (items.length === 0) return;
    this.queue = [];
    if (!this.isOpen()) {
      for (const item of items) item.reject(new StoreError(item.operation, new Error('the store is closed')));
      return;
    }
    if (items.length === 1) {
      const item = items[0]!;
      settle(item, attempt(item.work));
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      // each operation in a savepoint (a transaction function called inside a transaction)
      this.tx.immediate(() => {
        for (const item of items) {
          outcomes.push(attempt(() => this.tx.deferred(item.work)));
          // Some errors (SQLITE_FULL, SQLITE_IOERR) roll the whole transaction back, not just the
          // savepoint: what follows must not run, or each would commit on its own while the
          // batch is reported failed. The COMMIT below then fails and every call is rejected.
          if (!this.tx.active()) break;
        }
      });
    } catch (error) {
      // BEGIN or COMMIT failed: nothing of the batch was stored
      for (const item of items) item.reject(new StoreError(item.operation, error));
      return;
    }
    for (let i = 0; i < items.length; i++) settle(items[i]!, outcomes[i]!);
  }
}

function attempt(work: () => unknown): Outcome {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error };
  }
}

function settle(item: Queued, outcome: Outcome): void {
  if (outcome.ok) item.resolve(outcome.value);
  else item.reject(new StoreError(item.operation, outcome.error));
}
