// Delivery of the stored messages of one AOR (mobile-originated texts and the IMDNs made from
// receipts) to the user's current contact. One run per AOR at a time on this node: a request
// while one runs makes it run once more. Across nodes, the store lets one node claim a user's
// message at a time, so a stored message is never sent twice at once.
import createDebug from 'debug';
import type { Store } from './store.js';

const log = createDebug('switchboard:gateway');

export interface InboxDeliveryOptions {
  readonly store: Store;
  readonly now: () => number;
  /** How long a claim holds a message (ms): longer than a MESSAGE can take (Timer F). */
  readonly lease: number;
  /** The SIP domain the senders' URIs are written in. */
  readonly domain: string;
  /** Sends a MESSAGE to `contact`; its final status, or undefined when the SIP core is not up. */
  readonly send: (contact: string, from: string, aor: string, text: string, contentType: string) => Promise<number> | undefined;
  /** A message was delivered and deleted; `contentType` tells an IMDN from a text. */
  readonly delivered: (contentType: string) => void;
}

export class InboxDelivery {
  /** AORs with a run going, and whether another was asked for meanwhile. */
  private readonly running = new Map<string, boolean>();

  constructor(private readonly options: InboxDeliveryOptions) {}

  /** Delivers what is stored for `aor` (now, or once more after the run going on). Rejects with a store error. */
  async deliver(aor: string): Promise<void> {
    const running = this.running;
    if (running.has(aor)) {
      running.set(aor, true);
      return;
    }
    running.set(aor, false);
    try {
      do {
        running.set(aor, false);
        await this.deliverStored(aor);
      } while (running.get(aor) === true);
    } finally {
      running.delete(aor);
    }
  }

  /** `deliver`, its failure logged: for callers that do not wait. */
  kick(aor: string): void {
    void this.deliver(aor).catch((error: unknown) => log('delivery to %s failed: %O', aor, error));
  }

  private async deliverStored(aor: string): Promise<void> {
    const { store, now } = this.options;
    // Nobody registered: nothing to read (the stored list of an absent user only grows).
    if ((await store.bindings(aor, now())).length === 0) return;
    for (;;) {
      const at = now();
      const message = await store.claimInbound(aor, { now: at, until: at + this.options.lease });
      if (message === undefined) return;
      let delivered = false;
      try {
        const contact = (await store.bindings(aor, now()))[0];
        if (contact === undefined) return;
        const sent = this.options.send(contact.contact, `sip:${message.from}@${this.options.domain}`, aor, message.text, message.contentType);
        if (sent === undefined) return;
        const status = await sent;
        if (status < 200 || status >= 300) return; // kept: tried again at the next REGISTER
        await store.deleteInbound(message.id);
        delivered = true;
        this.options.delivered(message.contentType);
      } finally {
        if (!delivered) await store.releaseInbound(message.id).catch((error: unknown) => log('message %d for %s not given back (it returns when its lease ends): %O', message.id, aor, error));
      }
    }
  }
}
