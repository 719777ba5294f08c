// MESSAGEs on their way to the SMSC. Each is stored before it is submitted, so one taken while no
// bind is up, or caught in flight when the connection drops, is kept and submitted again when a
// bind comes back, within `smpp.validity`. Delivery is at least once: a submit whose response was
// lost with the connection is sent again. A long text some of whose parts were accepted keeps the
// accepted parts' ids: the first stands for the message in receipts, all are logged.
//
// Rows are claimed with a lease before they are submitted (a new MESSAGE is stored already
// claimed), so nodes sharing the store never submit the same row at once; a row whose submit found
// no bind is given back for the next flush, here or on another node. Each submit carries its fence:
// the bind leases the store saw this node holding when the row was stored or claimed, so a node
// that lost a lease (paused past it, say) does not submit on that bind.
import createDebug from 'debug';
import { BindStateError, CommandStatus, CommandStatusError, PartialSendError, QueueFullError, ResponseTimeoutError, SessionClosedError, WindowTimeoutError, type PduOf } from '@switchboard/smpp';
import { canonicalMessageId, type PartSubmit } from './api-store.js';
import type { Connector } from './connectors.js';
import { smsParts } from './sms-parts.js';
import type { HeldBind, MessageIdentity, OutboundMessage, SentMessage, Store, TakenMessage } from './store.js';

const log = createDebug('switchboard:gateway:outbox');

/**
 * How long a claim on an outbound row holds (ms): longer than a submit can take (the SMPP response
 * timeout is 60 s), short enough that a crashed node's rows are taken over within minutes.
 */
export const OUTBOX_LEASE = 300_000;

/** Rows claimed per round of a flush. */
const FLUSH_BATCH = 100;
/** How soon a flush cut short by a given-back submit tries again while a bind is up (ms). */
const FLUSH_RETRY = 1000;

export type SubmitOutcome =
  /** The SMSC accepted it. */
  | { readonly type: 'accepted'; readonly messageId: string; readonly connector: string }
  /** No bind could take it: it stays stored for the next bind. */
  | { readonly type: 'queued' }
  /**
   * The SMSC refused it (or it was not valid): it is dropped, and `error` says why (for a text sent
   * in part, why the first refused part was refused). `acceptedIds`: the message_ids of the parts
   * the SMSC accepted all the same, in part order (empty when none was).
   */
  | { readonly type: 'refused'; readonly error: unknown; readonly acceptedIds: readonly string[] };

/** What `take` did with a MESSAGE: found it taken before, or stored it and started its submit. */
export type TakeOutcome =
  /** Its identity was taken already (a retransmission, maybe to another node): nothing stored. */
  | { readonly type: 'seen'; readonly taken: TakenMessage }
  /** Stored (claimed by this node); `submitted` settles with the SMSC's answer and never rejects. */
  | { readonly type: 'stored'; readonly submitted: Promise<SubmitOutcome> };

/**
 * Whether a failed submit should be tried again later rather than refused: no bind, a session that
 * closed, no answer in time (at least once: it may have arrived), a window that stayed full, or the
 * SMSC asking us to slow down (ESME_RTHROTTLED, ESME_RMSGQFUL). A MESSAGE already answered 202 from
 * the outbox must never be dropped for any of these.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof BindStateError || error instanceof SessionClosedError || error instanceof ResponseTimeoutError || error instanceof WindowTimeoutError || error instanceof QueueFullError) return true;
  return error instanceof CommandStatusError && TRANSIENT_STATUSES.has(error.commandStatus);
}

/**
 * Whether the next connector of the route should be tried: this one is down (no bind), congested
 * (its window stayed full) or refused with a throttling or system error. Not after a timeout: the
 * SMSC may have taken the message, and a second connector would deliver it twice.
 */
function movesOn(error: unknown): boolean {
  if (error instanceof BindStateError || error instanceof WindowTimeoutError || error instanceof QueueFullError) return true;
  return error instanceof CommandStatusError && MOVING_STATUSES.has(error.commandStatus);
}

const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([CommandStatus.ESME_RTHROTTLED, CommandStatus.ESME_RMSGQFUL]);
/** Refusals that send a message on to the route's next connector: a system error there may not be one elsewhere. */
const MOVING_STATUSES: ReadonlySet<number> = new Set([...TRANSIENT_STATUSES, CommandStatus.ESME_RSYSERR]);

