// MESSAGEs on their way to the SMSC. Each is stored before it is submitted, so one taken while no
// bind is up, or caught in flight when the connection drops, is kept and submitted again when a
// bind comes back, within `smpp.validity`. Delivery is at least once: a submit whose response was
// lost with the connection is sent again.
import createDebug from 'debug';
import { BindStateError, SessionClosedError } from '@switchboard/smpp';
import type { SmppPool } from './smpp-pool.js';
import type { OutboundMessage, SentMessage, Store } from './store.js';

const log = createDebug('switchboard:gateway:outbox');

export type SubmitOutcome =
  /** The SMSC accepted it. */
  | { readonly type: 'accepted'; readonly messageId: string }
  /** No bind could take it: it stays stored for the next bind. */
  | { readonly type: 'queued' }
  /** The SMSC refused it (or it was not valid): it is dropped, and the error says why. */
  | { readonly type: 'refused'; readonly error: unknown };

/** Failures that a later bind may not have: the connection, not the message. */
function isTransient(error: unknown): boolean {
  return error instanceof BindStateError || error instanceof SessionClosedError;
}

export class Outbox {
  private flushing = false;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly pool: () => SmppPool,
    private readonly now: () => number,
    /** How long a stored MESSAGE may wait for a bind (ms). */
    private readonly validity: number,
    private readonly onAccepted: (message: SentMessage) => void,
  ) {}

  /** Stores a MESSAGE (with its identity, to answer retransmissions) and submits it. */
  take(message: Omit<OutboundMessage, 'id'>, taken?: { readonly key: string; readonly expiresAt: number }): Promise<SubmitOutcome> {
    const id = this.store.queueOutbound(message, taken);
    return this.submit({ ...message, id });
  }

  private async submit(message: OutboundMessage): Promise<SubmitOutcome> {
    try {
      const responses = await this.pool().sendText({
        source: message.source,
        destination: message.destination,
        text: message.text,
        registered_delivery: 1,
        fields: { source_addr_ton: message.sourceTon, source_addr_npi: message.sourceNpi, dest_addr_ton: message.destinationTon, dest_addr_npi: 1 },
      });
      this.store.deleteOutbound(message.id);
      const messageId = responses[0]?.message_id ?? '';
      if (message.senderAor !== null && messageId !== '') {
        this.onAccepted({ messageId, senderAor: message.senderAor, recipient: message.destination, sipMessageId: message.sipMessageId, sentAt: this.now() });
      }
      return { type: 'accepted', messageId };
    } catch (error) {
      if (isTransient(error)) {
        log('message %d to %s kept for the next bind: %s', message.id, message.destination, (error as Error).message);
        return { type: 'queued' };
      }
      this.store.deleteOutbound(message.id);
      return { type: 'refused', error };
    }
  }

  /** Submits what waits, oldest first (a bind came up); one run at a time. */
  async flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const batch = this.store.outbound(100);
          if (batch.length === 0) break;
          let stalled = false;
          const submits: Promise<SubmitOutcome>[] = [];
          for (const message of batch) {
            if (this.now() - message.createdAt > this.validity) {
              log('message %d to %s dropped: older than its validity', message.id, message.destination);
              this.store.deleteOutbound(message.id);
              continue;
            }
            submits.push(this.submit(message));
          }
          for (const outcome of await Promise.all(submits)) if (outcome.type === 'queued') stalled = true;
          if (stalled) break; // the bind went away again: wait for the next one
        }
      } while (this.again);
    } finally {
      this.flushing = false;
    }
  }
}
