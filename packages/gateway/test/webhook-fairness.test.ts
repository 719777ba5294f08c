// One receiver that never answers must not hold up the others': 200 webhooks due for a blackholed
// host, then 5 for a healthy one. A claim passes over hosts at their limit (the store filters by
// host), and rows already claimed for such a host beyond `perHost` are given back unsent, so the
// healthy host's webhooks go out at once.
import test from 'ava';
import { VirtualClock } from '@switchboard/actor';
import type { ApiStore, Lease, Webhook } from '@switchboard/gateway';
import { Dispatcher } from '../src/webhooks/dispatcher.js';

interface Row extends Webhook {
  claimedUntil: number;
  state: Webhook['state'];
  attempts: number;
  nextAt: number;
}

test('a dead receiver with 200 due webhooks does not hold up a healthy one', async (t) => {
  const rows: Row[] = [];
  const add = (url: string, at: number): void => {
    rows.push({ id: rows.length + 1, url, event: 'receipt', body: '{}', secret: 's', keyId: null, messageId: null, createdAt: at, giveUpAt: 1e12, state: 'pending', attempts: 0, nextAt: at, lastError: null, deliveredAt: null, claimedUntil: 0 });
  };
  for (let i = 0; i < 200; i++) add('http://dead.example/hook', i);
  for (let i = 0; i < 5; i++) add('http://alive.example/hook', 1000 + i);
  let now = 10_000;
  const row = (id: number): Row => rows.find((r) => r.id === id)!;
  let deferred = 0;
  const api = {
    async claimWebhooks(limit: number, lease: Lease, skipHosts: readonly string[] = []) {
      const due = rows
        .filter((r) => r.state === 'pending' && r.nextAt <= lease.now && r.claimedUntil <= lease.now && !skipHosts.includes(new URL(r.url).host))
        .sort((a, b) => a.nextAt - b.nextAt || a.id - b.id)
        .slice(0, limit);
      for (const r of due) r.claimedUntil = lease.until;
      return due.map((r) => ({ ...r }));
    },
    async webhookDelivered(id: number) {
      Object.assign(row(id), { state: 'delivered', claimedUntil: 0 });
    },
    async webhookFailed(id: number, _error: string, nextAt: number) {
      const r = row(id);
      Object.assign(r, { attempts: r.attempts + 1, nextAt, claimedUntil: 0 });
    },
    async webhookGaveUp(id: number) {
      Object.assign(row(id), { state: 'gave_up', claimedUntil: 0 });
    },
    async deferWebhook(id: number, nextAt: number) {
      deferred++;
      Object.assign(row(id), { nextAt, claimedUntil: 0 });
    },
  } as unknown as ApiStore;
  const clock = new VirtualClock();
  // the dead host takes the connection and never answers; the live one answers 204
  const fetchFake = ((url: string, init: RequestInit) =>
    url.includes('dead.example') ? new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(new Error('aborted')))) : Promise.resolve(new Response(null, { status: 204 }))) as typeof fetch;
  const dispatcher = new Dispatcher({ api, now: () => now, clock, metrics: undefined, batch: 100, concurrency: 16, perHost: 8, timeout: 10_000, lease: 50_000, backoff: { jitter: 'none' }, maxResponseBytes: 1000, fetch: fetchFake });
  const alive = (): number => rows.filter((r) => r.url.includes('alive') && r.state === 'delivered').length;
  try {
    for (let second = 0; second < 5 && alive() < 5; second++) {
      dispatcher.request();
      // the dead host's requests hang until their (virtual) timeout: let the real I/O settle a moment
      await new Promise((r) => setTimeout(r, 20));
      clock.advance(1000);
      now += 1000;
    }
    t.is(alive(), 5, `the healthy host's webhooks delivered within 5 s (${deferred} rows of the dead host given back unsent)`);
    t.true(rows.filter((r) => r.url.includes('dead')).every((r) => r.attempts === 0 || r.attempts === 1), 'the dead host was tried at most once per row meanwhile');
  } finally {
    await dispatcher.stop();
  }
});
