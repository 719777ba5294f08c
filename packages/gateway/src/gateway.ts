// The gateway as one supervision tree (rest_for_one): the store's owner, the embedded SMSC when
// none is configured, the node's bind leases, one process per SMPP bind (bound while its lease is
// held), the SIP stack with the gateway core, the status page. deliver_sm becomes a MESSAGE to the user's contact, stored first so that nothing is lost
// if the user is away or the gateway stops.
import createDebug from 'debug';
import { startSupervisor, stop, worker, type ChildSpec, type Pid, type Runtime, type SupervisorPid } from '@switchboard/actor';
import { createResponse, stackChild, type DigestAlgorithm, type ServerTransaction, type SipRequest, type SipStack, type StackStats } from '@switchboard/sip';
import type { McSimulator } from '@switchboard/smpp';
import { EmbeddedSmsc, ResourceOwner, StoreOwner } from './owners.js';
import { IMDN_CONTENT_TYPE } from './imdn.js';
import { InboxDelivery } from './inbox-delivery.js';
import type { GatewayConfig } from './config.js';
import { GatewayCore } from './sip-core.js';
import { Outbox } from './outbox.js';
import { SmppPool } from './smpp-pool.js';
import { SmppBind } from './smpp-bind.js';
import { bindIds, leaseKeeperChild, outboxPollChild } from './cluster-children.js';
import { periodicChild } from './periodic-child.js';
import { storeSweepChild } from './store-sweep.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { FINAL_STATES, SIP_SENDER_KEY, type MessageIdType } from './api-store.js';
import { randomUUID } from 'node:crypto';
import { ConnectorSet } from './connectors.js';
import { Deliveries } from './deliveries.js';
import { GatewayBackend } from './api-backend.js';
import { loadRouting, RoutingError } from './routing/table.js';
import { WebhookSender, webhookSenderChild } from './webhooks/sender.js';
import { startHttpApi, type HttpApi } from './http-api/server.js';
import { ensureAdminKey } from './http-api/keys.js';
import { openStore } from './open-store.js';
import { defaultNodeId, newNodeName } from './store-node.js';
import { GatewayMetrics, type TransactionCounts } from './metrics.js';
import { startStatusPage, type StatusPage } from './status-page.js';
import type { Store } from './store.js';
import { actsAs, addUser, userAuthenticator } from './users.js';

const log = createDebug('switchboard:gateway');

