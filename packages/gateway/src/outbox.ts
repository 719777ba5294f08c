// MESSAGEs on their way to the SMSC. Each is stored before it is submitted, so one taken while no
// bind is up, or caught in flight when the connection drops, is kept and submitted again when a
// bind comes back, within `smpp.validity`. Delivery is at least once: a submit whose response was
// lost with the connection is sent again. A long text some of whose parts were accepted keeps the
// accepted parts' ids: the first stands for the message in receipts, all are logged.
import createDebug from 'debug';
import { BindStateError, PartialSendError, SessionClosedError } from '@switchboard/smpp';
import type { SmppPool } from './smpp-pool.js';
import type { OutboundMessage, SentMessage, Store } from './store.js';

const log = createDebug('switchboard:gateway:outbox');

export type SubmitOutcome =
  /** The SMSC accepted it. */
  | { readonly type: 'accepted'; readonly messageId: string }
  /** No bind could take it: it stays stored for the next bind. */
  | { readonly type: 'queued' }
  /**
   * The SMSC refused it (or it was not valid): it is dropped, and `error` says why (for a text sent
   * in part, why the first refused part was refused). `acceptedIds`: the message_ids of the parts
   * the SMSC accepted all the same, in part order (empty when none was).
   */
  | { readonly type: 'refused'; readonly error: unknown; readonly acceptedIds: readonly string[] };

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
      this.remember(message, messageId);
      return { type: 'accepted', messageId };
    } catch (error) {
      const partial = error instanceof PartialSendError ? error : null;
      const cause = partial?.firstError ?? error;
      if (partial !== null) log('message %d to %s sent in part: parts %o accepted as %o; %s', message.id, message.destination, partial.parts.filter((p) => p.ok).map((p) => p.index + 1), partial.messageIds, partial.message);
      if (isTransient(cause)) {
        // at least once: the whole text goes again, so the parts already accepted are sent twice
        log('message %d to %s kept for the next bind: %s', message.id, message.destination, (cause as Error).message);
        return { type: 'queued' };
      }
      this.store.deleteOutbound(message.id);
      const acceptedIds = partial?.messageIds ?? [];
      // the recipient has the accepted parts: the first one's receipt still reaches the sender
      this.remember(message, acceptedIds[0] ?? '');
      return { type: 'refused', error: cause, acceptedIds };
    }
  }

  /** Keeps the message_id that receipts will name, to notify the sender. */
  private remember(message: OutboundMessage, messageId: string): void {
    if (message.senderAor === null || messageId === '') return;
    this.onAccepted({ messageId, senderAor: message.senderAor, recipient: message.destination, sipMessageId: message.sipMessageId, sentAt: this.now() });
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