/** The command_status a part's failure is recorded with: the SMSC's, or ESME_RUNKNOWNERR when it gave none. */
function statusOf(error: unknown): number {
  return error instanceof CommandStatusError ? error.commandStatus : CommandStatus.ESME_RUNKNOWNERR;
}

/** The connectors a message may go through, in failover order, and whether any bind may submit. */
export interface OutboxRoutes {
  candidates(destination: string): readonly Connector[];
  readonly boundCount: number;
}

/** What the outbox tells the gateway as messages go out. */
export interface OutboxEvents {
  /** Each submit's end (metrics): the connector, the command_status or 'no_response', how long it took (s). */
  readonly onSubmitted?: (connector: string, status: number | 'no_response', seconds: number, message: OutboundMessage) => void;
  /** A long SIP MESSAGE the SMSC accepted whole: every part's message_id, for its receipts (instead of the store's record of one message_id). */
  readonly onSipParts?: (message: OutboundMessage, parts: readonly PartSubmit[]) => Promise<void>;
  /** The SMSC's answer for parts of a message taken over HTTP (awaited before the row goes). */
  readonly onParts?: (message: OutboundMessage, parts: readonly PartSubmit[]) => Promise<void>;
  /** A message taken over HTTP waited past its validity without a bind: it is dropped. */
  readonly onExpired?: (message: OutboundMessage) => Promise<void>;
  /** Runs `retry` after `ms` (the runtime's clock): a flush cut short while a bind is up goes on. */
  readonly later?: (retry: () => void, ms: number) => void;
}

export class Outbox {
  private flushing = false;
  private again = false;
  /** A flush is due FLUSH_RETRY ms after a give-back (flushSoon). */
  private flushArmed = false;
  private readonly later: (retry: () => void, ms: number) => void;

  constructor(
    private readonly store: Store,
    private readonly routes: () => OutboxRoutes,
    private readonly now: () => number,
    /** How long a stored MESSAGE may wait for a bind (ms). */
    private readonly validity: number,
    private readonly events: OutboxEvents,
  ) {
    this.later = events.later ?? ((retry, ms) => void setTimeout(retry, ms).unref());
  }

  /**
   * Stores a MESSAGE (with its identity, to answer retransmissions) and starts its submit. Resolves
   * once it is stored, or found taken before; rejects with the store's error when it could not be
   * stored (nothing was submitted: the caller answers 503).
   */
  async take(message: Omit<OutboundMessage, 'id'>, identity?: MessageIdentity): Promise<TakeOutcome> {
    const now = this.now();
    const queued = await this.store.queueOutbound(message, { ...(identity === undefined ? {} : { identity }), lease: { now, until: now + OUTBOX_LEASE } });
    if (queued.kind === 'seen') return { type: 'seen', taken: queued.taken };
    return { type: 'stored', submitted: this.submit({ ...message, id: queued.id }, queued.held, true) };
  }

  /**
   * Hands a row stored elsewhere (the HTTP API's `createMessage`, claimed by this node) to its
   * submit; settles with the SMSC's answer and never rejects.
   */
  submitStored(message: OutboundMessage, fence: readonly HeldBind[]): Promise<SubmitOutcome> {
    return this.submit(message, fence, true);
  }

  /**
   * Submits a claimed row through the connectors of its route, moving to the next one while a
   * connector is down, congested or refuses with a throttling or system error; never rejects (what
   * the store fails to record is logged). `fresh`: just taken, not part of a flush (whose own loop
   * picks up what is given back).
   */
  private async submit(message: OutboundMessage, fence: readonly HeldBind[], fresh: boolean): Promise<SubmitOutcome> {
    const candidates = this.routes().candidates(message.destination);
    // made when needed: an Error (its stack) per message costs more than the rest of a submit's bookkeeping
    let last: unknown;
    let lastConnector = '';
    // a connector that was down or slowed us may take it later: then it waits, whatever the others said
    let later = candidates.length === 0;
    for (const connector of candidates) {
      const outcome = await this.submitVia(connector, message, fence);
      if (outcome.type === 'hold') return this.keep(message, outcome.error, fresh);
      if (outcome.type === 'next') {
        last = outcome.error;
        lastConnector = connector.name;
        if (isTransient(outcome.error)) later = true;
        log('message %d to %s: connector %s could not take it (%s), trying the next', message.id, message.destination, connector.name, (outcome.error as Error).message);
        continue;
      }
      return outcome;
    }
    last ??= new BindStateError('submit_sm', 'CLOSED');
    if (later) return this.keep(message, last, fresh);
    // every connector refused it with a system error: refused, as with one connector
    await this.recordParts(message, [{ part: 0, connector: lastConnector, status: statusOf(last), smscMessageId: null }], false);
    await this.settled(message, '', lastConnector);
    return { type: 'refused', error: last, acceptedIds: [] };
  }

