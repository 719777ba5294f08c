// The ApiStore contract (api-store.ts): what `Store.api` must do on every store, as ava tests
// registered for a factory. store-sqlite.test.ts and store-postgres.test.ts run it with the factory
// of the Store contract. Nodes are separate Store instances on the same data, and the concurrency
// cases race them. Times are plain numbers passed in; only the reaping test waits (a heartbeat's
// end is on the store's own clock).
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { StoreError, type OutboundMessage, type Store } from '@switchboard/gateway';
import type { ApiKey, ApiReceipt, NewApiMessage, NewWebhook, RecordedReceipt } from '../src/api-store.js';
import type { StoreFactory } from './store-contract.js';

const LONG = 60_000;
const BIND = 'gateway@127.0.0.1:2775#0';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function apiKey(id: string, extra: Partial<ApiKey> = {}): ApiKey {
  return { id, name: `name of ${id}`, secretHash: `hash-${id}`, admin: false, ratePerSecond: 10, burst: 20, callbackUrl: null, webhookSecret: `whsec-${id}`, createdAt: 100, ...extra };
}

function newMessage(id: string, extra: Partial<NewApiMessage> = {}): NewApiMessage {
  return { id, keyId: 'k_a', clientRef: null, to: '+447700900123', from: 'Switchboard', text: `text of ${id}`, callbackUrl: null, parts: 1, createdAt: 1000, idempotencyKey: null, requestHash: null, ...extra };
}

function outboundOf(message: NewApiMessage): Omit<OutboundMessage, 'id'> {
  return { senderAor: null, source: message.from, sourceTon: 5, sourceNpi: 0, destination: message.to.replace(/^\+/, ''), destinationTon: 1, text: message.text, sipMessageId: `api-${message.id}`, createdAt: message.createdAt, apiMessageId: message.id };
}

function webhookOf(n: number, extra: Partial<NewWebhook> = {}): NewWebhook {
  return { url: `https://hooks.example/${n}`, event: 'receipt', body: `{"n":${n}}`, keyId: 'k_a', messageId: null, createdAt: n, giveUpAt: n + 86_400_000, secret: 'whsec', ...extra };
}

function receiptOf(connector: string, smscMessageId: string, state: string, at = 5000, error: string | null = null): ApiReceipt {
  return { connector, smscMessageId, state, error, at };
}

const noWebhook = (): undefined => undefined;

/**
 * Registers the contract's tests, titled `<name>: api: …`, each on a fresh database from `factory`.
 *
 * @example
 * apiStoreContract('sqlite', factory);
 */
