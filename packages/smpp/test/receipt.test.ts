import test from 'ava';
import { formatReceipt, parseReceipt, parseReceiptDate, receiptTlvs } from '@switchboard/smpp';

test('the SMPP v3.4 Appendix B format parses', (t) => {
  const receipt = parseReceipt('id:0123456789 sub:001 dlvrd:001 submit date:2611211200 done date:2611211201 stat:DELIVRD err:000 text:Hello world');
  t.like(receipt, { id: '0123456789', submitted: 1, delivered: 1, stat: 'DELIVRD', state: 'DELIVERED', err: '000', text: 'Hello world' });
  t.deepEqual(receipt?.submitDate, new Date(Date.UTC(2026, 10, 21, 12, 0)));
  t.deepEqual(receipt?.doneDate, new Date(Date.UTC(2026, 10, 21, 12, 1)));
});

test('vendor variants: case, underscores, seconds, missing text, extra fields, text with colons', (t) => {
  t.like(parseReceipt('ID:abc SUB:1 DLVRD:0 SUBMIT_DATE:261121120000 DONE_DATE:261121120130 STAT:UNDELIV ERR:034'), {
    id: 'abc',
    submitted: 1,
    delivered: 0,
    state: 'UNDELIVERABLE',
    err: '034',
  });
  t.deepEqual(parseReceipt('id:abc submit date:261121120000 done date:261121120130 stat:ACCEPTD')?.doneDate, new Date(Date.UTC(2026, 10, 21, 12, 1, 30)));
  const extra = parseReceipt('id:77 sub:001 dlvrd:001 submit date:2611211200 done date:2611211201 stat:DELIVRD err:000 mccmnc:23415 text:time is 12:30');
  t.deepEqual(extra?.extra, { mccmnc: '23415' });
  t.is(extra?.text, 'time is 12:30');
  t.is(parseReceipt('stat:DELIVRD err:000'), undefined, 'no id, no receipt');
  t.is(parseReceipt('hello there'), undefined);
  t.is(parseReceiptDate('2613011200'), undefined, 'month 13');
});

test('formatReceipt writes the Appendix B text, which parses back', (t) => {
  const text = formatReceipt({
    id: 'x1',
    state: 'DELIVERED',
    submitDate: new Date(Date.UTC(2026, 0, 2, 3, 4)),
    doneDate: new Date(Date.UTC(2026, 0, 2, 3, 5)),
    text: 'This is a long original message',
  });
  t.is(text, 'id:x1 sub:001 dlvrd:001 submit date:2601020304 done date:2601020305 stat:DELIVRD err:000 text:This is a long origi');
  t.like(parseReceipt(text), { id: 'x1', state: 'DELIVERED', text: 'This is a long origi' });
});

test('receipt TLVs read together', (t) => {
  t.deepEqual(receiptTlvs({ receipted_message_id: 'x1', message_state: 5, network_error_code: { network_type: 3, error_code: 6 } }), {
    id: 'x1',
    state: 'UNDELIVERABLE',
    networkError: { network_type: 3, error_code: 6 },
  });
});