  /** Every connector of the route failed for a passing reason: the row waits for the next flush. */
  private async keep(message: OutboundMessage, cause: unknown, fresh: boolean): Promise<SubmitOutcome> {
    // at least once: the whole text goes again, so parts already accepted are sent twice
    log('message %d to %s kept for the next bind: %s', message.id, message.destination, (cause as Error).message);
    await this.giveBack(message.id, fresh);
    return { type: 'queued' };
  }

  /** One connector's try: accepted, refused for good, kept for later, or on to the next connector. */
  private async submitVia(connector: Connector, message: OutboundMessage, fence: readonly HeldBind[]): Promise<SubmitOutcome | { readonly type: 'next'; readonly error: unknown } | { readonly type: 'hold'; readonly error: unknown }> {
    const started = performance.now();
    let responses: PduOf<'submit_sm_resp'>[];
    try {
      responses = await connector.pool.sendText(
        {
          source: message.source,
          destination: message.destination,
          text: message.text,
          registered_delivery: 1,
          fields: { source_addr_ton: message.sourceTon, source_addr_npi: message.sourceNpi, dest_addr_ton: message.destinationTon, dest_addr_npi: 1 },
        },
        fence,
      );
    } catch (error) {
      const partial = error instanceof PartialSendError ? error : null;
      const cause = partial?.firstError ?? error;
      // No bind could take it: no submit_sm went out, so there is no result to count.
      if (!(cause instanceof BindStateError)) this.events.onSubmitted?.(connector.name, cause instanceof CommandStatusError ? cause.commandStatus : 'no_response', (performance.now() - started) / 1000, message);
      if (partial !== null) {
        log('message %d to %s sent in part on %s: parts %o accepted as %o; %s', message.id, message.destination, connector.name, partial.parts.filter((p) => p.ok).map((p) => p.index + 1), partial.messageIds, partial.message);
        await this.recordParts(message, partial.parts.map((p) => (p.ok ? { part: p.index + 1, connector: connector.name, status: 0, smscMessageId: p.response.message_id } : { part: p.index + 1, connector: connector.name, status: statusOf(p.error), smscMessageId: null })), isTransient(cause));
      }
      // a part already went out on this connector: another connector would send it twice
      if (partial === null && movesOn(cause)) return { type: 'next', error: cause };
      if (isTransient(cause)) return { type: 'hold', error: cause };
      const acceptedIds = partial?.messageIds ?? [];
      if (partial === null) await this.recordParts(message, [{ part: 0, connector: connector.name, status: statusOf(cause), smscMessageId: null }], false);
      // the recipient has the accepted parts: the first one's receipt still reaches the sender
      await this.settled(message, acceptedIds[0] ?? '', connector.name);
      return { type: 'refused', error: cause, acceptedIds };
    }
    const messageId = responses[0]?.message_id ?? '';
    this.events.onSubmitted?.(connector.name, 0, (performance.now() - started) / 1000, message);
    await this.recordParts(message, responses.map((r, index) => ({ part: index + 1, connector: connector.name, status: 0, smscMessageId: r.message_id })), false);
    const parts = responses.map((r, index): PartSubmit => ({ part: index + 1, connector: connector.name, status: 0, smscMessageId: r.message_id }));
    await this.settled(message, messageId, connector.name, parts);
    return { type: 'accepted', messageId, connector: connector.name };
  }

  /**
   * Records parts' answers of a message taken over HTTP; part 0 stands for every part (a refusal
   * before any part went out). With `onlyAccepted` (a partial send kept for another try), the
   * refused parts are left as they are: they go again.
   */
  private async recordParts(message: OutboundMessage, parts: readonly PartSubmit[], onlyAccepted: boolean): Promise<void> {
    if (message.apiMessageId === undefined || message.apiMessageId === null || this.events.onParts === undefined) return;
    const all = parts.length === 1 && parts[0]!.part === 0 ? Array.from({ length: smsParts(message.text) }, (_, i) => ({ ...parts[0]!, part: i + 1 })) : parts;
    const recorded = onlyAccepted ? all.filter((p) => p.status === 0) : all;
    if (recorded.length === 0) return;
    try {
      await this.events.onParts(message, recorded);
    } catch (error) {
      log('message %d (%s): its parts\' results not recorded: %O', message.id, message.apiMessageId, error);
    }
  }

