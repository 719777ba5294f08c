// The gateway as a whole: the store, the SMSC (a configured one, or the embedded simulator), the
// pool of binds, and the SIP stack with the gateway core. deliver_sm becomes a MESSAGE to the
// user's contact, stored first so that nothing is lost if the user is away or the gateway stops.
import createDebug from 'debug';
import type { ClockHandle, Runtime } from '@switchboard/actor';
import { startStack, type SipStack } from '@switchboard/sip';
import { CommandStatus, McSimulator, MessageState, decodeText, parseReceipt, type Pdu, type PduOf } from '@switchboard/smpp';
import { IMDN_CONTENT_TYPE, deliveryStatusOf, imdnDocument } from './imdn.js';
import type { GatewayConfig } from './config.js';
import { GatewayCore } from './sip-core.js';
import { Outbox } from './outbox.js';
import { SmppPool } from './smpp-pool.js';
import { SqliteStore } from './sqlite-store.js';
import { startStatusPage } from './status-page.js';
import type { Store } from './store.js';

const log = createDebug('switchboard:gateway');

/** How often expired registrations are swept from the store (ms, runtime clock). */
const PURGE_INTERVAL = 60_000;

/** esm_class bits 2–5 of a deliver_sm: 0x04 marks an SMSC delivery receipt (SMPP v3.4 §5.2.12). */
const RECEIPT = 0x04;

export interface Gateway {
  readonly config: GatewayConfig;
  readonly stack: SipStack;
  readonly store: Store;
  readonly pool: SmppPool;
  /** The embedded SMSC, when no SMSC is configured. */
  readonly simulator: McSimulator | null;
  /** The SMPP port actually used (the simulator's may be picked at start). */
  readonly smppPort: number;
  /** The status page's port. */
  readonly statusPort: number;
  stop(): Promise<void>;
}

