// The gateway as one supervision tree (rest_for_one): the store's owner, the embedded SMSC when
// none is configured, the node's bind leases, one process per SMPP bind (bound while its lease is
// held), the SIP stack with the gateway core, the status page. deliver_sm becomes a MESSAGE to the user's contact, stored first so that nothing is lost
// if the user is away or the gateway stops.
import createDebug from 'debug';
import { startSupervisor, stop, worker, type ChildSpec, type ClockHandle, type Pid, type Runtime, type SupervisorPid } from '@switchboard/actor';
import { createResponse, stackChild, type DigestAlgorithm, type ServerTransaction, type SipRequest, type SipStack, type StackStats } from '@switchboard/sip';
import { CommandStatus, MessageState, decodeText, parseReceipt, type McSimulator, type Pdu, type PduOf } from '@switchboard/smpp';
import { EmbeddedSmsc, ResourceOwner, StoreOwner } from './owners.js';
import { IMDN_CONTENT_TYPE, deliveryStatusOf, imdnDocument } from './imdn.js';
import type { GatewayConfig } from './config.js';
import { GatewayCore } from './sip-core.js';
import { Outbox } from './outbox.js';
import { SmppPool } from './smpp-pool.js';
import { SmppBind } from './smpp-bind.js';
import { leaseKeeperChild, outboxPollChild } from './cluster-children.js';
import { openStore } from './open-store.js';
import { defaultNodeId, newNodeName } from './store-node.js';
import { StoreError } from './store-error.js';
import { GatewayMetrics, type ReceiptState, type TransactionCounts } from './metrics.js';
import { startStatusPage, type StatusPage } from './status-page.js';
import type { Store } from './store.js';
import { actsAs, addUser, userAuthenticator } from './users.js';

const log = createDebug('switchboard:gateway');

/** The metrics' connector label: the gateway has one SMSC account. */
const CONNECTOR = 'smsc';

/** How often expired registrations are swept from the store (ms, runtime clock). */
const PURGE_INTERVAL = 60_000;

/** How long a receipt that found no record of its message waits to look again (ms, runtime clock). */
const RECEIPT_RETRY = 2000;

/** The periodic sweep's timer, and whether its owner has stopped it. */
interface Sweep {
  handle?: ClockHandle;
  stopped: boolean;
}

/** esm_class bits 2–5 of a deliver_sm: 0x04 marks an SMSC delivery receipt (SMPP v3.4 §5.2.12). */
const RECEIPT = 0x04;

/**
 * A running gateway, as `startGateway` returns it: its configuration, its supervision tree and
 * the parts the status page and tests look at, and `stop` to shut it all down in order.
 */
export interface Gateway {
  /** The configuration it was started with. */
  readonly config: GatewayConfig;
  /** The root of the gateway's supervision tree. */
  readonly supervisor: SupervisorPid;
  /** The SIP stack now running (a restarted stack replaces it). */
  readonly stack: SipStack;
  /** The store of users, registrations and messages waiting for delivery (owned by the tree's first child): SQLite or PostgreSQL. */
  readonly store: Store;
  /** This node's name (`cluster.nodeId`, default `host/pid`); `store.node` adds a suffix unique to this start. */
  readonly nodeName: string;
  /** The SMPP binds that MESSAGEs are sent through, with their message counters. */
  readonly pool: SmppPool;
  /** The Prometheus metrics, served at `/metrics` on the status page's port. */
  readonly metrics: GatewayMetrics;
  /** The embedded SMSC, when no SMSC is configured. */
  readonly simulator: McSimulator | null;
  /** The SMPP port actually used (the simulator's may be picked at start). */
  readonly smppPort: number;
  /** The status page's port. */
  readonly statusPort: number;
  /** Stops the tree in reverse order (status page, SIP, binds, SMSC, store); resolves once all have ended. */
  stop(): Promise<void>;
}

