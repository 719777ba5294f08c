// What the SMSC sends the gateway on any connector's binds: delivery receipts and mobile-originated
// texts (deliver_sm). A receipt is recorded against the part of an HTTP message it names (and
// becomes a webhook to the message's callback, queued in the same transaction), else it becomes an
// IMDN for the SIP sender; an MO text goes where the MO routes say (a SIP user, a webhook, or both),
// else to the SIP user of the number it was sent to. Everything is stored before the deliver_sm_resp
// goes out, since the SMSC may forget it once answered.
import createDebug from 'debug';
import type { Clock } from '@switchboard/actor';
import { CommandStatus, MessageState, decodeText, parseReceipt, type DeliverHandler, type Pdu, type PduOf } from '@switchboard/smpp';
import type { ApiKey, ApiMessage, ApiReceipt, NewWebhook } from './api-store.js';
import { IMDN_CONTENT_TYPE, deliveryStatusOf, imdnDocument } from './imdn.js';
import type { GatewayMetrics, ReceiptState } from './metrics.js';
import type { NamedMoRoute } from './routing/router.js';
import { StoreError } from './store-error.js';
import type { Store } from './store.js';
import { moWebhookBody, receiptWebhookBody } from './webhooks/bodies.js';

const log = createDebug('switchboard:gateway:deliveries');

/** esm_class bits 2–5 of a deliver_sm: 0x04 marks an SMSC delivery receipt (SMPP v3.4 §5.2.12). */
const RECEIPT = 0x04;
/** How long a receipt that found no record of its message waits to look again (ms, runtime clock). */
const RECEIPT_RETRY = 2000;
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
  private keysReadAt = -Infinity;

  constructor(private readonly options: DeliveriesOptions) {}

  /** The deliver_sm handler of one connector's binds: the command_status to answer. */
  forConnector(connector: string): DeliverHandler {
    return async (pdu: Pdu): Promise<number> => {
      if (pdu.command !== 'deliver_sm') return CommandStatus.ESME_ROK;
      const receipt = ((pdu.esm_class ?? 0) & RECEIPT) !== 0;
      this.options.metrics.deliverSm(connector, receipt ? 'receipt' : 'mo');
      try {
        if (receipt) await this.receipt(pdu, connector, false);
        else await this.mobileOriginated(pdu, connector);
        return CommandStatus.ESME_ROK;
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        // not stored: the SMSC keeps it and tries again later (SMPP v3.4 §5.1.3)
        log('deliver_sm #%d on %s not stored (%s): answered ESME_RX_T_APPN', pdu.sequence_number, connector, error.message);
        return CommandStatus.ESME_RX_T_APPN;
      }
    };
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
  private async receipt(pdu: PduOf<'deliver_sm'>, connector: string, again: boolean): Promise<void> {
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

    const recorded = await this.recordApiReceipt({ connector, smscMessageId: messageId, state: stateName, error, at });
    if (recorded !== undefined) {
      if (!again) metrics.receipt(connector, stateName, recorded.part.submittedAt === null ? undefined : (at - recorded.part.submittedAt) / 1000);
      if (recorded.webhookId !== null) this.options.webhookQueued();
      return;
    }
    const status = deliveryStatusOf(state);
    const sent = status === undefined ? undefined : await store.takeSent(messageId);
    if (!again) metrics.receipt(connector, stateName, sent === undefined ? undefined : (at - sent.sentAt) / 1000);
    if (sent === undefined || status === undefined) {
      // The receipt may overtake the record of its submit (written once submit_sm_resp was read,
      // perhaps by another node): look once more a little later.
      if (!again) this.options.clock.setTimeout(() => void this.receipt(pdu, connector, true).catch((e: unknown) => log('receipt for %s: %O', messageId, e)), RECEIPT_RETRY);
      return;
    }
    const recipientUri = `sip:${sent.recipient}@${this.options.domain}`;
    await store.queueInbound({ aor: sent.senderAor, from: sent.recipient, text: imdnDocument(sent.sipMessageId, recipientUri, status, new Date(at)), contentType: IMDN_CONTENT_TYPE, receivedAt: at });
    this.options.deliverPending(sent.senderAor);
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