  /**
   * The SMSC has answered for good: the row goes and, for a SIP sender, the message_id that receipts
   * will name is kept with its connector (in the same step of the store) to notify it. A store failure here is logged,
   * not thrown: the SMSC's answer stands (a row left behind is submitted again once its lease ends:
   * at least once).
   */
  private async settled(message: OutboundMessage, messageId: string, connector: string, parts: readonly PartSubmit[] = []): Promise<void> {
    try {
      const notified = message.senderAor !== null && messageId !== '';
      // a long SIP MESSAGE: a receipt for every part, the notification once every part is final
      if (notified && parts.length > 1 && this.events.onSipParts !== undefined) {
        await this.store.deleteOutbound(message.id);
        return await this.events.onSipParts(message, parts);
      }
      // kept under the id's canonical spelling, as receipts are looked up (receiptLookupId)
      const sent: SentMessage | undefined = notified ? { messageId: canonicalMessageId(messageId), senderAor: message.senderAor!, recipient: message.destination, sipMessageId: message.sipMessageId, sentAt: this.now(), connector } : undefined;
      await this.store.deleteOutbound(message.id, sent);
    } catch (error) {
      log('message %d to %s: the store did not record its outcome: %O', message.id, message.destination, error);
    }
  }

  /**
   * Releases a row no bind could take. A fresh one would otherwise wait for the next sweep while a
   * bind is up (one that came up after the flush it started, or one whose window is full): a flush
   * follows shortly. Never at once: under overload every fresh message is given back, and a flush
   * per message claimed, failed and released the whole backlog again each time (a livelock that
   * took the node's CPU while the SMSC was behind).
   */
  private async giveBack(id: number, fresh: boolean): Promise<void> {
    try {
      await this.store.releaseOutbound(id);
    } catch (error) {
      log('message %d not given back (it returns when its lease ends): %O', id, error);
      return;
    }
    if (fresh && this.routes().boundCount > 0) this.flushSoon();
  }

  /** One flush FLUSH_RETRY ms from now, however many ask meanwhile. */
  private flushSoon(): void {
    if (this.flushArmed) return;
    this.flushArmed = true;
    this.later(() => {
      this.flushArmed = false;
      void this.flush().catch((error: unknown) => log('outbox flush failed: %O', error));
    }, FLUSH_RETRY);
  }

  /**
   * Submits what waits, oldest first (a bind came up, or the periodic sweep); one run at a time.
   * Rejects with the store's error when it cannot claim rows.
   */
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
          const now = this.now();
          const batch = await this.store.claimOutbound(FLUSH_BATCH, { now, until: now + OUTBOX_LEASE });
          if (batch.length === 0) break;
          // the leases this node holds now, as the store sees them: the batch's fence
          const fence = await this.store.heldBinds();
          const submits: Promise<SubmitOutcome>[] = [];
          for (const message of batch) {
            if (now - message.createdAt > this.validity) {
              log('message %d to %s dropped: older than its validity', message.id, message.destination);
              submits.push(this.expire(message));
              continue;
            }
            submits.push(this.submit(message, fence, false));
          }
          const outcomes = await Promise.allSettled(submits);
          for (const outcome of outcomes) if (outcome.status === 'rejected') log('outbox flush: %O', outcome.reason);
          if (outcomes.some((o) => o.status === 'fulfilled' && o.value.type === 'queued')) {
            // A submit was given back. If the bind went away, the next bind-up flushes again; if a
            // bind is still up (a lease renewal running late, a response timeout under load), the
            // rest must not wait for the next sweep: try again shortly.
            if (this.routes().boundCount > 0) this.flushSoon();
            break;
          }
        }
      } while (this.again);
    } finally {
      this.flushing = false;
    }
  }

  /** Drops a row past its validity; a message taken over HTTP becomes `failed`. */
  private async expire(message: OutboundMessage): Promise<SubmitOutcome> {
    await this.store.deleteOutbound(message.id);
    if (message.apiMessageId !== undefined && message.apiMessageId !== null) await this.events.onExpired?.(message).catch((error: unknown) => log('message %s: its expiry not recorded: %O', message.apiMessageId, error));
    return { type: 'refused', error: null, acceptedIds: [] };
  }
}