/**
 * Opens the store (`store.url`: PostgreSQL; else the SQLite file `store.path`), starts the
 * gateway's tree and resolves once every part runs. `link` puts the tree under a supervisor of
 * yours (see `gatewayChild`). Rejects with a StoreOpenError when the store cannot be opened.
 */
export async function startGateway(runtime: Runtime, config: GatewayConfig, options: { readonly link?: Pid } = {}): Promise<Gateway> {
  // Stored times must mean the same after a restart (and on every node): whole wall-clock
  // milliseconds, advanced by the runtime's clock (so a VirtualClock drives expiry in tests).
  const epoch = Date.now() - runtime.clock.now();
  const now = (): number => Math.floor(epoch + runtime.clock.now());
  const nodeName = config.cluster.nodeId ?? defaultNodeId();
  const store = await openStore(config.store, { reclaim: true, node: newNodeName(nodeName) });
  try {
    return await startTree(runtime, config, store, now, nodeName, options);
  } catch (error) {
    // the tree never took the store (or its owner is gone with it): close it here
    await store.close();
    throw error;
  }
}

async function startTree(runtime: Runtime, config: GatewayConfig, store: Store, now: () => number, nodeName: string, options: { readonly link?: Pid }): Promise<Gateway> {
  let core: GatewayCore | undefined;
  let pool: SmppPool | undefined;
  // A delivery to a user's contact ends within Timer F (64·T1); its claim holds twice that.
  const deliveryLease = 2 * 64 * config.sip.t1;

  // One delivery run per AOR at a time on this node (a second request while one runs makes it run
  // again); across nodes, the store lets one claim per user at a time. So a stored message is never
  // sent twice at once.
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
    if ((await store.bindings(aor, now())).length === 0) return;
    for (;;) {
      const at = now();
      const message = await store.claimInbound(aor, { now: at, until: at + deliveryLease });
      if (message === undefined) return;
      let delivered = false;
      try {
        const contact = (await store.bindings(aor, now()))[0];
        if (contact === undefined || core === undefined) return;
        const status = await core.sendMessage(contact.contact, `sip:${message.from}@${config.sip.domain}`, aor, message.text, message.contentType);
        if (status < 200 || status >= 300) return; // kept: tried again at the next REGISTER
        await store.deleteInbound(message.id);
        delivered = true;
        // the stored list holds mobile-originated texts and the IMDNs made from receipts
        if (message.contentType === IMDN_CONTENT_TYPE) pool!.counters.notificationsDelivered++;
        else pool!.counters.moDelivered++;
      } finally {
        if (!delivered) await store.releaseInbound(message.id).catch((error: unknown) => log('message %d for %s not given back (it returns when its lease ends): %O', message.id, aor, error));
      }
    }
  };

  // A receipt (TLVs first, else the Appendix B text) becomes an IMDN for the sender, stored and
  // delivered like a mobile-originated message. Rejects with the store's error.
  const notifySender = async (pdu: PduOf<'deliver_sm'>, again: boolean): Promise<void> => {
    const text = pdu.short_message.toString('latin1');
    const parsed = parseReceipt(text);
    const messageId = pdu.tlvs?.receipted_message_id ?? parsed?.id;
    const state = pdu.tlvs?.message_state ?? (parsed?.state === undefined ? undefined : MessageState[parsed.state]);
    const status = deliveryStatusOf(state);
    log('receipt for %s: state %s', messageId, state);
    if (messageId === undefined || status === undefined) return;
    const sent = await store.takeSent(messageId);
    const stateName = (Object.keys(MessageState) as ReceiptState[]).find((name) => MessageState[name] === state);
    if (!again && stateName !== undefined) metrics.receipt(CONNECTOR, stateName, sent === undefined ? undefined : (now() - sent.sentAt) / 1000);
    if (sent === undefined) {
      // The receipt may overtake the record of its submit (written once submit_sm_resp was read,
      // perhaps by another node): look once more a little later.
      if (!again) runtime.clock.setTimeout(() => void notifySender(pdu, true).catch((error: unknown) => log('receipt for %s: %O', messageId, error)), RECEIPT_RETRY);
      return;
    }
    const recipientUri = `sip:${sent.recipient}@${config.sip.domain}`;
    await store.queueInbound({ aor: sent.senderAor, from: sent.recipient, text: imdnDocument(sent.sipMessageId, recipientUri, status, new Date(now())), contentType: IMDN_CONTENT_TYPE, receivedAt: now() });
    void deliverPending(sent.senderAor).catch((error: unknown) => log('notification to %s failed: %O', sent.senderAor, error));
  };

  const onDeliver = async (pdu: Pdu): Promise<number> => {
    if (pdu.command !== 'deliver_sm') return CommandStatus.ESME_ROK;
    metrics.deliverSm(CONNECTOR, ((pdu.esm_class ?? 0) & RECEIPT) !== 0 ? 'receipt' : 'mo');
    try {
      if (((pdu.esm_class ?? 0) & RECEIPT) !== 0) {
        await notifySender(pdu, false);
        return CommandStatus.ESME_ROK;
      }
      const aor = `sip:${pdu.destination_addr}@${config.sip.domain}`;
      const text = decodeText(pdu.short_message, pdu.data_coding ?? 0);
      // Stored before the deliver_sm_resp goes out: the SMSC may forget it once we answer.
      await store.queueInbound({ aor, from: pdu.source_addr, text, contentType: 'text/plain;charset=UTF-8', receivedAt: now() });
      void deliverPending(aor).catch((error: unknown) => log('delivery to %s failed: %O', aor, error));
      return CommandStatus.ESME_ROK;
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      // not stored: the SMSC keeps it and tries again later (SMPP v3.4 §5.1.3)
      log('deliver_sm #%d not stored (%s): answered ESME_RX_T_APPN', pdu.sequence_number, error.message);
      return CommandStatus.ESME_RX_T_APPN;
    }
  };

  // Digest authentication of REGISTER and MESSAGE (RFC 3261 §22): users' HA1s in the store, and
  // the documented demo user of the embedded defaults.
  const { demoUser, demoPassword } = config.auth;
  if (demoUser !== null && demoPassword !== null) await addUser(store, demoUser, demoPassword, config.sip.domain);
  const authenticator = config.auth.mode === 'digest' ? await userAuthenticator(store, { realm: config.sip.domain, algorithms: config.auth.algorithms.split(',').map((a) => a.trim() as DigestAlgorithm), nonceLifetime: config.auth.nonceLifetime * 1000, now }) : undefined;
  const authorize = async (request: SipRequest, transaction: ServerTransaction): Promise<boolean> => {
    if (authenticator === undefined) return true;
    const outcome = await authenticator.verify(request);
    if (outcome.kind !== 'ok') {
      transaction.respond(authenticator.answer(request, outcome));
      return false;
    }
    if (!actsAs(request, outcome.username)) {
      transaction.respond(createResponse(request, 403, { reason: `Forbidden (${outcome.username} may act only as itself)` }));
      return false;
    }
    return true;
  };

  const outbox = new Outbox(
    store,
    () => pool!,
    now,
    config.smpp.validity * 1000,
    (message) => store.recordSent(message),
    (status, seconds) => metrics.submitResult(CONNECTOR, status, { channel: 'sip', seconds }),
    (retry, ms) => void runtime.clock.setTimeout(retry, ms),
  );
  const flushOutbox = (): void => void outbox.flush().catch((error: unknown) => log('outbox flush failed: %O', error));
  pool = new SmppPool(config.smpp.binds, config.smpp.window, runtime.clock, onDeliver, flushOutbox);
  const counted = pool;
  // Prometheus metrics, served at /metrics on the status page's listener. One SMSC account: one connector.
  const metrics: GatewayMetrics = new GatewayMetrics({
    connectors: [CONNECTOR],
    sources: {
      outboxDepth: () => store.countOutbound(),
      inboxDepth: () => store.countPending(),
      registrations: () => store.countBindings(now()),
      sipTransactions: (): TransactionCounts => {
        const stats: StackStats = gateway.stack.stats();
        return { server: stats.serverTransactions, client: stats.clientTransactions };
      },
      binds: async () => (await counted.bindStats()).map((b, index) => ({ connector: CONNECTOR, bind: String(index), bound: b.bound, inFlight: b.inFlight, window: b.window })),
    },
  });
  const gateway = new RunningGateway(config, store, nodeName, pool, metrics);

  const children: ChildSpec[] = [worker('store', StoreOwner, store, { shutdown: 'infinity' })];
  if (config.smpp.host === null) {
    children.push(
      worker(
        'smsc',
        EmbeddedSmsc,
        {
          runtime,
          // Failed binds are delayed but never locked out: the gateway's own bind comes from the
          // same loopback address as any local process, which could otherwise lock it out.
          options: { port: config.smpp.port, credentials: { [config.smpp.systemId]: config.smpp.password }, bindFailures: { lockoutTime: 0 } },
          started: (sim) => (gateway.simulator = sim),
        },
        { timeout: Infinity, shutdown: 5000 },
      ),
    );
  }
  children.push(
    leaseKeeperChild({
      runtime,
      config,
      store,
      pool,
      name: nodeName,
      smppPort: () => gateway.smppPort,
      detail: async () => ({
        sip: gateway.currentStack?.listeners.map((l) => `${l.transport} ${l.address}:${l.port}`) ?? [],
        status: gateway.statusPort === 0 ? null : `${config.status.host}:${gateway.statusPort}`,
        binds: pool!.leasedBinds().map((b) => ({ bind: b.bind, state: b.bound ? 'BOUND_TRX' : 'BINDING' })),
      }),
      // a dead node's claims came back: its stored messages go out from here
      onReaped: (reaped) => {
        for (const aor of reaped.aors) void deliverPending(aor).catch((error: unknown) => log('delivery to %s failed: %O', aor, error));
        if (pool!.boundCount > 0) flushOutbox();
      },
    }),
  );
  for (let index = 0; index < config.smpp.binds; index++) {
    const target = () => ({ host: config.smpp.host ?? '127.0.0.1', port: gateway.smppPort, systemId: config.smpp.systemId, password: config.smpp.password, window: config.smpp.window, throughput: config.smpp.throughput });
    children.push(worker(`bind-${index}`, SmppBind, { runtime, pool, index, target }, { timeout: Infinity, shutdown: 5000 }));
  }
  children.push(
    stackChild(
      'sip',
      {
        listen: [
          { transport: 'udp', host: config.sip.host, port: config.sip.port },
          { transport: 'tcp', host: config.sip.host, port: config.sip.port },
          // RFC 7118: web pages register and send MESSAGEs over a WebSocket; MESSAGEs to them go
          // back over it (the stack maps their `;transport=ws` Contacts to the connection).
          ...(config.sip.wsPort === 0 ? [] : [{ transport: 'ws' as const, host: config.sip.host, port: config.sip.wsPort }]),
        ],
        timers: { t1: config.sip.t1, t2: config.sip.t2, t4: config.sip.t4 },
        maxTransactions: config.sip.maxTransactions,
        maxConnections: config.sip.maxConnections,
        maxConnectionsPerAddress: config.sip.maxConnectionsPerAddress,
        idleTimeout: config.sip.idleTimeout,
        partialMessageTimeout: config.sip.partialMessageTimeout,
        limits: { maxMessageSize: config.sip.maxMessageSize },
        core: (s) =>
          (core = new GatewayCore(s, {
            store,
            outbox,
            limits: config.sip,
            defaultSource: config.smpp.defaultSource,
            maxParts: config.smpp.maxParts,
            // a client retransmits for 64·T1 (Timer F); kept twice that
            dedupeFor: 2 * 64 * config.sip.t1,
            authorize,
            now,
            onReachable: (aor) => void deliverPending(aor).catch((error: unknown) => log('delivery to %s failed: %O', aor, error)),
            onMessage: (outcome) => metrics.messageIn('sip', outcome),
          })),
      },
      (stack) => (gateway.currentStack = stack),
    ),
  );
  children.push(
    worker(
      'status',
      ResourceOwner,
      {
        open: async () => {
          const page = await startStatusPage(gateway, config.status.host, config.status.port);
          gateway.statusPort = page.port;
          return page;
        },
        close: (page) => (page as StatusPage).close(),
      },
      { shutdown: 5000 },
    ),
  );
  children.push(
    worker('registration-sweep', ResourceOwner, {
      // Expired bindings are already ignored when read; this sweep removes them from the store. It
      // also flushes the outbox, so rows whose lease ended (a node that crashed mid-submit) go out.
      open: async () => {
        const sweep: Sweep = { stopped: false };
        const purge = async (): Promise<void> => {
          const removed = await store.purgeExpired(now());
          if (removed > 0) log('%d expired registrations removed', removed);
          const forgotten = await store.purgeTaken(now());
          if (forgotten > 0) log('%d MESSAGE identities past their retransmission time removed', forgotten);
          if (gateway.pool.boundCount > 0) await outbox.flush();
        };
        const tick = (): void => {
          void purge()
            .catch((error: unknown) => log('sweep failed: %O', error))
            .finally(() => {
              if (!sweep.stopped) sweep.handle = runtime.clock.setTimeout(tick, PURGE_INTERVAL);
            });
        };
        sweep.handle = runtime.clock.setTimeout(tick, PURGE_INTERVAL);
        return sweep;
      },
      close: async (resource) => {
        const sweep = resource as Sweep;
        sweep.stopped = true;
        if (sweep.handle !== undefined) runtime.clock.clearTimeout(sweep.handle);
      },
    }),
  );
  // Several nodes share the outbox: what a node without a bind stored is submitted by one with a bind.
  if (config.store.url !== null) children.push(outboxPollChild(runtime, pool, () => outbox.flush(), config.cluster.pollInterval));
  gateway.supervisor = await startSupervisor(runtime, { strategy: 'rest_for_one', children, intensity: 10, period: 10_000 }, options.link === undefined ? {} : { link: options.link });
  return gateway;
}

