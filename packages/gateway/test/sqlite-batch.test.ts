// Group commit on SQLite (src/sqlite-batch.ts): the operations of one turn of the event loop share
// one transaction, in call order, and each is its own savepoint: one that fails leaves no trace
// and fails alone; nothing resolves before the commit; a failed commit fails them all.
import test from 'ava';
import Database from 'better-sqlite3';
import { SqliteBatch } from '../src/sqlite-batch.js';
import { sqliteTransaction } from '../src/sqlite-transaction.js';

function fixture() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  let open = true;
  const batch = new SqliteBatch(sqliteTransaction(db), () => open);
  const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
  const value = db.prepare<[string], { v: number }>('SELECT v FROM t WHERE k = ?');
  return { db, batch, insert, value, close: () => (open = false) };
}

test('the calls of one turn run in one transaction, in order, and a later one reads what an earlier one wrote', async (t) => {
  const { db, batch, insert, value } = fixture();
  const inTransaction: boolean[] = [];
  const results = await Promise.all([
    batch.run('a', () => {
      inTransaction.push(db.inTransaction);
      return insert.run('a', 1).changes;
    }),
    batch.run('b', () => insert.run('b', 2).changes),
    batch.run('read', () => value.get('a')?.v),
  ]);
  t.deepEqual(results, [1, 1, 1]);
  t.deepEqual(inTransaction, [true]);
  t.false(db.inTransaction, 'committed');
});

test('one call that fails is rolled back to its savepoint and rejected alone; the others commit', async (t) => {
  const { batch, insert, value } = fixture();
  const [first, failing, last] = await Promise.allSettled([
    batch.run('first', () => insert.run('x', 1)),
    batch.run('failing', () => {
      insert.run('y', 2); // written, then undone with its savepoint
      insert.run('x', 3); // primary key: throws
    }),
    batch.run('last', () => insert.run('z', 4)),
  ]);
  t.is(first.status, 'fulfilled');
  t.is(last.status, 'fulfilled');
  t.is(failing.status, 'rejected');
  t.like((failing as PromiseRejectedResult).reason, { code: 'ERR_GATEWAY_STORE', operation: 'failing' });
  t.is(value.get('x')?.v, 1);
  t.is(value.get('y'), undefined, 'the failed call left nothing behind');
  t.is(value.get('z')?.v, 4);
});

test('nothing settles before the flush; a flush at close runs what was queued; after close a call is refused', async (t) => {
  const { batch, insert, value, close } = fixture();
  let settled = false;
  const queued = batch.run('queued', () => insert.run('q', 1)).then(() => (settled = true));
  t.false(settled);
  t.is(value.get('q'), undefined, 'not run yet');
  batch.flush();
  await queued;
  t.true(settled);
  t.is(value.get('q')?.v, 1);
  close();
  await t.throwsAsync(batch.run('late', () => 1), { message: /closed/ });
});

test('a commit that fails rejects every call of the batch, and stores none of it', async (t) => {
  const { db, batch, insert } = fixture();
  // a deferred foreign key is checked at COMMIT: a call that breaks it makes the commit fail
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE child (k TEXT REFERENCES t (k) DEFERRABLE INITIALLY DEFERRED)');
  const outcomes = await Promise.allSettled([
    batch.run('one', () => insert.run('a', 1)),
    batch.run('two', () => db.prepare('INSERT INTO child (k) VALUES (?)').run('nobody')),
  ]);
  t.deepEqual(
    outcomes.map((o) => o.status),
    ['rejected', 'rejected'],
  );
  t.false(db.inTransaction);
  t.is((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 0, 'the first call was not stored either');
});

test('an error that ends the whole transaction stops the batch: no later call runs and commits on its own', async (t) => {
  const { db, batch, insert } = fixture();
  let ranAfter = false;
  const outcomes = await Promise.allSettled([
    batch.run('before', () => insert.run('a', 1)),
    // what SQLITE_FULL or SQLITE_IOERR do to the transaction: roll all of it back
    batch.run('ending', () => db.exec('ROLLBACK')),
    batch.run('after', () => {
      ranAfter = true;
      return insert.run('b', 2);
    }),
  ]);
  t.deepEqual(
    outcomes.map((o) => o.status),
    ['rejected', 'rejected', 'rejected'],
  );
  t.false(ranAfter, 'the call after the end of the transaction did not run');
  t.false(db.inTransaction);
  t.is((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 0, 'nothing was stored');
});
