import test from 'ava';
import { GroupedStatement } from '../src/grouped-statement.js';

/** A group runner that records its groups and settles each when told. */
function recorder<I, O>(answer: (items: readonly I[]) => readonly O[]) {
  const groups: I[][] = [];
  const ends: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  const statement = new GroupedStatement<I, O>((items) => {
    groups.push([...items]);
    return new Promise((resolve, reject) => ends.push({ resolve: () => resolve(answer(items)), reject }));
  }, 3);
  return { groups, ends, statement };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('operations of one turn go as one group, each caller getting its own result in order', async (t) => {
  const { groups, ends, statement } = recorder<number, number>((items) => items.map((n) => n * 10));
  const results = [statement.run(1), statement.run(2)];
  t.deepEqual(groups, [], 'nothing runs before the next turn');
  await turn();
  t.deepEqual(groups, [[1, 2]]);
  ends[0]!.resolve();
  t.deepEqual(await Promise.all(results), [10, 20]);
});

test('what arrives while a group is in flight waits, then goes as the next group (at most maxGroup), in arrival order', async (t) => {
  const { groups, ends, statement } = recorder<number, number>((items) => items.map((n) => -n));
  const first = statement.run(1);
  await turn();
  const later = [2, 3, 4, 5].map((n) => statement.run(n));
  await turn();
  t.deepEqual(groups, [[1]], 'one group in flight at a time');
  t.is(statement.pending, 4);
  ends[0]!.resolve();
  t.is(await first, -1);
  await turn();
  t.deepEqual(groups, [[1], [2, 3, 4]], 'the waiting ones, three at most');
  ends[1]!.resolve();
  await turn();
  t.deepEqual(groups, [[1], [2, 3, 4], [5]]);
  ends[2]!.resolve();
  t.deepEqual(await Promise.all(later), [-2, -3, -4, -5]);
  t.is(statement.pending, 0);
});

test('a failed group rejects every caller in it with its error; the next group runs', async (t) => {
  const { groups, ends, statement } = recorder<string, string>((items) => items.map((s) => s.toUpperCase()));
  const failing = [statement.run('a'), statement.run('b')];
  await turn();
  const next = statement.run('c');
  const boom = new Error('the database went away');
  ends[0]!.reject(boom);
  for (const result of failing) t.is(await t.throwsAsync(result), boom);
  await turn();
  t.deepEqual(groups, [['a', 'b'], ['c']]);
  ends[1]!.resolve();
  t.is(await next, 'C');
});

test('a runner that throws at once, or answers with the wrong count, rejects its group and not the next', async (t) => {
  let calls = 0;
  const statement = new GroupedStatement<number, number>((items) => {
    calls++;
    if (calls === 1) throw new Error('thrown at once');
    if (calls === 2) return Promise.resolve([1]);
    return Promise.resolve(items.map((n) => n + 1));
  });
  await t.throwsAsync(statement.run(0), { message: 'thrown at once' });
  const pair = [statement.run(1), statement.run(2)];
  for (const result of pair) await t.throwsAsync(result, { message: 'a group of 2 gave 1 results' });
  t.is(await statement.run(41), 42);
});

test('a failure that may be an item own (itemsOwn) runs each item of the group alone: only the bad one fails', async (t) => {
  const groups: string[][] = [];
  const statement = new GroupedStatement<string, string>(
    async (items) => {
      groups.push([...items]);
      if (items.includes('bad')) throw new Error('refused data');
      return items.map((s) => s.toUpperCase());
    },
    500,
    (error) => error instanceof Error && error.message === 'refused data',
  );
  const results = await Promise.allSettled([statement.run('a'), statement.run('bad'), statement.run('c')]);
  t.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected')),
    ['A', 'rejected', 'C'],
  );
  t.deepEqual(groups, [['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
});

test('idle resolves once nothing waits and no group is in flight', async (t) => {
  const { ends, statement } = recorder<number, number>((items) => [...items]);
  await statement.idle();
  const result = statement.run(1);
  let idle = false;
  const waited = statement.idle().then(() => (idle = true));
  await turn();
  t.false(idle, 'a group is in flight');
  ends[0]!.resolve();
  await waited;
  t.true(idle);
  t.is(await result, 1);
});
