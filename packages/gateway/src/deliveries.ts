// What the SMSC sends the gateway on any connector's binds: delivery receipts and mobile-originated
// texts (deliver_sm). A receipt is recorded against the part of an HTTP message it names (and
// becomes a webhook to the message's callback, queued in the same transaction), else it becomes an
// IMDN for the SIP sender; an MO text goes where the MO routes say (a SIP user, a webhook, or both),
// else to the SIP user of the number it was sent to. Everything is stored before the deliver_sm_resp
// goes out, since the SMSC may forget it once answered.
import createDebug from 'debug';
import type { Clock } from '@switchboard/actor';
import { CommandStatus, MessageState, decodeText, parseReceipt, type DeliverHandler, type Pdu, type PduOf } from '@switchboard/smpp';
import { SIP_SENDER_KEY, receiptLookupId, type ApiKey, type ApiMessage, type ApiReceipt, type MessageIdType, type NewWebhook } from './api-store.js';
import { IMDN_CONTENT_TYPE, deliveryStatusOf, imdnDocument, type DeliveryStatus } from './imdn.js';
import type { GatewayMetrics, ReceiptState } from './metrics.js';
import type { NamedMoRoute } from './routing/router.js';
import { StoreError } from './store-error.js';
import type { Store } from './store.js';
import { moWebhookBody, receiptWebhookBody } from './webhooks/bodies.js';

const log = createDebug('switchboard:gateway:deliveries');

/** esm_class bits 2–5 of a deliver_sm: 0x04 marks an SMSC delivery receipt (SMPP v3.4 §5.2.12). */
const RECEIPT = 0x04;
/**
 * How long a receipt that found no record of its message waits to look again (ms, runtime clock):
 * the first wait; each next one doubles, up to RECEIPT_RETRY_MAX, for RECEIPT_RETRIES looks in all
 * (about 17 minutes). A receipt may overtake its submit's record: written once every part's
 * submit_sm_resp is in (a long text on a slow connector takes a while), perhaps by another node.
 */
const RECEIPT_RETRY = 2000;
const RECEIPT_RETRY_MAX = 300_000;
const RECEIPT_RETRIES = 8;
/** Receipts waiting to look again at once, at most: past it a receipt with no record is dropped (logged). */
const MAX_RECEIPTS_WAITING = 10_000;
/** How long the keys' webhook secrets are kept in memory before they are read again (ms). */
const KEYS_FRESH = 5000;

export interface DeliveriesOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** The gateway's clock (ms). */
  readonly now: () => number;
  /** The SIP domain users' AORs are in. */
  readonly domain: string;
  readonly metrics: GatewayMetrics;
  /** Whose messages a receipt on a connector is for, and how its ids are spelled there. */
  readonly receiptIdentity: (connector: string) => { readonly connector: string; readonly idType: MessageIdType };
  /** The MO route for a destination, if any. */
  readonly moRoute: (destination: string) => NamedMoRoute | undefined;
  /** Delivers what is stored for a SIP user now (it may be away: it stays stored). */
  readonly deliverPending: (aor: string) => void;
  /** A webhook was queued: send it now rather than at the next poll. */
  readonly webhookQueued: () => void;
  /** How long a webhook is retried before it is given up (ms). */
  readonly webhookGiveUp: number;
}

/** Thrown inside a receipt's transaction when the message's key is not in the cache: it rolls back, the keys are read, and it runs again. */
class UnknownKey extends Error {
  constructor(readonly keyId: string) {
    super(`key ${keyId} not in the cache`);
  }
}

/**
 * The deliver_sm handling of every connector: `forConnector(name)` is the handler of that
 * connector's binds.
 */
export class Deliveries {
  private keys = new Map<string, ApiKey>();
  /** Receipts waiting to look for their records again. */
  private waiting = 0;
  /** The last MO work queued per destination number (an entry goes when its work is done; at most the SMPP client's concurrent deliveries). */
  private readonly tails = new Map<string, Promise<void>>();
  private keysReadAt = -Infinity;

  constructor(private readonly options: DeliveriesOptions) {}

