// The in-flight table: send order, deletion while iterating, and no Map kept once it is empty.
import test from 'ava';
import { createPdu } from '@switchboard/smpp';
import { InFlightTable } from '../src/session/in-flight.js';

const entry = (deadline: number) => ({ pdu: createPdu('enquire_link'), deadline, enquireLink: false, from: undefined });

test('entries come back in send order; deleting while iterating is safe; the last delete drops the Map', (t) => {
  const table = new InFlightTable();
  t.is(table.size, 0);
  t.deepEqual([...table.values()], []);
  for (const sequence of [7, 3, 9]) table.set(sequence, entry(sequence * 10));
  t.is(table.size, 3);
  t.true(table.has(3));
  t.is(table.get(9)?.deadline, 90);
  t.deepEqual([...table].map(([sequence]) => sequence), [7, 3, 9]);
  const seen: number[] = [];
  for (const [sequence] of table) {
    seen.push(sequence);
    table.delete(sequence);
  }
  t.deepEqual(seen, [7, 3, 9]);
  t.is(table.size, 0);
  t.is((table as unknown as { map: unknown }).map, null, 'no Map kept for an idle session');
  t.false(table.delete(7));
  table.set(1, entry(1));
  table.clear();
  t.is(table.size, 0);
  t.is(table.get(1), undefined);
});