class RunningGateway implements Gateway {
  supervisor!: SupervisorPid;
  currentStack: SipStack | undefined;
  simulator: McSimulator | null = null;
  statusPort = 0;

  constructor(
    readonly config: GatewayConfig,
    readonly store: Store,
    readonly nodeName: string,
    readonly pool: SmppPool,
    readonly metrics: GatewayMetrics,
  ) {}

  get stack(): SipStack {
    if (this.currentStack === undefined) throw new Error('the SIP stack is not running');
    return this.currentStack;
  }

  get smppPort(): number {
    return this.simulator?.port ?? this.config.smpp.port;
  }

  /** Stops the tree: status page, SIP, binds (unbinding), SMSC, then the store. */
  async stop(): Promise<void> {
    await stop(this.supervisor, 'shutdown');
    this.metrics.close();
  }
}

/**
 * The gateway as a child of your supervisor (an application's root, say).
 *
 * @example
 * await startApplication({ children: [gatewayChild(loadConfig({ env: process.env }))] });
 */
export function gatewayChild(config: GatewayConfig, started?: (gateway: Gateway) => void): ChildSpec {
  return {
    id: 'gateway',
    type: 'supervisor',
    shutdown: 'infinity',
    start: async ({ runtime, supervisor }) => {
      const gateway = await startGateway(runtime, config, { link: supervisor });
      started?.(gateway);
      return gateway.supervisor;
    },
  };
}
