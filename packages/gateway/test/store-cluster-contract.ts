// The Store contract's cluster part: bind leases with fencing tokens, heartbeats, the reaping of
// dead nodes' claims, the cluster view. store-sqlite.test.ts and store-postgres.test.ts run it with
// the same factory as the rest of the contract. Leases end on the store's own clock, so the tests
// that let one end use a lease of a few milliseconds and wait a little longer.
import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { NodeDetail, OutboundMessage, Store } from '@switchboard/gateway';
import type { StoreFactory } from './store-contract.js';

const AOR = 'sip:447700900555@switchboard.local';
const BIND = 'gateway@127.0.0.1:2775#0';
const LONG = 60_000;
const DETAIL: NodeDetail = { sip: ['udp 127.0.0.1:5060'], status: '127.0.0.1:8080', binds: [{ bind: BIND, state: 'BOUND_TRX' }] };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function outbound(n: number): Omit<OutboundMessage, 'id'> {
  return { senderAor: AOR, source: '447700900555', sourceTon: 1, sourceNpi: 1, destination: `4477009${String(n).padStart(5, '0')}`, destinationTon: 1, text: `text ${n}`, sipMessageId: `call-${n}`, createdAt: 1000 };
}

/** Registers the cluster tests, titled `<name>: cluster: …`, each on a fresh database from `factory`. */
export function storeClusterContract(name: string, factory: StoreFactory): void {
  const each = (title: string, nodes: number, body: (t: ExecutionContext, ...stores: Store[]) => Promise<void>): void => {
    test.serial(`${name}: cluster: ${title}`, async (t) => {
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

  each('a bind has one owner; renewing keeps the token, each change of owner raises it; a lost lease is not renewed nor released by its old owner', 2, async (t, a, b) => {
    t.like(await a.leaseBind(BIND, LONG), { bind: BIND, token: 1 });
    t.like(await a.leaseBind(BIND, LONG), { token: 1 }, 'a renewal keeps the token');
    t.is(await b.leaseBind(BIND, LONG), undefined, 'held by a');
    t.deepEqual(await a.heldBinds(), [{ bind: BIND, token: 1 }]);
    t.deepEqual(await b.heldBinds(), []);

    await a.releaseBind(BIND, 1);
    t.deepEqual(await a.heldBinds(), []);
    t.like(await b.leaseBind(BIND, 5), { token: 2 }, 'given back: b takes it, with a new token');
    await pause(30);
    t.deepEqual(await b.heldBinds(), [], 'b’s lease ended');
    t.like(await a.leaseBind(BIND, LONG), { token: 3 }, 'ended: a takes it again, with a new token');
    t.is(await b.leaseBind(BIND, LONG), undefined, 'b cannot renew a lease it lost');
    await b.releaseBind(BIND, 2);
    t.deepEqual(await a.heldBinds(), [{ bind: BIND, token: 3 }], 'b’s release with its old token frees nothing');
    t.deepEqual(await b.heldBinds(), []);
  });

  each('nodes racing for a free bind: exactly one gets it', 5, async (t, ...nodes) => {
    const granted = await Promise.all(nodes.map((node) => node.leaseBind(BIND, LONG)));
    t.is(granted.filter((g) => g !== undefined).length, 1);
    t.is(granted.find((g) => g !== undefined)?.token, 1);
  });

  // The lease must outlast the first insert on a loaded machine (5 ms did not, once), and end before the second.
  each('a MESSAGE is stored with the leases its node holds (its fence); a row is given back only by the node that claims it', 2, async (t, a, b) => {
    await a.leaseBind(BIND, 200);
    const first = await a.queueOutbound(outbound(1), { lease: { now: 0, until: LONG } });
    t.like(first, { kind: 'queued', held: [{ bind: BIND, token: 1 }] });
    await pause(250);
    const second = await a.queueOutbound(outbound(2), { identity: { key: 'k2', expiresAt: LONG }, lease: { now: 0, until: LONG } });
    t.like(second, { kind: 'queued', held: [] }, 'the lease ended: no fence for a submit');
    const third = await b.queueOutbound(outbound(3), { lease: { now: 0, until: LONG } });
    if (first.kind !== 'queued' || third.kind !== 'queued') return t.fail();
    await b.releaseOutbound(first.id);
    t.deepEqual((await b.claimOutbound(10, { now: 1, until: LONG })).map((m) => m.id), [], 'a’s claim holds: b did not give it back');
    await a.releaseOutbound(first.id);
    t.deepEqual((await b.claimOutbound(10, { now: 1, until: LONG })).map((m) => m.id), [first.id]);
  });

  each('heartbeats and leases make the cluster view; a node that leaves frees its leases and leaves the view', 2, async (t, a, b) => {
    await a.heartbeat({ name: 'gw-a', startedAt: 1000, ttl: LONG, detail: DETAIL });
    await b.heartbeat({ name: 'gw-b', startedAt: 2000, ttl: LONG, detail: { sip: [], status: null, binds: [] } });
    await a.leaseBind(BIND, LONG);
    const view = await a.clusterView();
    t.true(view.now > 1_600_000_000_000, 'the store’s clock, in wall-clock milliseconds');
    t.deepEqual(
      view.nodes.map((n) => [n.node, n.name, n.startedAt, n.alive, n.detail]),
      [
        [a.node, 'gw-a', 1000, true, DETAIL],
        [b.node, 'gw-b', 2000, true, { sip: [], status: null, binds: [] }],
      ],
    );
    t.true(view.nodes.every((n) => n.heartbeatAge >= 0 && n.heartbeatAge < 5000));
    t.is(view.leases.length, 1);
    t.like(view.leases[0], { bind: BIND, owner: a.node, token: 1 });
    t.true(view.leases[0]!.left > LONG - 5000);

    await a.leaveCluster();
    const after = await b.clusterView();
    t.deepEqual(after.nodes.map((n) => n.node), [b.node]);
    t.like(after.leases[0], { owner: null, token: 1 });
    t.true(after.leases[0]!.left <= 0, 'free now');
    t.like(await b.leaseBind(BIND, LONG), { token: 2 });
  });

  each('a node whose heartbeat and bind leases ended has its claims given back (with the users of its inbound messages) and is forgotten later', 2, async (t, a, b) => {
    await a.heartbeat({ name: 'gw-a', startedAt: 1000, ttl: 5, detail: DETAIL });
    await a.leaseBind(BIND, 200);
    await b.heartbeat({ name: 'gw-b', startedAt: 1000, ttl: LONG, detail: DETAIL });
    const mine = await a.queueOutbound(outbound(1), { lease: { now: 0, until: Number.MAX_SAFE_INTEGER } });
    const theirs = await b.queueOutbound(outbound(2), { lease: { now: 0, until: Number.MAX_SAFE_INTEGER } });
    await a.queueInbound({ aor: AOR, from: '447700900999', text: 'hi', contentType: 'text/plain', receivedAt: 1000 });
    t.truthy(await a.claimInbound(AOR, { now: 2000, until: Number.MAX_SAFE_INTEGER }));
    await pause(30);
    t.false((await b.clusterView()).nodes.find((n) => n.node === a.node)!.alive);
    t.deepEqual(await b.reapNodes(LONG), { nodes: [], aors: [] }, 'a still holds a bind lease: it could still submit');
    await pause(250);
    const reaped = await b.reapNodes(LONG);
    t.deepEqual(reaped, { nodes: [a.node], aors: [AOR] });
    if (mine.kind !== 'queued' || theirs.kind !== 'queued') return t.fail();
    t.deepEqual((await b.claimOutbound(10, { now: 1, until: LONG })).map((m) => m.id), [mine.id], 'a’s row is free; b’s own claim stands');
    t.truthy(await b.claimInbound(AOR, { now: 3000, until: LONG }), 'a’s inbound claim is free');
    t.deepEqual(await b.reapNodes(LONG), { nodes: [], aors: [] }, 'nothing more to give back');
    t.is((await b.clusterView()).nodes.length, 2, 'dead but shown');
    await b.reapNodes(0);
    t.deepEqual((await b.clusterView()).nodes.map((n) => n.node), [b.node], 'forgotten');
  });

  each('a node’s detail written by another version (not the expected shape) reads as empty', 1, async (t, a) => {
    await a.heartbeat({ name: 'gw-a', startedAt: 1000, ttl: LONG, detail: { sip: [7], status: 5, binds: [{ bind: 1 }, null] } as unknown as NodeDetail });
    t.deepEqual((await a.clusterView()).nodes[0]!.detail, { sip: [], status: null, binds: [] });
  });
}
