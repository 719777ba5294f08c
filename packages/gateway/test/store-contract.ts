// The Store contract: what every implementation must do, as ava tests registered for a factory.
// store-sqlite.test.ts and store-postgres.test.ts run it. Nodes are separate Store instances on the
// same data, and the concurrency cases race them: no row is taken twice, no update is lost.
// Times are plain numbers passed in (the runtime clock's milliseconds): nothing here sleeps.
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { parseMessage, type SipRequest } from '@switchboard/sip';
import { StoreError, register, type Binding, type OutboundMessage, type Store } from '@switchboard/gateway';

/** One database for one test: stores opened on it are nodes sharing its data. */
export interface StoreHarness {
  /** Opens a store (a node named `node`) on this test's database; migrates it as opening does. */
  open(node: string): Promise<Store>;
  /** Removes the database (the stores are closed by then). */
  dispose(): Promise<void>;
}

/** Makes a fresh, empty database for one test. */
export type StoreFactory = () => Promise<StoreHarness>;

const AOR = 'sip:447700900555@switchboard.local';

function outbound(n: number, at = 1000): Omit<OutboundMessage, 'id'> {
  return { senderAor: AOR, source: '447700900555', sourceTon: 1, sourceNpi: 1, destination: `4477009${String(n).padStart(5, '0')}`, destinationTon: 1, text: `text ${n}`, sipMessageId: `call-${n}`, createdAt: at };
}

function binding(contact: string, expiresAt: number, cseq = 1, callId = 'reg-1'): Binding {
  return { aor: AOR, contact, expiresAt, callId, cseq };
}

/**
 * Registers the contract's tests, titled `<name>: …`, each on a fresh database from `factory`.
 *
 * @example
 * storeContract('sqlite', async () => { const dir = …; return { open: (node) => Promise.resolve(new SqliteStore(file, { node })), dispose: async () => rmSync(dir, …) }; });
 */