  /** The deliver_sm handler of one connector's binds: the command_status to answer. */
  forConnector(connector: string): DeliverHandler {
    return async (pdu: Pdu): Promise<number> => {
      if (pdu.command !== 'deliver_sm') return CommandStatus.ESME_ROK;
      const receipt = ((pdu.esm_class ?? 0) & RECEIPT) !== 0;
      this.options.metrics.deliverSm(connector, receipt ? 'receipt' : 'mo');
      try {
        if (receipt) await this.receipt(pdu, connector, 0);
        // MO texts to one number are stored in the order they came (deliver_sm are handled
        // concurrently: on PostgreSQL two inserts may otherwise commit the other way round)
        else await this.inOrder(pdu.destination_addr, () => this.mobileOriginated(pdu, connector));
        return CommandStatus.ESME_ROK;
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        // not stored: the SMSC keeps it and tries again later (SMPP v3.4 §5.1.3)
        log('deliver_sm #%d on %s not stored (%s): answered ESME_RX_T_APPN', pdu.sequence_number, connector, error.message);
        return CommandStatus.ESME_RX_T_APPN;
      }
    };
  }

  /** Runs `work` after the work queued for `key` before it (whatever became of that). */
  private inOrder<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  /** An MO text: to its route's SIP user and webhook, or to the SIP user of its number. */
  private async mobileOriginated(pdu: PduOf<'deliver_sm'>, connector: string): Promise<void> {
    const { store, now, domain } = this.options;
    const text = decodeText(pdu.short_message, pdu.data_coding ?? 0);
    const route = this.options.moRoute(pdu.destination_addr);
    const user = route === undefined ? pdu.destination_addr : route.sipUser === '$destination' ? pdu.destination_addr : route.sipUser;
    if (route?.webhookUrl != null && route.webhookSecret !== null) {
      const at = now();
      await store.api.queueWebhook({
        url: route.webhookUrl,
        event: 'mo',
        body: JSON.stringify(moWebhookBody({ from: pdu.source_addr, to: pdu.destination_addr, text, connector, at })),
        keyId: null,
        messageId: null,
        createdAt: at,
        giveUpAt: at + this.options.webhookGiveUp,
        secret: route.webhookSecret,
      });
      this.options.webhookQueued();
    }
    if (user === null) return;
    const aor = `sip:${user}@${domain}`;
    await store.queueInbound({ aor, from: pdu.source_addr, text, contentType: 'text/plain;charset=UTF-8', receivedAt: now() });
    this.options.deliverPending(aor);
  }

  /**
   * A receipt (TLVs first, else the Appendix B text): recorded against its HTTP message's part, or
   * made an IMDN for its SIP sender. Rejects with the store's error.
   */
  private async receipt(pdu: PduOf<'deliver_sm'>, connector: string, attempt: number): Promise<void> {
    const again = attempt > 0;
    const { store, now, metrics } = this.options;
    const parsed = parseReceipt(pdu.short_message.toString('latin1'));
    const messageId = pdu.tlvs?.receipted_message_id ?? parsed?.id;
    const state = pdu.tlvs?.message_state ?? (parsed?.state === undefined ? undefined : MessageState[parsed.state]);
    const stateName = (Object.keys(MessageState) as ReceiptState[]).find((name) => MessageState[name] === state);
    log('receipt on %s for %s: state %s', connector, messageId, stateName);
    if (messageId === undefined || messageId === '' || stateName === undefined) return;
    const networkError = pdu.tlvs?.network_error_code;
    const error = networkError !== undefined ? `${networkError.network_type}:${networkError.error_code}` : parsed?.err !== undefined && parsed.err !== '000' ? parsed.err : null;
    const at = now();

    const identity = this.options.receiptIdentity(connector);
    // a record of this version is under the canonical spelling; one of an older version under the raw id
    const lookup = receiptLookupId(messageId, identity.idType);
    // A SIP MESSAGE's record first (a final state only: it is taken with it), then an HTTP message's
    // part: a receipt for a SIP MESSAGE then costs one statement, where most of a SIP gateway's are.
    // Both are the connector's own: another SMSC's message with the same id is not this one.
    const status = deliveryStatusOf(state);
    const sent = status === undefined ? undefined : ((await store.takeSent(lookup, identity.connector)) ?? (lookup === messageId ? undefined : await store.takeSent(messageId, identity.connector)));
    if (sent !== undefined && status !== undefined) {
      if (!again) metrics.receipt(connector, stateName, (at - sent.sentAt) / 1000);
      await this.notify(sent.senderAor, sent.recipient, sent.sipMessageId, status, at);
      return;
    }
    const recorded = await this.recordApiReceipt({ connector: identity.connector, smscMessageId: lookup, state: stateName, error, at });
    if (recorded !== undefined) {
      if (!again) metrics.receipt(connector, stateName, recorded.part.submittedAt === null ? undefined : (at - recorded.part.submittedAt) / 1000);
      if (recorded.webhookId !== null) this.options.webhookQueued();
      // a long SIP MESSAGE: its sender hears once every part is final, delivered only if all were
      if (recorded.final && recorded.message.keyId === SIP_SENDER_KEY) await this.notify(recorded.message.from, recorded.message.to, recorded.message.clientRef ?? '', recorded.message.state === 'delivered' ? 'delivered' : 'failed', at);
      return;
    }
    if (!again) metrics.receipt(connector, stateName, undefined);
    // The receipt may overtake the record of its submit (written once submit_sm_resp was read,
    // perhaps by another node): look once more a little later.
    this.retryLater(pdu, connector, attempt, messageId);
  }

