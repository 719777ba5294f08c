// The store's periodic sweep, a child of the gateway's tree. Expired bindings are already ignored
// when read; the sweep removes them, the MESSAGE identities past their retransmission time, the
// receipt records whose receipt never came and old final API messages. It also flushes the
// outbox, so rows whose lease ended (a node that crashed mid-submit) go out, and, with no bind up,
// what waited past smpp.validity is dropped (the oldest first): an HTTP message there ends
// failed, with its webhook, rather than waiting for a bind.
import createDebug from 'debug';
import type { ChildSpec, Runtime } from '@switchboard/actor';
import type { Outbox } from './outbox.js';
import { periodicChild } from './periodic-child.js';
import type { Store } from './store.js';

const log = createDebug('switchboard:gateway');

/** How often the sweep runs (ms, runtime clock). */
export const SWEEP_INTERVAL = 60_000;

export interface StoreSweepOptions {
  readonly runtime: Runtime;
  readonly store: Store;
  readonly outbox: Outbox;
  readonly now: () => number;
  /** How long final API messages, and receipt records with no receipt, are kept (days). */
  readonly retentionDays: number;
}

/** The sweep as the `registration-sweep` child. */
export function storeSweepChild(options: StoreSweepOptions): ChildSpec {
  const { store, now, outbox } = options;
  const retention = options.retentionDays * 86_400_000;
  return periodicChild(options.runtime, 'registration-sweep', SWEEP_INTERVAL, async () => {
    const removed = await store.purgeExpired(now());
    if (removed > 0) log('%d expired registrations removed', removed);
    const forgotten = await store.purgeTaken(now());
    if (forgotten > 0) log('%d MESSAGE identities past their retransmission time removed', forgotten);
    try {
      const unanswered = await store.purgeSent(now() - retention);
      if (unanswered > 0) log('%d receipt records past http.retentionDays with no receipt removed', unanswered);
      const purged = await store.api.purgeApi(now() - retention);
      if (purged.messages + purged.webhooks > 0) log('%d final messages and %d finished webhooks past http.retentionDays removed', purged.messages, purged.webhooks);
    } catch (error) {
      // the flush below must not wait on it
      log('purging old API messages failed: %O', error);
    }
    await outbox.flush();
  });
}