export function apiStoreContract(name: string, factory: StoreFactory): void {
  const each = (title: string, nodes: number, body: (t: ExecutionContext, ...stores: Store[]) => Promise<void>): void => {
    test.serial(`${name}: api: ${title}`, async (t) => {
      const harness = await factory();
      const stores = await Promise.all(Array.from({ length: nodes }, (_, i) => harness.open(`node-${String.fromCharCode(97 + i)}`)));
      try {
        await body(t, ...stores);
      } finally {
        for (const store of stores) await store.close();
        await harness.dispose();
      }
    });
  };

  /** Creates `message` (claimed until LONG) and records every part as accepted, with the ids given. */
  const submitted = async (store: Store, message: NewApiMessage, connector: string, ids: readonly string[]): Promise<void> => {
    const created = await store.api.createMessage(message, outboundOf(message), { now: 0, until: LONG });
    if (created.kind !== 'created') throw new Error(`${message.id} was not created`);
    await store.api.recordSubmits(message.id, ids.map((id, i) => ({ part: i + 1, connector, status: 0, smscMessageId: id })), 2000);
  };

  each('keys: put, replace, read, list by id, remove', 1, async (t, store) => {
    t.is(await store.api.key('k_b'), undefined);
    await store.api.putKey(apiKey('k_b', { admin: true, callbackUrl: 'https://cb.example/b', ratePerSecond: 2.5 }));
    await store.api.putKey(apiKey('k_a'));
    t.deepEqual(await store.api.key('k_b'), apiKey('k_b', { admin: true, callbackUrl: 'https://cb.example/b', ratePerSecond: 2.5 }));
    await store.api.putKey(apiKey('k_b', { name: 'renamed', secretHash: 'new-hash' }));
    t.deepEqual(await store.api.keys(), [apiKey('k_a'), apiKey('k_b', { name: 'renamed', secretHash: 'new-hash' })]);
    t.true(await store.api.removeKey('k_b'));
    t.false(await store.api.removeKey('k_b'));
    t.deepEqual((await store.api.keys()).map((k) => k.id), ['k_a']);
  });

  each('createMessage: the message, its accepted parts and its outbound row (claimed, with the fence, carrying apiMessageId) in one; U+0000 kept', 2, async (t, a, b) => {
    await a.leaseBind(BIND, LONG);
    const message = newMessage('m-1', { parts: 3, text: 'nul \u0000 and 👋', clientRef: 'ref-1', callbackUrl: 'https://cb.example/m', idempotencyKey: 'idem-1', requestHash: 'h1' });
    const created = await a.api.createMessage(message, outboundOf(message), { now: 1000, until: 301_000 });
    if (created.kind !== 'created') return t.fail('not created');
    t.deepEqual(created.held, [{ bind: BIND, token: 1 }]);
    const stored = await b.api.message('m-1');
    t.like(stored, { id: 'm-1', keyId: 'k_a', clientRef: 'ref-1', to: '+447700900123', from: 'Switchboard', text: 'nul \u0000 and 👋', callbackUrl: 'https://cb.example/m', state: 'accepted', createdAt: 1000, updatedAt: 1000, idempotencyKey: 'idem-1', requestHash: 'h1' });
    t.deepEqual(stored?.parts, [1, 2, 3].map((part) => ({ part, state: 'accepted', connector: null, submitStatus: null, smscMessageId: null, submittedAt: null, receiptState: null, receiptError: null, receiptAt: null })));
    t.is(await b.api.message('m-none'), undefined);
    t.is(await a.countOutbound(), 1);
    t.deepEqual(await b.claimOutbound(10, { now: 2000, until: 400_000 }), [], 'claimed by a until 301000');
    const [row] = await b.claimOutbound(10, { now: 301_000, until: 600_000 });
    t.deepEqual(row, { ...outboundOf(message), id: created.outboundId });
    t.is(row?.apiMessageId, 'm-1');
  });

  each('createMessage: an Idempotency-Key used before by the same key gives the first message back and stores nothing', 1, async (t, store) => {
    const first = newMessage('m-1', { idempotencyKey: 'idem', requestHash: 'h1' });
    t.is((await store.api.createMessage(first, outboundOf(first), { now: 0, until: LONG })).kind, 'created');
    const retry = newMessage('m-2', { idempotencyKey: 'idem', requestHash: 'h2', text: 'other' });
    const again = await store.api.createMessage(retry, outboundOf(retry), { now: 0, until: LONG });
    t.is(again.kind, 'existing');
    t.like(again.kind === 'existing' ? again.message : undefined, { id: 'm-1', requestHash: 'h1', text: 'text of m-1', parts: [{ part: 1, state: 'accepted' }] });
    t.is(await store.api.message('m-2'), undefined);
    const otherKey = newMessage('m-3', { keyId: 'k_b', idempotencyKey: 'idem' });
    t.is((await store.api.createMessage(otherKey, outboundOf(otherKey), { now: 0, until: LONG })).kind, 'created', 'another key’s Idempotency-Key is its own');
    for (const id of ['m-4', 'm-5']) {
      const plain = newMessage(id);
      t.is((await store.api.createMessage(plain, outboundOf(plain), { now: 0, until: LONG })).kind, 'created', 'no Idempotency-Key: always stored');
    }
    t.is(await store.countOutbound(), 4);
  });

  each('createMessage: copies with one Idempotency-Key racing on two nodes are stored once', 2, async (t, a, b) => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const message = newMessage(`m-${i}`, { idempotencyKey: 'race', parts: 2 });
        return (i % 2 === 0 ? a : b).api.createMessage(message, outboundOf(message), { now: 0, until: LONG });
      }),
    );
    const created = outcomes.filter((o) => o.kind === 'created');
    t.is(created.length, 1);
    const ids = new Set(outcomes.flatMap((o) => (o.kind === 'existing' ? [o.message.id] : [])));
    t.is(ids.size, 1, 'every copy got the same message back');
    t.truthy(await a.api.message([...ids][0]!));
    t.is(await a.countOutbound(), 1);
  });

  each('recordSubmits: submitted once every part is accepted; a refused part fails, and the message fails once the others are final', 1, async (t, store) => {
    const three = newMessage('m-3', { parts: 3 });
    await store.api.createMessage(three, outboundOf(three), { now: 0, until: LONG });
    t.is(await store.api.recordSubmits('m-none', [{ part: 1, connector: 'c', status: 0, smscMessageId: '1' }], 2000), undefined);
    const one = await store.api.recordSubmits('m-3', [{ part: 1, connector: 'c', status: 0, smscMessageId: '0A1B' }], 2000);
    t.like(one, { state: 'accepted', updatedAt: 2000, parts: [{ part: 1, state: 'submitted', connector: 'c', submitStatus: 0, smscMessageId: '0A1B', submittedAt: 2000 }, { state: 'accepted' }, { state: 'accepted' }] });
    const all = await store.api.recordSubmits('m-3', [{ part: 2, connector: 'c', status: 0, smscMessageId: '2' }, { part: 3, connector: 'd', status: 0, smscMessageId: '3' }], 2100);
    t.like(all, { state: 'submitted', updatedAt: 2100, parts: [{ state: 'submitted' }, { state: 'submitted', connector: 'c' }, { state: 'submitted', connector: 'd', smscMessageId: '3' }] });
    const repeated = await store.api.recordSubmits('m-3', [{ part: 1, connector: 'x', status: 0x45, smscMessageId: null }], 2200);
    t.like(repeated?.parts[0], { state: 'submitted', connector: 'c', smscMessageId: '0A1B' }, 'a part’s first answer stands');

    const two = newMessage('m-2', { parts: 2 });
    await store.api.createMessage(two, outboundOf(two), { now: 0, until: LONG });
    const refused = await store.api.recordSubmits('m-2', [{ part: 1, connector: 'c', status: 0x45, smscMessageId: null }], 3000);
    t.like(refused, { state: 'accepted', parts: [{ state: 'failed', submitStatus: 0x45, connector: 'c', smscMessageId: null }, { state: 'accepted' }] });
    t.like(await store.api.recordSubmits('m-2', [{ part: 2, connector: 'c', status: 0, smscMessageId: '77' }], 3100), { state: 'submitted' }, 'one failed, one not final yet');
    const last = await store.api.recordReceipt(receiptOf('c', '77', 'DELIVERED'), noWebhook);
    t.like(last, { final: true, message: { state: 'failed' } }, 'every part final, one failed');
    const big = newMessage('m-big');
    await store.api.createMessage(big, outboundOf(big), { now: 0, until: LONG });
    t.like((await store.api.recordSubmits('m-big', [{ part: 1, connector: 'c', status: 0xffff_fffe, smscMessageId: null }], 3200))?.parts[0], { submitStatus: 0xffff_fffe, state: 'failed' }, 'a 32-bit command_status');
    t.is((await store.api.message('m-big'))?.state, 'failed');
  });

  each('recordReceipt: matched by connector and canonical spelling (case, leading zeros); ids in another base never meet', 1, async (t, store) => {
    await submitted(store, newMessage('m-1', { parts: 3 }), 'c', ['0A1B', '000123', 'ABCDEF']);
    await submitted(store, newMessage('m-2', { parts: 2 }), 'd', ['00000010', '0000000a']);
    t.is(await store.api.recordReceipt(receiptOf('c', '999', 'DELIVERED'), noWebhook), undefined, 'no such id');
    t.is(await store.api.recordReceipt(receiptOf('x', '0a1b', 'DELIVERED'), noWebhook), undefined, 'another connector’s id');
    t.is(await store.api.recordReceipt(receiptOf('c', '2587', 'DELIVERED'), noWebhook), undefined, '0x0A1B in decimal: not matched by the store (the connector’s messageIdType turns it first)');
    t.like(await store.api.recordReceipt(receiptOf('c', 'a1b', 'DELIVERED'), noWebhook), { message: { id: 'm-1' }, part: { part: 1, state: 'delivered' } }, 'leading zeros and case');
    t.like(await store.api.recordReceipt(receiptOf('c', '123', 'DELIVERED'), noWebhook), { message: { id: 'm-1' }, part: { part: 2 } }, 'leading zeros');
    t.like(await store.api.recordReceipt(receiptOf('c', 'abcdef', 'DELIVERED'), noWebhook), { message: { id: 'm-1', state: 'delivered' }, part: { part: 3 }, final: true }, 'case');
    // a simulator's hex counter: "0000000a" is ten, "00000010" sixteen; each receipt finds its own part
    t.like(await store.api.recordReceipt(receiptOf('d', '0000000A', 'EXPIRED'), noWebhook), { message: { id: 'm-2' }, part: { part: 2, state: 'expired' } });
    t.like(await store.api.recordReceipt(receiptOf('d', '10', 'DELIVERED'), noWebhook), { message: { id: 'm-2' }, part: { part: 1, state: 'delivered' } });
    const waiting = newMessage('m-5');
    await store.api.createMessage(waiting, outboundOf(waiting), { now: 0, until: LONG });
    t.is(await store.api.recordReceipt(receiptOf('g', '1', 'DELIVERED'), noWebhook), undefined, 'its submit not recorded yet');
  });

  each('recordReceipt: the latest part submitted with an id takes a receipt for it', 1, async (t, store) => {
    await submitted(store, newMessage('m-old'), 'c', ['42']);
    const fresh = newMessage('m-new');
    await store.api.createMessage(fresh, outboundOf(fresh), { now: 0, until: LONG });
    await store.api.recordSubmits('m-new', [{ part: 1, connector: 'c', status: 0, smscMessageId: '42' }], 9000);
    t.like(await store.api.recordReceipt(receiptOf('c', '42', 'DELIVERED'), noWebhook), { message: { id: 'm-new' } });
  });

  each('recordReceipt: intermediate states recorded but not final; a 3-part message with one undeliverable part ends undeliverable, final once; a repeated receipt changes nothing', 1, async (t, store) => {
    await submitted(store, newMessage('m-1', { parts: 3, callbackUrl: 'https://cb.example/m' }), 'c', ['11', '12', '13']);
    const seen: { part: number; final: boolean; state: string }[] = [];
    const hook = (result: { readonly message: { readonly state: string }; readonly part: { readonly part: number }; readonly final: boolean }): NewWebhook => {
      seen.push({ part: result.part.part, final: result.final, state: result.message.state });
      return webhookOf(seen.length, { messageId: 'm-1', body: JSON.stringify(result) });
    };
    const enroute = await store.api.recordReceipt(receiptOf('c', '11', 'ENROUTE', 3000), hook);
    t.like(enroute, { final: false, part: { part: 1, state: 'submitted', receiptState: 'ENROUTE', receiptAt: 3000 }, message: { state: 'submitted' } });
    const first = await store.api.recordReceipt(receiptOf('c', '11', 'DELIVERED', 4000), hook);
    t.like(first, { final: false, part: { state: 'delivered', receiptState: 'DELIVERED', receiptAt: 4000 }, message: { state: 'submitted', updatedAt: 4000 } });
    const undeliverable = await store.api.recordReceipt(receiptOf('c', '12', 'UNDELIVERABLE', 5000, '011'), hook);
    t.like(undeliverable, { final: false, part: { part: 2, state: 'undeliverable', receiptError: '011' }, message: { state: 'submitted' } });
    const last = await store.api.recordReceipt(receiptOf('c', '13', 'DELIVERED', 6000), hook);
    t.like(last, { final: true, part: { part: 3, state: 'delivered' }, message: { state: 'undeliverable', updatedAt: 6000 } });
    t.deepEqual(seen, [
      { part: 1, final: false, state: 'submitted' },
      { part: 1, final: false, state: 'submitted' },
      { part: 2, final: false, state: 'submitted' },
      { part: 3, final: true, state: 'undeliverable' },
    ]);
    t.not(last?.webhookId, null);
    t.deepEqual(
      (await store.api.webhooksOf('m-1')).map((w) => w.id),
      [enroute, first, undeliverable, last].map((r) => r?.webhookId),
      'each queued with its receipt',
    );
    const duplicate = await store.api.recordReceipt(receiptOf('c', '12', 'DELIVERED', 7000), hook);
    t.like(duplicate, { final: false, webhookId: null, part: { part: 2, state: 'undeliverable', receiptState: 'UNDELIVERABLE', receiptAt: 5000 }, message: { state: 'undeliverable', updatedAt: 6000 } });
    t.is(seen.length, 4, 'no webhook for a repeated receipt');
    t.is(await store.api.countWebhooks(), 4);
  });

  each('recordReceipt: the webhook is queued in the receipt’s transaction: when making it throws, the error comes out as it is and nothing is recorded', 1, async (t, store) => {
    await submitted(store, newMessage('m-1', { callbackUrl: 'https://cb.example/m' }), 'c', ['11']);
    class Bug extends Error {}
    await t.throwsAsync(
      store.api.recordReceipt(receiptOf('c', '11', 'DELIVERED'), () => {
        throw new Bug('a bug in the webhook body');
      }),
      { instanceOf: Bug },
    );
    t.like(await store.api.message('m-1'), { state: 'submitted', parts: [{ state: 'submitted', receiptState: null }] });
    t.is(await store.api.countWebhooks(), 0);
    const recorded: RecordedReceipt | undefined = await store.api.recordReceipt(receiptOf('c', '11', 'DELIVERED'), () => webhookOf(1, { messageId: 'm-1' }));
    t.like(recorded, { final: true, message: { state: 'delivered' } });
    t.like(await store.api.webhooksOf('m-1'), [{ id: recorded!.webhookId!, state: 'pending', attempts: 0, nextAt: 1, messageId: 'm-1' }]);
  });

  each('recordReceipt: receipts for every part of one message racing on two nodes make it final exactly once', 2, async (t, a, b) => {
    // several messages of a few parts each: the receipts of one message's parts interleave
    const messages = Array.from({ length: 6 }, (_, m) => ({ id: `m-${m}`, ids: Array.from({ length: 3 }, (_, p) => String(100 * (m + 1) + p)) }));
    for (const { id, ids } of messages) await submitted(a, newMessage(id, { parts: ids.length }), 'c', ids);
    // every connection of both pools open first, so that the receipts run side by side
    await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? a : b).api.countWebhooks()));
    const hook = (result: { readonly message: { readonly id: string }; readonly final: boolean }): NewWebhook | undefined => (result.final ? webhookOf(1, { messageId: result.message.id }) : undefined);
    const receipts = messages.flatMap(({ ids }) => ids).sort((x, y) => (x.slice(-1) + x).localeCompare(y.slice(-1) + y));
    const results = await Promise.all(receipts.map((id, i) => (i % 2 === 0 ? a : b).api.recordReceipt(receiptOf('c', id, 'DELIVERED', 5000 + i), hook)));
    t.deepEqual(results.filter((r) => r?.final === true).map((r) => r?.message.id).sort(), messages.map((m) => m.id));
    for (const { id } of messages) {
      t.like(await b.api.message(id), { state: 'delivered' });
      t.is((await a.api.webhooksOf(id)).length, 1);
    }
  });

  each('failMessage: every part not submitted fails; an accepted part keeps waiting for its receipt, then the message fails', 1, async (t, store) => {
    t.is(await store.api.failMessage('m-none', 1), undefined);
    const message = newMessage('m-1', { parts: 3 });
    await store.api.createMessage(message, outboundOf(message), { now: 0, until: LONG });
    await store.api.recordSubmits('m-1', [{ part: 1, connector: 'c', status: 0, smscMessageId: '1' }, { part: 2, connector: 'c', status: 0, smscMessageId: '2' }], 2000);
    await store.api.recordReceipt(receiptOf('c', '1', 'DELIVERED'), noWebhook);
    const failed = await store.api.failMessage('m-1', 9000);
    t.like(failed, { state: 'submitted', updatedAt: 9000, parts: [{ state: 'delivered' }, { state: 'submitted' }, { state: 'failed' }] });
    t.deepEqual(await store.api.message('m-1'), failed);
    t.like(await store.api.recordReceipt(receiptOf('c', '2', 'DELIVERED'), noWebhook), { final: true, message: { state: 'failed', parts: [{ state: 'delivered' }, { state: 'delivered' }, { state: 'failed' }] } });
  });

  each('messagesOf: a key’s messages, newest first, at most limit, after a cursor; one millisecond’s messages by id', 1, async (t, store) => {
    for (const [id, keyId, createdAt] of [['m-1', 'k_a', 100], ['m-2', 'k_a', 300], ['m-3', 'k_b', 200], ['m-4', 'k_a', 200], ['m-5', 'k_a', 200], ['m-6', 'k_a', 200]] as const) {
      const message = newMessage(id, { keyId, createdAt, parts: 2 });
      await store.api.createMessage(message, outboundOf(message), { now: 0, until: LONG });
    }
    t.deepEqual((await store.api.messagesOf('k_a', 10)).map((m) => m.id), ['m-2', 'm-6', 'm-5', 'm-4', 'm-1']);
    t.deepEqual((await store.api.messagesOf('k_a', 2)).map((m) => m.id), ['m-2', 'm-6']);
    // pages of two through three messages of one millisecond: none skipped, none twice
    t.deepEqual((await store.api.messagesOf('k_a', 2, { createdAt: 200, id: 'm-6' })).map((m) => m.id), ['m-5', 'm-4']);
    t.deepEqual((await store.api.messagesOf('k_a', 2, { createdAt: 200, id: 'm-4' })).map((m) => m.id), ['m-1']);
    t.deepEqual((await store.api.messagesOf('k_a', 10, { createdAt: 300, id: 'm-2' })).map((m) => m.id), ['m-6', 'm-5', 'm-4', 'm-1']);
    t.is((await store.api.messagesOf('k_a', 1))[0]?.parts.length, 2, 'with their parts');
    t.deepEqual(await store.api.messagesOf('k_c', 10), []);
  });

  each('webhooks: claimed when due, oldest due first, one lease at a time; failed comes back at its next time; delivered and given up leave the queue', 2, async (t, a, b) => {
    const ids: number[] = [];
    for (const n of [300, 100, 200, 5000]) ids.push(await a.api.queueWebhook(webhookOf(n, { messageId: 'm-1' })));
    const [w300, w100, w200, w5000] = ids as [number, number, number, number];
    t.is(await a.api.countWebhooks(), 4);
    const first = await a.api.claimWebhooks(2, { now: 1000, until: 2000 });
    t.deepEqual(first.map((w) => w.id), [w100, w200], 'oldest due first, at most the limit');
    t.like(first[0], { url: 'https://hooks.example/100', event: 'receipt', body: '{"n":100}', keyId: 'k_a', messageId: 'm-1', createdAt: 100, giveUpAt: 86_400_100, secret: 'whsec', state: 'pending', attempts: 0, nextAt: 100, lastError: null, deliveredAt: null });
    t.deepEqual((await b.api.claimWebhooks(10, { now: 1000, until: 2000 })).map((w) => w.id), [w300], 'the others are leased; 5000 is not due');
    t.deepEqual(await b.api.claimWebhooks(10, { now: 1999, until: 3000 }), []);
    await a.api.webhookFailed(w100, 'HTTP 500', 2500);
    t.deepEqual((await b.api.claimWebhooks(10, { now: 2000, until: 3000 })).map((w) => w.id), [w200, w300], 'leases ended at 2000; the failed one waits for 2500');
    const again = await b.api.claimWebhooks(10, { now: 3000, until: 4000 });
    t.deepEqual(again.map((w) => w.id), [w200, w300, w100], 'by due time');
    t.like(again[2], { attempts: 1, lastError: 'HTTP 500', nextAt: 2500 });
    await b.api.webhookDelivered(w100, 3100);
    await b.api.webhookGaveUp(w200, 'HTTP 410');
    await b.api.webhookFailed(w300, 'timeout', 3500);
    await b.api.webhookFailed(w100, 'late failure of a delivered webhook', 9000);
    t.like(await a.api.webhooksOf('m-1'), [
      { id: w300, state: 'pending', attempts: 1, lastError: 'timeout', nextAt: 3500 },
      { id: w100, state: 'delivered', attempts: 2, deliveredAt: 3100, lastError: 'HTTP 500' },
      { id: w200, state: 'gave_up', attempts: 1, lastError: 'HTTP 410' },
      { id: w5000, state: 'pending', attempts: 0 },
    ]);
    t.is(await a.api.countWebhooks(), 2);
    t.deepEqual((await a.api.claimWebhooks(10, { now: 10_000, until: 11_000 })).map((w) => w.id), [w300, w5000]);
    t.deepEqual(await a.api.webhooksOf('m-none'), []);
  });

  each('webhooks: a claim passes over busy hosts; a deferred webhook comes back at its time with no attempt counted', 1, async (t, store) => {
    const busy = await store.api.queueWebhook({ ...webhookOf(100, { messageId: 'm-1' }), url: 'https://Busy.example:8443/hook' });
    const other = await store.api.queueWebhook({ ...webhookOf(200, { messageId: 'm-1' }), url: 'http://other.example/hook' });
    t.deepEqual((await store.api.claimWebhooks(10, { now: 1000, until: 2000 }, ['busy.example:8443'])).map((w) => w.id), [other], 'the busy host’s row is passed over (host lower-cased, with its port)');
    t.deepEqual((await store.api.claimWebhooks(10, { now: 1000, until: 2000 }, [])).map((w) => w.id), [busy]);
    await store.api.deferWebhook(busy, 5000);
    await store.api.webhookDelivered(other, 1500);
    t.deepEqual(await store.api.claimWebhooks(10, { now: 4999, until: 6000 }), [], 'not due before its time');
    t.like((await store.api.claimWebhooks(10, { now: 5000, until: 6000 }))[0], { id: busy, attempts: 0, nextAt: 5000, lastError: null });
  });

  each('purgeApi: final messages and finished webhooks older than the cut go; pending work stays', 1, async (t, store) => {
    await submitted(store, newMessage('m-old'), 'c', ['1']);
    await store.api.recordReceipt(receiptOf('c', '1', 'DELIVERED', 5000), noWebhook);
    await submitted(store, newMessage('m-open'), 'c', ['2']);
    const done = await store.api.queueWebhook(webhookOf(100, { messageId: 'm-old' }));
    const open = await store.api.queueWebhook(webhookOf(200, { messageId: 'm-open' }));
    await store.api.webhookDelivered(done, 300);
    t.deepEqual(await store.api.purgeApi(5000), { messages: 0, webhooks: 1 }, 'final at 5000: not before the cut');
    t.deepEqual(await store.api.purgeApi(5001), { messages: 1, webhooks: 0 });
    t.is(await store.api.message('m-old'), undefined);
    t.truthy(await store.api.message('m-open'), 'not final: kept');
    t.deepEqual((await store.api.webhooksOf('m-open')).map((w) => w.id), [open], 'pending: kept');
    t.is(await store.api.recordReceipt(receiptOf('c', '1', 'DELIVERED'), noWebhook), undefined, 'its parts went with it');
  });

  each('webhooks: two nodes draining the queue in batches take each webhook once', 2, async (t, a, b) => {
    for (let n = 0; n < 40; n++) await a.api.queueWebhook(webhookOf(n));
    const drain = async (store: Store): Promise<number[]> => {
      const taken: number[] = [];
      for (;;) {
        const batch = await store.api.claimWebhooks(6, { now: 100, until: 10_000 });
        if (batch.length === 0) return taken;
        taken.push(...batch.map((w) => w.id));
      }
    };
    const all = (await Promise.all([drain(a), drain(b), drain(a), drain(b)])).flat();
    t.is(all.length, 40);
    t.is(new Set(all).size, 40, 'no webhook twice');
  });

  each('webhooks: a dead node’s claims are given back by reapNodes', 2, async (t, a, b) => {
    await a.heartbeat({ name: 'gw-a', startedAt: 1000, ttl: 5, detail: { sip: [], status: null, binds: [] } });
    await b.heartbeat({ name: 'gw-b', startedAt: 1000, ttl: LONG, detail: { sip: [], status: null, binds: [] } });
    const mine = await a.api.queueWebhook(webhookOf(1));
    const theirs = await a.api.queueWebhook(webhookOf(2));
    t.deepEqual((await a.api.claimWebhooks(1, { now: 10, until: Number.MAX_SAFE_INTEGER })).map((w) => w.id), [mine]);
    t.deepEqual((await b.api.claimWebhooks(1, { now: 10, until: Number.MAX_SAFE_INTEGER })).map((w) => w.id), [theirs]);
    await pause(30);
    t.deepEqual(await b.reapNodes(LONG), { nodes: [a.node], aors: [] });
    t.deepEqual((await b.api.claimWebhooks(10, { now: 20, until: 1000 })).map((w) => w.id), [mine], 'a’s claim is free; b’s own stands');
  });

  each('webhooks: close gives this node’s claims back; then its api rejects with StoreError', 2, async (t, a, b) => {
    const id = await a.api.queueWebhook(webhookOf(1));
    t.is((await a.api.claimWebhooks(1, { now: 10, until: LONG })).length, 1);
    await a.close();
    t.deepEqual((await b.api.claimWebhooks(1, { now: 10, until: LONG })).map((w) => w.id), [id]);
    const error = await t.throwsAsync(a.api.countWebhooks(), { instanceOf: StoreError });
    t.is(error?.operation, 'api.countWebhooks', 'a closed store rejects with StoreError');
  });

  each('routing entries: put, replace, list by kind and name, remove; the version goes up with each change', 2, async (t, a, b) => {
    t.is(await a.api.routingVersion(), 0);
    t.deepEqual(await a.api.routingEntries(), []);
    await a.api.putRoutingEntry({ kind: 'mt_route', name: 'uk', spec: '{"prefix":"44"}' });
    await a.api.putRoutingEntry({ kind: 'connector', name: 'smsc-b', spec: '{"host":"b"}' });
    await b.api.putRoutingEntry({ kind: 'connector', name: 'smsc-a', spec: '{"host":"a"}' });
    await b.api.putRoutingEntry({ kind: 'connector', name: 'smsc-b', spec: '{"host":"b2"}' });
    t.is(await a.api.routingVersion(), 4);
    t.deepEqual(await b.api.routingEntries(), [
      { kind: 'connector', name: 'smsc-a', spec: '{"host":"a"}' },
      { kind: 'connector', name: 'smsc-b', spec: '{"host":"b2"}' },
      { kind: 'mt_route', name: 'uk', spec: '{"prefix":"44"}' },
    ]);
    t.true(await a.api.removeRoutingEntry('connector', 'smsc-a'));
    t.is(await b.api.routingVersion(), 5);
    t.false(await a.api.removeRoutingEntry('connector', 'smsc-a'));
    t.false(await a.api.removeRoutingEntry('mo_route', 'uk'));
    t.is(await b.api.routingVersion(), 5, 'nothing removed: the same version');
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).api.putRoutingEntry({ kind: 'mo_route', name: `r${i}`, spec: '{}' })));
    t.is(await a.api.routingVersion(), 15, 'racing changes each count');
  });
}
