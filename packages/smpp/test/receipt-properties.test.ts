// parseReceipt against a reference: the straightforward version it replaced (marks collected by
// the same key pattern, then the fields built with spreads), on random receipt-like texts: known
// and unknown keys in any case, with spaces or underscores, repeated, out of order, values with
// colons and spaces, keys glued to the text before them.
import test from 'ava';
import fc from 'fast-check';
import { parseReceipt, parseReceiptDate, type DeliveryReceipt } from '@switchboard/smpp';

const STAT_WORDS: Record<string, string> = { DELIVRD: 'DELIVERED', DELIVERED: 'DELIVERED', EXPIRED: 'EXPIRED', DELETED: 'DELETED', UNDELIV: 'UNDELIVERABLE', UNDELIVERABLE: 'UNDELIVERABLE', ACCEPTD: 'ACCEPTED', ACCEPTED: 'ACCEPTED', UNKNOWN: 'UNKNOWN', REJECTD: 'REJECTED', REJECTED: 'REJECTED', ENROUTE: 'ENROUTE', SKIPPED: 'SKIPPED', SCHEDULED: 'SCHEDULED' };

function reference(text: string): DeliveryReceipt | undefined {
  const pattern = /(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text|[a-z_]+)\s*:\s*/gi;
  const marks: { key: string; start: number; valueStart: number }[] = [];
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const before = match.index === 0 ? ' ' : text[match.index - 1]!;
    if (!/\s/.test(before)) continue;
    marks.push({ key: match[1]!.toLowerCase().replace(/[ _]/g, ''), start: match.index, valueStart: match.index + match[0].length });
    if (match[1]!.toLowerCase() === 'text') break;
  }
  const fields: Record<string, string> = {};
  marks.forEach((mark, i) => {
    const end = i + 1 < marks.length ? marks[i + 1]!.start : text.length;
    const raw = text.slice(mark.valueStart, end);
    fields[mark.key] = mark.key === 'text' ? raw : raw.trim();
  });
  const id = fields.id;
  if (id === undefined || id === '') return undefined;
  const known = new Set(['id', 'sub', 'dlvrd', 'submitdate', 'donedate', 'stat', 'err', 'text']);
  const extra = Object.fromEntries(Object.entries(fields).filter(([key]) => !known.has(key)));
  const number = (value: string | undefined): number | undefined => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);
  const stat = fields.stat;
  return {
    id,
    ...(number(fields.sub) !== undefined ? { submitted: number(fields.sub)! } : {}),
    ...(number(fields.dlvrd) !== undefined ? { delivered: number(fields.dlvrd)! } : {}),
    ...(parseReceiptDate(fields.submitdate) ? { submitDate: parseReceiptDate(fields.submitdate)! } : {}),
    ...(parseReceiptDate(fields.donedate) ? { doneDate: parseReceiptDate(fields.donedate)! } : {}),
    ...(stat !== undefined ? { stat, ...(STAT_WORDS[stat.toUpperCase()] ? { state: STAT_WORDS[stat.toUpperCase()] as DeliveryReceipt['state'] } : {}) } : {}),
    ...(fields.err !== undefined ? { err: fields.err } : {}),
    ...(fields.text !== undefined ? { text: fields.text } : {}),
    extra,
  };
}

const key = fc.constantFrom('id', 'ID', 'sub', 'Sub', 'dlvrd', 'submit date', 'submit_date', 'SUBMITDATE', 'done date', 'done_date', 'stat', 'STAT', 'err', 'text', 'Text', 'mccmnc', 'mcc_mnc', 'x', '__proto__', 'constructor', 'submit', 'date');
const value = fc.oneof(
  fc.constantFrom('', '001', '0', 'abc', 'DELIVRD', 'undeliv', 'ACCEPTD', '2611211200', '261121120130', '2613011200', 'time is 12:30', ' spaced  ', 'a:b'),
  fc.string({ maxLength: 12 }),
);
const separator = fc.constantFrom(' ', '  ', '\t', '', 'x', ' \r\n');
const colon = fc.constantFrom(':', ' : ', ':  ', ' :');
const receiptText = fc.array(fc.tuple(separator, key, colon, value), { maxLength: 10 }).map((parts) => parts.map(([sep, k, c, v]) => `${sep}${k}${c}${v}`).join('').trimStart());

test('parseReceipt reads random receipt-like texts as the reference parser does', (t) => {
  fc.assert(
    fc.property(receiptText, (text) => {
      t.deepEqual(parseReceipt(text), reference(text), JSON.stringify(text));
    }),
    { numRuns: 5000 },
  );
});
