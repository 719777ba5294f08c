// One better-sqlite3 transaction function per database, for every transaction the stores run.
// `db.transaction(fn)` builds five wrapper functions each time it is called; made per message it
// cost about 80 µs of the ~120 µs a queued MESSAGE took in SQLite (a loop of 20,000
// queueOutbound: 119 µs each, 33 µs with this). Nested calls become savepoints, as before.
import type Database from 'better-sqlite3';

/** Runs `work` in a transaction: `deferred` begins with BEGIN, `immediate` with BEGIN IMMEDIATE (takes the write lock first). */
export interface SqliteTransaction {
  deferred<T>(work: () => T): T;
  immediate<T>(work: () => T): T;
  /** Whether a transaction is open on the database (an error such as SQLITE_FULL can end one). */
  active(): boolean;
}

export function sqliteTransaction(db: Database.Database): SqliteTransaction {
  const transaction = db.transaction((work: () => unknown): unknown => work());
  return {
    deferred: <T>(work: () => T): T => transaction(work) as T,
    immediate: <T>(work: () => T): T => transaction.immediate(work) as T,
    active: (): boolean => db.inTransaction,
  };
}