export function storeContract(name: string, factory: StoreFactory): void {
  /**
   * Runs `body` with `nodes` stores on one fresh database (`open` makes one more, later); closes
   * them all and removes the database afterwards.
   */
  const each = (title: string, nodes: number, body: (t: ExecutionContext, open: (node: string) => Promise<Store>, ...stores: Store[]) => Promise<void>): void => {
    test.serial(`${name}: ${title}`, async (t) => {
      const harness = await factory();
      const stores = await Promise.all(Array.from({ length: nodes }, (_, i) => harness.open(`node-${String.fromCharCode(97 + i)}`)));
      const open = async (node: string): Promise<Store> => {
        const store = await harness.open(node);
        stores.push(store);
        return store;
      };
      try {
        await body(t, open, ...stores);
      } finally {
        for (const store of stores) await store.close();
        await harness.dispose();
      }
    });
  };

  each('bindings: changeBindings puts, refreshes and removes; listed by expiry (then contact, byte order) and only while valid', 1, async (t, _open, store) => {
    const after = await store.changeBindings(AOR, 0, (current) => {
      t.deepEqual(current, []);
      return { put: [binding('sip:b@h', 5000), binding('sip:a@h', 5000), binding('sip:C@h', 9000)] };
    });
    t.deepEqual(after.map((b) => b.contact), ['sip:C@h', 'sip:a@h', 'sip:b@h']);
    t.deepEqual(after[0], binding('sip:C@h', 9000));
    t.deepEqual((await store.bindings(AOR, 5000)).map((b) => b.contact), ['sip:C@h'], 'expired at 5000');
    const refreshed = await store.changeBindings(AOR, 1000, () => ({ put: [{ ...binding('sip:a@h', 20_000, 2, 'reg-2') }], remove: ['sip:b@h'] }));
    t.deepEqual(refreshed.map((b) => [b.contact, b.expiresAt, b.callId, b.cseq]), [['sip:a@h', 20_000, 'reg-2', 2], ['sip:C@h', 9000, 'reg-1', 1]]);
    const unchanged = await store.changeBindings(AOR, 1000, () => undefined);
    t.deepEqual(unchanged, refreshed, 'undefined changes nothing and lists what is');
    t.is(await store.countBindings(1000), 2);
    t.is(await store.countBindings(10_000), 1);
    t.is(await store.purgeExpired(10_000), 1);
    t.deepEqual(await store.changeBindings(AOR, 0, () => ({ removeAll: true, put: [binding('sip:z@h', 7000)] })), [binding('sip:z@h', 7000)], 'removeAll, then put');
    t.deepEqual(await store.bindings('sip:nobody@switchboard.local', 0), []);
  });

  each('bindings: racing changes of one AOR on two nodes lose no update: the cap and the CSeq order hold', 2, async (t, _open, a, b) => {
    // 20 requests, each adding its contact only while fewer than 5 are bound
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).changeBindings(AOR, 0, (current) => (current.length >= 5 ? undefined : { put: [binding(`sip:c${i}@h`, 60_000)] })),
      ),
    );
    t.is((await a.bindings(AOR, 0)).length, 5);
    // CSeq 1..12 for one contact and Call-ID, in a scrambled order: each applies only if newer
    const order = [7, 2, 11, 1, 12, 5, 9, 3, 10, 4, 8, 6];
    await Promise.all(
      order.map((seq, i) =>
        (i % 2 === 0 ? a : b).changeBindings(AOR, 0, (current) => {
          const existing = current.find((x) => x.contact === 'sip:c0@h');
          return existing !== undefined && existing.callId === 'race' && existing.cseq >= seq ? undefined : { put: [binding('sip:c0@h', 60_000 + seq, seq, 'race')] };
        }),
      ),
    );
    t.like((await b.bindings(AOR, 0)).find((x) => x.contact === 'sip:c0@h'), { cseq: 12, expiresAt: 60_012 });
  });

  each('bindings: what decide throws comes out as it is (not a StoreError), and nothing is changed', 1, async (t, _open, store) => {
    await store.changeBindings(AOR, 0, () => ({ put: [binding('sip:a@h', 5000)] }));
    class Bug extends Error {}
    await t.throwsAsync(
      store.changeBindings(AOR, 0, () => {
        throw new Bug('a bug in the registrar');
      }),
      { instanceOf: Bug },
    );
    t.deepEqual(await store.bindings(AOR, 0), [binding('sip:a@h', 5000)]);
  });

  each('registrar: REGISTERs of one user racing on two nodes keep maxBindingsPerUser and answer a stale CSeq 500', 2, async (t, _open, a, b) => {
    const limits = { domain: 'switchboard.local', defaultExpires: 3600, minExpires: 60, maxExpires: 86_400, maxBindingsPerUser: 3 };
    const reg = (contact: string, seq: number, callId: string): SipRequest =>
      parseMessage(
        Buffer.from(
          [
            'REGISTER sip:switchboard.local SIP/2.0',
            `Via: SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK${callId}${seq}`,
            'From: <sip:447700900555@switchboard.local>;tag=a',
            'To: <sip:447700900555@switchboard.local>',
            `Call-ID: ${callId}`,
            `CSeq: ${seq} REGISTER`,
            `Contact: ${contact}`,
            'Content-Length: 0',
            '',
            '',
          ].join('\r\n'),
        ),
      ) as SipRequest;
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => register(reg(`<sip:u${i}@192.0.2.5>`, 1, `call-${i}`), i % 2 === 0 ? a : b, 0, limits)));
    t.is(outcomes.filter((o) => o.status === 200).length, 3);
    t.is(outcomes.filter((o) => o.status === 403).length, 5);
    t.is(await a.countBindings(0), 3);
    const winner = outcomes.findIndex((o) => o.status === 200);
    const [newer, older] = await Promise.all([register(reg(`<sip:u${winner}@192.0.2.5>`, 5, `call-${winner}`), a, 1000, limits), register(reg(`<sip:u${winner}@192.0.2.5>`, 5, `call-${winner}`), b, 1000, limits)]);
    t.deepEqual([newer.status, older.status].sort(), [200, 500], 'the same CSeq twice: one applies, the other is out of order');
  });

  each('inbound: queued in order; one claim per user at a time, given back or taken over when the lease ends; U+0000 and emoji kept', 2, async (t, _open, a, b) => {
    const text = 'nul \u0000 and 👋 and é';
    const first = await a.queueInbound({ aor: AOR, from: '447700900999', text, contentType: 'text/plain;charset=UTF-8', receivedAt: 100 });
    const second = await b.queueInbound({ aor: AOR, from: '447700900999', text: 'second', contentType: 'message/imdn+xml', receivedAt: 200 });
    t.true(second > first);
    t.deepEqual(await a.pendingFor(AOR), [
      { id: first, aor: AOR, from: '447700900999', text, contentType: 'text/plain;charset=UTF-8', receivedAt: 100 },
      { id: second, aor: AOR, from: '447700900999', text: 'second', contentType: 'message/imdn+xml', receivedAt: 200 },
    ]);
    t.is(await a.countPending(), 2);
    const claimed = await a.claimInbound(AOR, { now: 1000, until: 5000 });
    t.is(claimed?.id, first, 'the oldest');
    t.is(claimed?.text, text);
    t.is(await b.claimInbound(AOR, { now: 1000, until: 5000 }), undefined, 'one delivery per user at a time, across nodes');
    t.is(await a.claimInbound(AOR, { now: 1000, until: 5000 }), undefined, 'and on the same node');
    await a.releaseInbound(first);
    t.is((await b.claimInbound(AOR, { now: 1001, until: 5000 }))?.id, first, 'given back: claimable again');
    t.is((await a.claimInbound(AOR, { now: 5000, until: 9000 }))?.id, first, 'b crashed: its lease ended at 5000');
    await a.deleteInbound(first);
    t.is((await b.claimInbound(AOR, { now: 5000, until: 9000 }))?.id, second, 'the next one, once the first is gone');
    t.is(await a.claimInbound('sip:other@switchboard.local', { now: 0, until: 1 }), undefined);
    t.is(await a.countPending(), 1, 'claimed messages still count');
  });

  each('inbound: nodes racing to claim one user\'s messages never hold two at once', 2, async (t, _open, a, b) => {
    for (let i = 0; i < 5; i++) await a.queueInbound({ aor: AOR, from: '1', text: `m${i}`, contentType: 'text/plain', receivedAt: i });
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).claimInbound(AOR, { now: 0, until: 1000 })));
    t.is(claims.filter((c) => c !== undefined).length, 1);
  });

  each('outbound: stored claimed with its identity; a live identity is seen (with its answer), an expired one taken again', 2, async (t, _open, a, b) => {
    const identity = { key: 'call-1\n1\ntag', expiresAt: 64_000 };
    const queued = await a.queueOutbound(outbound(1), { identity, lease: { now: 1000, until: 301_000 } });
    t.is(queued.kind, 'queued');
    t.deepEqual(await b.queueOutbound(outbound(1), { identity, lease: { now: 2000, until: 302_000 } }), { kind: 'seen', taken: { status: 0, expiresAt: 64_000 } }, 'another node sees it too');
    t.is(await a.countOutbound(), 1, 'the copy was not stored');
    await b.answeredMessage(identity.key, 202);
    t.deepEqual(await a.takenMessage(identity.key, 3000), { status: 202, expiresAt: 64_000 });
    t.like(await a.queueOutbound(outbound(1), { identity, lease: { now: 3000, until: 303_000 } }), { kind: 'seen', taken: { status: 202 } });
    t.is(await a.takenMessage(identity.key, 64_000), undefined, 'expired at 64000');
    const again = await b.queueOutbound(outbound(1, 70_000), { identity: { key: identity.key, expiresAt: 134_000 }, lease: { now: 70_000, until: 370_000 } });
    t.is(again.kind, 'queued', 'an expired identity is taken afresh');
    t.deepEqual(await a.takenMessage(identity.key, 70_000), { status: 0, expiresAt: 134_000 });
    t.is(await a.purgeTaken(134_000), 1);
    const plain = await a.queueOutbound(outbound(2), { lease: { now: 0, until: 1 } });
    t.is(plain.kind, 'queued', 'no identity: just stored');
    t.is(await a.countOutbound(), 3);
  });

  each('outbound: copies of one MESSAGE racing on two nodes are stored once', 2, async (t, _open, a, b) => {
    const identity = { key: 'race\n1\ntag', expiresAt: 64_000 };
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).queueOutbound(outbound(1), { identity, lease: { now: 1000, until: 301_000 } })));
    t.is(outcomes.filter((o) => o.kind === 'queued').length, 1);
    t.is(await a.countOutbound(), 1);
  });

  each('outbound: claims go oldest first, skip leased rows, honour the limit; released rows and ended leases come back; close gives back', 2, async (t, _open, a, b) => {
    const lease = (now: number) => ({ now, until: now + 300_000 });
    const fresh = await a.queueOutbound(outbound(0), { lease: lease(0) });
    const ids: number[] = [];
    for (let n = 1; n <= 5; n++) {
      const q = await a.queueOutbound(outbound(n), { lease: { now: 0, until: 0 } }); // stored unclaimed (a lease that ended at once)
      if (q.kind === 'queued') ids.push(q.id);
    }
    const firstTwo = await b.claimOutbound(2, lease(10));
    t.deepEqual(firstTwo.map((m) => m.id), ids.slice(0, 2), 'oldest first; the fresh row is a\'s');
    t.deepEqual(firstTwo[0], { ...outbound(1), id: ids[0]! });
    t.deepEqual((await a.claimOutbound(10, lease(20))).map((m) => m.id), ids.slice(2));
    t.deepEqual(await b.claimOutbound(10, lease(20)), [], 'all leased');
    await b.releaseOutbound(ids[0]!);
    t.deepEqual((await a.claimOutbound(10, lease(30))).map((m) => m.id), [ids[0]]);
    t.deepEqual((await b.claimOutbound(10, lease(300_010))).map((m) => m.id), [fresh.kind === 'queued' ? fresh.id : -1, ids[1]], 'leases ended at 300000 and 300010');
    await a.deleteOutbound(ids[4]!);
    t.is(await a.countOutbound(), 5);
    await b.close();
    t.deepEqual((await a.claimOutbound(10, lease(300_015))).map((m) => m.id), [fresh.kind === 'queued' ? fresh.id : -1, ids[1]], 'b closed: its claims are free');
  });

  each('outbound: two nodes draining one queue in batches take every row exactly once', 2, async (t, _open, a, b) => {
    for (let n = 0; n < 60; n++) await a.queueOutbound(outbound(n), { lease: { now: 0, until: 0 } });
    const drain = async (store: Store): Promise<number[]> => {
      const taken: number[] = [];
      for (;;) {
        const batch = await store.claimOutbound(7, { now: 1, until: 1000 });
        if (batch.length === 0) return taken;
        taken.push(...batch.map((m) => m.id));
      }
    };
    const all = (await Promise.all([drain(a), drain(b), drain(a), drain(b)])).flat();
    t.is(all.length, 60);
    t.is(new Set(all).size, 60, 'no row twice');
  });

  each('sent: recorded, then taken once, by one node only', 2, async (t, _open, a, b) => {
    const sent = { messageId: 'smsc-1', senderAor: AOR, recipient: '447700900123', sipMessageId: 'call-1', sentAt: 5, connector: 'smsc' };
    await a.recordSent(sent);
    await a.recordSent({ ...sent, sentAt: 6 });
    const takes = await Promise.all([a.takeSent('smsc-1', 'smsc'), b.takeSent('smsc-1', 'smsc'), a.takeSent('smsc-1', 'smsc'), b.takeSent('smsc-1', 'smsc')]);
    t.deepEqual(takes.filter((x) => x !== undefined), [{ ...sent, sentAt: 6 }]);
    t.is(await a.takeSent('smsc-1', 'smsc'), undefined);
  });

  each('sent: only a receipt from its own connector takes a record; one with no connector (written by an older version) is taken by any; old ones are purged', 2, async (t, _open, a, b) => {
    const sent = { messageId: '00000001', senderAor: AOR, recipient: '447700900123', sipMessageId: 'call-1', sentAt: 5, connector: 'smsc-a' };
    await a.recordSent(sent);
    // another SMSC numbering its messages the same way: its receipt is not this message's
    const [other, same] = await Promise.all([b.takeSent('00000001', 'smsc-b'), b.takeSent('00000001', 'smsc-a')]);
    t.is(other, undefined);
    t.deepEqual(same, sent);
    await a.recordSent({ ...sent, messageId: 'old', connector: null });
    t.deepEqual(await b.takeSent('old', 'smsc-b'), { ...sent, messageId: 'old', connector: null });
    await a.recordSent({ ...sent, messageId: 'stale', sentAt: 1000 });
    await a.recordSent({ ...sent, messageId: 'fresh', sentAt: 2000 });
    t.is(await b.purgeSent(2000), 1, 'the record older than the cut goes');
    t.is(await a.takeSent('stale', 'smsc-a'), undefined);
    t.like(await a.takeSent('fresh', 'smsc-a'), { messageId: 'fresh' });
  });

  each('sent: kept in the same step as its outbound row is deleted', 2, async (t, _open, a, b) => {
    const queued = await a.queueOutbound(outbound(1), { lease: { now: 1000, until: 301_000 } });
    if (queued.kind !== 'queued') return t.fail('not queued');
    const sent = { messageId: 'smsc-2', senderAor: AOR, recipient: '447700900123', sipMessageId: 'call-2', sentAt: 7, connector: 'smsc' };
    await a.deleteOutbound(queued.id, sent);
    t.is(await b.countOutbound(), 0, 'the row is gone');
    t.deepEqual(await b.takeSent('smsc-2', 'smsc'), sent, 'and its record is there, for any node');
    // a second settle of the same row (its lease ran out and another node submitted it again) replaces the record
    await b.deleteOutbound(queued.id, { ...sent, sentAt: 9 });
    t.deepEqual(await a.takeSent('smsc-2', 'smsc'), { ...sent, sentAt: 9 });
  });

  each('many at once (PostgreSQL groups them into one statement): queued in call order, a record taken once, bindings read each at its own time', 1, async (t, _open, store) => {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => store.queueInbound({ aor: i % 2 === 0 ? AOR : 'sip:bob@switchboard.local', from: '1', text: `m${i}\u0000é`, contentType: 'text/plain', receivedAt: i })));
    t.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids in call order');
    t.deepEqual((await store.pendingFor(AOR)).map((m) => m.text), Array.from({ length: 15 }, (_, i) => `m${2 * i}\u0000é`));
    const rows = await Promise.all(Array.from({ length: 6 }, (_, i) => store.queueOutbound(outbound(i), { lease: { now: 1000, until: 301_000 } })));
    const settled = rows.map((r, i) => (r.kind === 'queued' ? store.deleteOutbound(r.id, i < 4 ? { messageId: `g-${i % 3}`, senderAor: AOR, recipient: '447700900123', sipMessageId: `call-${i}`, sentAt: i, connector: 'smsc' } : undefined) : Promise.reject(new Error('not queued'))));
    await Promise.all(settled);
    t.is(await store.countOutbound(), 0);
    // g-0 was given twice (rows 0 and 3): the later one stands, as one after the other
    // g-2 asked first from another connector, then from its own: only its own gets it
    const takes = await Promise.all(
      [
        ['g-0', 'smsc'],
        ['g-1', 'smsc'],
        ['g-0', 'smsc'],
        ['g-2', 'other'],
        ['g-2', 'smsc'],
        ['g-9', 'smsc'],
      ].map(([id, connector]) => store.takeSent(id!, connector!)),
    );
    t.deepEqual(takes.map((s) => s?.sipMessageId), ['call-3', 'call-1', undefined, undefined, 'call-2', undefined]);
    await store.changeBindings(AOR, 0, () => ({ put: [{ aor: AOR, contact: 'sip:a@192.0.2.1', expiresAt: 100, callId: 'c', cseq: 1 }, { aor: AOR, contact: 'sip:b@192.0.2.2', expiresAt: 200, callId: 'c', cseq: 2 }] }));
    const reads = await Promise.all([store.bindings(AOR, 50), store.bindings(AOR, 150), store.bindings('sip:nobody@switchboard.local', 0), store.bindings(AOR, 250)]);
    t.deepEqual(reads.map((r) => r.map((b) => b.contact)), [['sip:b@192.0.2.2', 'sip:a@192.0.2.1'], ['sip:b@192.0.2.2'], [], []]);
  });

  each('users: put, replace, read, list in byte order, remove', 1, async (t, _open, store) => {
    const user = (username: string, realm = 'switchboard.local') => ({ username, realm, ha1Md5: `md5-${username}`, ha1Sha256: `sha-${username}` });
    for (const name of ['bob', 'Alice', '_x', 'alice', '447700900123']) await store.putUser(user(name));
    await store.putUser(user('bob', 'other.example'));
    t.deepEqual(await store.user('bob'), user('bob', 'other.example'));
    t.is(await store.user('nobody'), undefined);
    t.deepEqual(await store.usernames(), ['447700900123', 'Alice', '_x', 'alice', 'bob']);
    t.true(await store.removeUser('bob'));
    t.false(await store.removeUser('bob'));
    t.deepEqual(await store.usernames(), ['447700900123', 'Alice', '_x', 'alice']);
  });

  each('the server secret: 32 random bytes made once, the same for every node', 2, async (t, _open, a, b) => {
    const [one, two] = await Promise.all([a.serverSecret(), b.serverSecret()]);
    t.is(one.length, 32);
    t.deepEqual(two, one);
    t.deepEqual(await a.serverSecret(), one);
  });

  each('what was written is there for a node opened later; a closed store rejects with StoreError; closing twice is harmless', 1, async (t, open, store) => {
    await store.putUser({ username: 'kept', realm: 'r', ha1Md5: 'a', ha1Sha256: 'b' });
    await store.queueInbound({ aor: AOR, from: '1', text: 'kept', contentType: 'text/plain', receivedAt: 1 });
    await store.close();
    await store.close();
    const error = await t.throwsAsync(store.countPending(), { instanceOf: StoreError });
    t.is(error?.code, 'ERR_GATEWAY_STORE');
    t.is(error?.operation, 'countPending');
    // a later node on the same database (migrating again changes nothing)
    const harnessStore = await open('later');
    t.is((await harnessStore.user('kept'))?.realm, 'r');
    t.is((await harnessStore.pendingFor(AOR))[0]?.text, 'kept');
  });
}