export async function startGateway(runtime: Runtime, config: GatewayConfig): Promise<Gateway> {
  // Stored times must mean the same after a restart: wall-clock milliseconds, advanced by the
  // runtime's clock (so a VirtualClock drives expiry in tests).
  const epoch = Date.now() - runtime.clock.now();
  const now = (): number => epoch + runtime.clock.now();
  const store = new SqliteStore(config.store.path, { synchronous: config.store.synchronous === 'full' ? 'full' : 'normal' });
  const simulator = config.smpp.host === null ? await McSimulator.start(runtime, { port: config.smpp.port, credentials: { [config.smpp.systemId]: config.smpp.password } }) : null;
  const smppPort = simulator?.port ?? config.smpp.port;
  let core: GatewayCore | undefined;
  let pool: SmppPool | undefined;

  // One delivery run per AOR at a time (a second request while one runs makes it run again), so a
  // stored message is never sent twice at once.
  const running = new Map<string, boolean>();
  const deliverPending = async (aor: string): Promise<void> => {
    if (running.has(aor)) {
      running.set(aor, true);
      return;
    }
    running.set(aor, false);
    try {
      do {
        running.set(aor, false);
        await deliverStored(aor);
      } while (running.get(aor) === true);
    } finally {
      running.delete(aor);
    }
  };
  const deliverStored = async (aor: string): Promise<void> => {
    // Nobody registered: nothing to read (the stored list of an absent user only grows).
    if (store.bindings(aor, now()).length === 0) return;
    for (const message of store.pendingFor(aor)) {
      const contact = store.bindings(aor, now())[0];
      if (contact === undefined || core === undefined) return;
      const status = await core.sendMessage(contact.contact, `sip:${message.from}@${config.sip.domain}`, aor, message.text, message.contentType);
      if (status >= 200 && status < 300) {
        store.deleteInbound(message.id);
        pool!.counters.delivered++;
      } else return; // kept: tried again at the next REGISTER
    }
  };

  // A receipt (TLVs first, else the Appendix B text) becomes an IMDN for the sender, stored and
  // delivered like a mobile-originated message.
  const notifySender = (pdu: PduOf<'deliver_sm'>): void => {
    const text = pdu.short_message.toString('latin1');
    const parsed = parseReceipt(text);
    const messageId = pdu.tlvs?.receipted_message_id ?? parsed?.id;
    const state = pdu.tlvs?.message_state ?? (parsed?.state === undefined ? undefined : MessageState[parsed.state]);
    const status = deliveryStatusOf(state);
    log('receipt for %s: state %s', messageId, state);
    if (messageId === undefined || status === undefined) return;
    const sent = store.takeSent(messageId);
    if (sent === undefined) return;
    const recipientUri = `sip:${sent.recipient}@${config.sip.domain}`;
    store.queueInbound({ aor: sent.senderAor, from: sent.recipient, text: imdnDocument(sent.sipMessageId, recipientUri, status, new Date(now())), contentType: IMDN_CONTENT_TYPE, receivedAt: now() });
    void deliverPending(sent.senderAor).catch((error: unknown) => log('notification to %s failed: %O', sent.senderAor, error));
  };

  const onDeliver = (pdu: Pdu): number => {
    if (pdu.command !== 'deliver_sm') return CommandStatus.ESME_ROK;
    if (((pdu.esm_class ?? 0) & RECEIPT) !== 0) {
      notifySender(pdu);
      return CommandStatus.ESME_ROK;
    }
    const aor = `sip:${pdu.destination_addr}@${config.sip.domain}`;
    const text = decodeText(pdu.short_message, pdu.data_coding ?? 0);
    // Stored before the deliver_sm_resp goes out: the SMSC may forget it once we answer.
    store.queueInbound({ aor, from: pdu.source_addr, text, contentType: 'text/plain;charset=UTF-8', receivedAt: now() });
    void deliverPending(aor).catch((error: unknown) => log('delivery to %s failed: %O', aor, error));
    return CommandStatus.ESME_ROK;
  };

  const outbox = new Outbox(store, () => pool!, now, config.smpp.validity * 1000, (message) => store.recordSent(message));
  pool = await SmppPool.start(runtime, {
    onBound: () => void outbox.flush().catch((error: unknown) => log('outbox flush failed: %O', error)),
    host: config.smpp.host ?? '127.0.0.1',
    port: smppPort,
    systemId: config.smpp.systemId,
    password: config.smpp.password,
    binds: config.smpp.binds,
    window: config.smpp.window,
    onDeliver,
  });
  const stack = await startStack(runtime, {
    listen: [
      { transport: 'udp', host: config.sip.host, port: config.sip.port },
      { transport: 'tcp', host: config.sip.host, port: config.sip.port },
    ],
    core: (s) =>
      (core = new GatewayCore(s, {
        store,
        outbox,
        limits: config.sip,
        defaultSource: config.smpp.defaultSource,
        now,
        onReachable: (aor) => void deliverPending(aor).catch((error: unknown) => log('delivery to %s failed: %O', aor, error)),
      })),
  });
  const gateway = {
    config,
    stack,
    store,
    pool,
    simulator,
    smppPort,
    statusPort: 0,
    async stop() {
      if (sweep !== undefined) runtime.clock.clearTimeout(sweep);
      await status.close();
      await stack.stop();
      await pool!.close();
      await simulator?.close();
      store.close();
    },
  };
  // Expired bindings are already ignored when read; this sweep removes them from the store.
  let sweep: ClockHandle | undefined;
  const purge = (): void => {
    const removed = store.purgeExpired(now());
    if (removed > 0) log('%d expired registrations removed', removed);
    sweep = runtime.clock.setTimeout(purge, PURGE_INTERVAL);
  };
  sweep = runtime.clock.setTimeout(purge, PURGE_INTERVAL);
  const status = await startStatusPage(gateway, config.status.host, config.status.port);
  gateway.statusPort = status.port;
  return gateway;
}