  /** Stores the delivery notification (RFC 5438) for a SIP sender and delivers it. */
  private async notify(senderAor: string, recipient: string, callId: string, status: DeliveryStatus, at: number): Promise<void> {
    const recipientUri = `sip:${recipient}@${this.options.domain}`;
    await this.options.store.queueInbound({ aor: senderAor, from: recipient, text: imdnDocument(callId, recipientUri, status, new Date(at)), contentType: IMDN_CONTENT_TYPE, receivedAt: at });
    this.options.deliverPending(senderAor);
  }

  /** Looks for a receipt's record again later, with growing waits, a bounded number of receipts at once. */
  private retryLater(pdu: PduOf<'deliver_sm'>, connector: string, attempt: number, messageId: string): void {
    if (attempt + 1 >= RECEIPT_RETRIES) {
      log('receipt on %s for %s dropped: no record of its message after %d looks', connector, messageId, RECEIPT_RETRIES);
      return;
    }
    if (this.waiting >= MAX_RECEIPTS_WAITING) {
      log('receipt on %s for %s dropped: %d receipts already wait for their records', connector, messageId, this.waiting);
      return;
    }
    this.waiting++;
    const wait = Math.min(RECEIPT_RETRY * 2 ** attempt, RECEIPT_RETRY_MAX);
    this.options.clock.setTimeout(() => {
      this.waiting--;
      // a store that fails now is tried again at the next look, as a missing record is
      this.receipt(pdu, connector, attempt + 1).catch((error: unknown) => {
        log('receipt on %s for %s: %O', connector, messageId, error);
        this.retryLater(pdu, connector, attempt + 1, messageId);
      });
    }, wait);
  }

  /** Records a receipt against an HTTP message's part, with its webhook; the keys are read again once if one is missing. */
  private async recordApiReceipt(receipt: ApiReceipt) {
    await this.freshKeys(false);
    try {
      return await this.options.store.api.recordReceipt(receipt, (result) => this.webhookFor(result));
    } catch (error) {
      if (!(error instanceof UnknownKey) && !(error instanceof StoreError && error.cause instanceof UnknownKey)) throw error;
      await this.freshKeys(true);
      return this.options.store.api.recordReceipt(receipt, (result) => this.webhookFor(result, true));
    }
  }

  /**
   * A message taken over HTTP became final at submit (the SMSC refused a part, or it waited past its
   * validity): its callback hears it as a receipt would tell it, for its first failed part.
   */
  async submitFailed(message: ApiMessage): Promise<void> {
    const part = message.parts.find((p) => p.state === 'failed') ?? message.parts[0];
    if (part === undefined || message.callbackUrl === null) return;
    await this.freshKeys(false);
    let key = this.keys.get(message.keyId);
    if (key === undefined) {
      await this.freshKeys(true);
      key = this.keys.get(message.keyId);
    }
    const webhook = this.webhookFor({ message, part, final: true }, true);
    if (webhook === undefined || key === undefined) return;
    await this.options.store.api.queueWebhook(webhook);
    this.options.webhookQueued();
  }

  private webhookFor(result: Parameters<typeof receiptWebhookBody>[0], reread = false): NewWebhook | undefined {
    const { message } = result;
    if (message.callbackUrl === null) return undefined;
    const key = this.keys.get(message.keyId);
    if (key === undefined) {
      // a key deleted since: its messages' receipts have no secret to be signed with
      if (reread) return undefined;
      throw new UnknownKey(message.keyId);
    }
    const at = this.options.now();
    return { url: message.callbackUrl, event: 'receipt', body: JSON.stringify(receiptWebhookBody(result)), keyId: message.keyId, messageId: message.id, createdAt: at, giveUpAt: at + this.options.webhookGiveUp, secret: key.webhookSecret };
  }

  private async freshKeys(force: boolean): Promise<void> {
    const at = this.options.clock.now();
    if (!force && at - this.keysReadAt < KEYS_FRESH) return;
    this.keys = new Map((await this.options.store.api.keys()).map((k) => [k.id, k]));
    this.keysReadAt = at;
  }
}