/** The configured connector's name (the `smpp` section): its metrics label and its name in routes. */
const CONNECTOR = 'smsc';

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
  /** The HTTP API's port. */
  readonly httpPort: number;
  /** Every connector (the configured one, `smsc`, and those added through the admin API) and the routing table in force. */
  readonly connectors: ConnectorSet;
  /** The webhook sender (its queue is in the store). */
  readonly webhooks: WebhookSender;
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
  // The stored messages of a user (MO texts, IMDNs) go to their contact once they are reachable.
  const inbox = new InboxDelivery({
    store,
    now,
    // a delivery to a user's contact ends within Timer F (64·T1); its claim holds twice that
    lease: 2 * 64 * config.sip.t1,
    domain: config.sip.domain,
    send: (contact, from, aor, text, contentType) => core?.sendMessage(contact, from, aor, text, contentType),
    delivered: (contentType) => {
      // the stored list holds mobile-originated texts and the IMDNs made from receipts
      if (contentType === IMDN_CONTENT_TYPE) pool!.counters.notificationsDelivered++;
      else pool!.counters.moDelivered++;
    },
  });

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

  // Prometheus metrics, served at /metrics on the status page's listener, a connector label each.
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
      binds: async () =>
        (
          await Promise.all(connectors.all().map(async (c) => (await c.pool.bindStats()).map((b, index) => ({ connector: c.name, bind: String(index), bound: b.bound, inFlight: b.inFlight, window: b.window }))))
        ).flat(),
    },
  });
  // Webhooks (receipts of HTTP messages, MO texts by route) from the store's durable queue.
  const webhooks = new WebhookSender({ store, now, metrics, timeout: config.webhooks.timeout, concurrency: config.webhooks.concurrency, backoff: { maxDelay: config.webhooks.maxRetryDelay * 1000 } });
  // Every connector's deliver_sm: receipts to HTTP messages' parts (and webhooks) or SIP senders'
  // IMDNs, MO texts by the MO routes.
  const deliveries = new Deliveries({
    store,
    clock: runtime.clock,
    now,
    domain: config.sip.domain,
    metrics,
    moRoute: (destination) => connectors.moRoute(destination),
    receiptIdentity: (name) => connectors.receiptIdentity(name),
    deliverPending: (aor) => inbox.kick(aor),
    webhookQueued: () => webhooks.kick(),
    webhookGiveUp: config.webhooks.giveUpAfter * 1000,
  });
  const outbox = new Outbox(store, () => connectors, now, config.smpp.validity * 1000, {
    onSipParts: (message, parts) =>
      store.api.recordSipMessage(
        { id: randomUUID(), keyId: SIP_SENDER_KEY, clientRef: message.sipMessageId, to: message.destination, from: message.senderAor!, text: message.text, callbackUrl: null, parts: parts.length, createdAt: message.createdAt, idempotencyKey: null, requestHash: null },
        parts,
        now(),
      ),
    onSubmitted: (connector, status, seconds, message) => metrics.submitResult(connector, status, { channel: message.apiMessageId == null ? 'sip' : 'http', seconds }),
    onParts: async (message, parts) => {
      const after = await store.api.recordSubmits(message.apiMessageId!, parts, now());
      if (after !== undefined && after.state === 'failed' && after.parts.every((p) => FINAL_STATES.has(p.state))) await deliveries.submitFailed(after);
    },
    onExpired: async (message) => {
      const after = await store.api.failMessage(message.apiMessageId!, now());
      // parts the SMSC accepted still wait for their receipts: the last receipt tells the callback
      if (after !== undefined && FINAL_STATES.has(after.state)) await deliveries.submitFailed(after);
    },
    later: (retry, ms) => void runtime.clock.setTimeout(retry, ms),
  });
  const flushOutbox = (): void => void outbox.flush().catch((error: unknown) => log('outbox flush failed: %O', error));
  pool = new SmppPool(config.smpp.binds, config.smpp.window, runtime.clock, deliveries.forConnector(CONNECTOR), flushOutbox);
  const connectors: ConnectorSet = new ConnectorSet({
    runtime,
    primary: { name: CONNECTOR, pool },
    primaryBinds: () => bindIds(config, gateway.smppPort),
    primaryAddress: () => `${config.smpp.host ?? '127.0.0.1'}:${gateway.smppPort}`,
    primaryIdType: config.smpp.messageIdType as MessageIdType,
    onDeliver: (name) => deliveries.forConnector(name),
    onBound: flushOutbox,
    releaseBind: (bind, token) => store.releaseBind(bind, token),
    onChanged: () => keeper?.nudge(),
  });
  let keeper: LeaseKeeper | undefined;
  // The routing table from the store, applied to the connectors (at start, and when it changes).
  const loadAndApply = async (): Promise<void> => {
    const version = await store.api.routingVersion();
    const loaded = loadRouting(await store.api.routingEntries(), CONNECTOR);
    for (const name of loaded.connectors.keys()) metrics.addConnector(name);
    await connectors.apply(loaded);
    routingVersion = version;
  };
  // one reload at a time (the admin API's and the poll's): two applies must not interleave while
  // a changed connector restarts
  let reloads: Promise<void> = Promise.resolve();
  const reloadRouting = (): Promise<void> => {
    const run = reloads.then(loadAndApply, loadAndApply);
    reloads = run.catch(() => {});
    return run;
  };
  let routingVersion = -1;
  try {
    await reloadRouting();
  } catch (error) {
    if (!(error instanceof RoutingError)) throw error;
    // a table another version wrote, say: the configured connector still runs; the admin API can mend it
    log('the stored routing table is not usable (%s): the configured connector takes every message', error.message);
  }
  const gateway = new RunningGateway(config, store, nodeName, pool, metrics, connectors, webhooks);

  const children: ChildSpec[] = [worker('store', StoreOwner, store, { shutdown: 'infinity' }), webhookSenderChild(webhooks)];
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
      name: nodeName,
      binds: () => connectors.bindRefs(),
      started: (started) => (keeper = started),
      detail: async () => ({
        sip: gateway.currentStack?.listeners.map((l) => `${l.transport} ${l.address}:${l.port}`) ?? [],
        status: gateway.statusPort === 0 ? null : `${config.status.host}:${gateway.statusPort}`,
        binds: connectors.all().flatMap((c) => c.pool.leasedBinds().map((b) => ({ bind: b.bind, state: b.bound ? 'BOUND_TRX' : 'BINDING' }))),
      }),
      // a dead node's claims came back: its stored messages go out from here
      onReaped: (reaped) => {
        for (const aor of reaped.aors) inbox.kick(aor);
        if (connectors.boundCount > 0) flushOutbox();
      },
    }),
  );
  for (let index = 0; index < config.smpp.binds; index++) {
    const target = () => ({ host: config.smpp.host ?? '127.0.0.1', port: gateway.smppPort, systemId: config.smpp.systemId, password: config.smpp.password, window: config.smpp.window, throughput: config.smpp.throughput });
    children.push(worker(`bind-${index}`, SmppBind, { runtime, pool, index, target }, { timeout: Infinity, shutdown: 5000 }));
  }
  // the connectors added through the admin API, each under its own supervisor
  children.push(connectors.childSpec());
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
            onReachable: (aor) => inbox.kick(aor),
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
  children.push(storeSweepChild({ runtime, store, outbox, now, retentionDays: config.http.retentionDays }));
  // Several nodes share the outbox: what a node without a bind stored is submitted by one with a bind.
  if (config.store.url !== null) children.push(outboxPollChild(runtime, connectors, () => outbox.flush(), config.cluster.pollInterval));
  // The HTTP API: messages, their status, and the admin API that changes connectors and routes.
  const backend = new GatewayBackend({ store, now, outbox, connectors, maxParts: config.smpp.maxParts, reloadRouting });
  if (config.http.adminKey !== null) await ensureAdminKey(store.api, config.http.adminKey, now());
  children.push(
    worker(
      'http',
      ResourceOwner,
      {
        open: async () => {
          const api = await startHttpApi({ host: config.http.host, port: config.http.port, backend, metrics });
          gateway.httpPort = api.port;
          return api;
        },
        close: (api) => (api as HttpApi).close(),
      },
      { shutdown: 5000 },
    ),
  );
  // Another node may change the routing table: look at its version now and then.
  children.push(periodicChild(runtime, 'routing-poll', config.cluster.pollInterval, async () => {
    if ((await store.api.routingVersion()) !== routingVersion) await reloadRouting();
  }));
  gateway.supervisor = await startSupervisor(runtime, { strategy: 'rest_for_one', children, intensity: 10, period: 10_000 }, options.link === undefined ? {} : { link: options.link });
  return gateway;
}

class RunningGateway implements Gateway {
  supervisor!: SupervisorPid;
  currentStack: SipStack | undefined;
  simulator: McSimulator | null = null;
  statusPort = 0;
  httpPort = 0;

  constructor(
    readonly config: GatewayConfig,
    readonly store: Store,
    readonly nodeName: string,
    readonly pool: SmppPool,
    readonly metrics: GatewayMetrics,
    readonly connectors: ConnectorSet,
    readonly webhooks: WebhookSender,
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
