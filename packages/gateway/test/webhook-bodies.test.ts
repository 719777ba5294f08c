// The webhook bodies: the receipt body built from what recordReceipt hands its callback, and the MO
// body; their field names are the contract with receivers (docs/webhooks.md), so they are listed.
import test from 'ava';
import type { ApiMessage, ApiPart } from '../src/api-store.js';
import { moWebhookBody, receiptWebhookBody } from '../src/webhooks/bodies.js';

const part = (n: number, extra: Partial<ApiPart> = {}): ApiPart => ({
  part: n,
  state: 'submitted',
  connector: 'smsc-a',
  submitStatus: 0,
  smscMessageId: `0A${n}`,
  submittedAt: 1_700_000_000_000,
  receiptState: null,
  receiptError: null,
  receiptAt: null,
  ...extra,
});

const message = (parts: ApiPart[], state: ApiMessage['state']): ApiMessage => ({
  id: '5f0c2a8e-0000-4000-8000-000000000001',
  keyId: 'k_abcdefghijklmnop',
  clientRef: 'order-17',
  to: '+447700900123',
  from: 'Shop',
  text: 'two parts',
  callbackUrl: 'https://example.com/hook',
  state,
  parts,
  createdAt: 1_699_999_999_000,
  updatedAt: 1_700_000_005_000,
  idempotencyKey: null,
  requestHash: null,
});

test('a receipt body: the part, the message after it, and the receipt time in ISO', (t) => {
  const second = part(2, { state: 'undeliverable', receiptState: 'UNDELIVERABLE', receiptError: '001', receiptAt: 1_700_000_004_250 });
  const m = message([part(1, { state: 'delivered', receiptState: 'DELIVERED', receiptAt: 1_700_000_003_000 }), second], 'undeliverable');
  const body = receiptWebhookBody({ message: m, part: second, final: true });
  t.deepEqual(body, {
    event: 'receipt',
    messageId: m.id,
    clientRef: 'order-17',
    to: '+447700900123',
    from: 'Shop',
    part: 2,
    parts: 2,
    state: 'undeliverable',
    final: true,
    messageState: 'undeliverable',
    smscMessageId: '0A2',
    error: '001',
    at: '2023-11-14T22:13:24.250Z',
  });
  // the JSON a receiver reads has exactly these fields, in this order
  t.deepEqual(Object.keys(JSON.parse(JSON.stringify(body)) as object), [
    'event', 'messageId', 'clientRef', 'to', 'from', 'part', 'parts', 'state', 'final', 'messageState', 'smscMessageId', 'error', 'at',
  ]);
});

test('an intermediate receipt is not final; without a receipt time the message time is used', (t) => {
  const first = part(1, { receiptState: 'ENROUTE' });
  const body = receiptWebhookBody({ message: message([first], 'submitted'), part: first, final: false });
  t.is(body.state, 'submitted');
  t.false(body.final);
  t.is(body.messageState, 'submitted');
  t.is(body.error, null);
  t.is(body.at, new Date(1_700_000_005_000).toISOString());
});

test('an MO body', (t) => {
  const body = moWebhookBody({ from: '447700900001', to: '44800', text: 'STOP ✋', connector: 'smsc-b', at: 1_700_000_000_000 });
  t.deepEqual(body, { event: 'mo', from: '447700900001', to: '44800', text: 'STOP ✋', at: '2023-11-14T22:13:20.000Z', connector: 'smsc-b' });
  t.is(moWebhookBody({ from: 'a', to: 'b', text: '', connector: 'c', at: Number.NaN }).at, '1970-01-01T00:00:00.000Z', 'a bad time does not throw');
});
