// The status page over HTTP: `/status.json` for tools, `/` as a small HTML page for people. Both
// show the gateway's supervision tree, the SIP stack's counts, each SMPP bind's state, window and
// lease, the registrations, the queue of stored messages, the message counters, and the cluster:
// every node (heartbeat rows in the store), its binds and the bind leases, read from the store.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import createDebug from 'debug';
import { supervisionTree, type SupervisionNode } from '@switchboard/actor';
import type { Gateway } from './gateway.js';
import type { ClusterLease, ClusterNode } from './store.js';
import type { ConnectorStatus } from './connectors.js';
import type { RoutingTable } from './routing/router.js';

const log = createDebug('switchboard:gateway:status');

/**
 * What the status page shows, as `/status.json` serves it: a snapshot of the gateway's health for
 * tools and monitoring, made by `gatewayStatus`.
 */
export interface GatewayStatus {
  /** Seconds since the status page started (about the gateway's uptime). */
  readonly uptimeSeconds: number;
  /** The SIP stack: where it listens and how many transactions and connections are live. */
  readonly sip: {
    /** Each listener as `<transport> <address>:<port>`, e.g. `udp 127.0.0.1:5060`. */
    readonly listeners: string[];
    /** Live server transactions (requests being answered). */
    readonly serverTransactions: number;
    /** Live client transactions (requests the gateway sent, such as MESSAGEs to users). */
    readonly clientTransactions: number;
    /** Open TCP connections, both directions. */
    readonly connections: number;
  };
  /** The SMPP side: the SMSC and each bind's state. */
  readonly smpp: {
    /** The SMSC as `host:port`; the embedded simulator is named as such. */
    readonly smsc: string;
    /** One entry per bind of the pool, in order (a bind that is down reports CLOSED). */
    readonly binds: {
      /** The bind's id (`<system_id>@<host>:<port>#<index>`), once this node held its lease. */
      readonly id: string | null;
      /** Whether the bind is up, leased by this node, and can submit. */
      readonly bound: boolean;
      /** The session's bind state (SMPP v3.4 §2.2), e.g. `BOUND_TRX` or `CLOSED`. */
      readonly bindState: string;
      /** Requests sent on the bind and waiting for their responses. */
      readonly inFlight: number;
      /** Most requests the bind may have in flight. */
      readonly window: number;
      /** The fencing token of this node's lease on the bind, or null without one. */
      readonly token: number | null;
      /** Milliseconds left on this node's lease, by its own (earlier) reckoning. */
      readonly leaseLeft: number;
    }[];
  };
  /** Every connector (SMSC account) and the routing table in force on this node. */
  readonly routing: {
    /** Each connector: where it binds, its binds and how many are up. */
    readonly connectors: readonly ConnectorStatus[];
    /** MT routes: destination prefix, then targets by priority and weight. */
    readonly mt: RoutingTable['mt'];
    /** MO routes: destination prefix, to a SIP user, a webhook or both (webhook secrets not shown). */
    readonly mo: readonly {
      /** The route's name. */
      readonly name: string;
      /** The destination prefix it takes (empty: every destination). */
      readonly prefix: string;
      /** The SIP user its texts go to, or null. */
      readonly sipUser: string | null;
      /** The URL its texts are POSTed to, or null. */
      readonly webhookUrl: string | null;
    }[];
    /** The connector of destinations no MT route matches. */
    readonly defaultConnector: string;
  };
  /** Webhooks waiting to be delivered (retries included), across all nodes. */
  readonly webhooksPending: number;
  /** Every node sharing the store, and every bind's lease, as the store shows them. */
  readonly cluster: {
    /** This node, as the store knows it (`cluster.nodeId` and a suffix unique to this start). */
    readonly node: string;
    /** This node's name (`cluster.nodeId`). */
    readonly name: string;
    /** Every node with a heartbeat row (dead ones are kept 10 minutes), with its binds. */
    readonly nodes: readonly ClusterNode[];
    /** Every bind's lease: its owner, fencing token and time left (ms, store's clock). */
    readonly leases: readonly ClusterLease[];
  };
  /** Registered contacts not yet expired. */
  readonly registrations: number;
  /** Stored messages waiting for their user to register (texts and delivery notifications). */
  readonly queued: number;
  /** Message counts since the gateway started. */
  readonly counters: {
    /** MESSAGEs handed to an SMPP bind; each ends accepted (every part) or refused (at least one part). */
    readonly submitted: number;
    /** MESSAGEs whose every part the SMSC accepted. */
    readonly accepted: number;
    /** MESSAGEs at least one of whose parts was refused or lost. */
    readonly refused: number;
    /** Refused MESSAGEs some of whose parts the SMSC accepted. */
    readonly partlyAccepted: number;
    /** Mobile-originated texts delivered to SIP users. */
    readonly moDelivered: number;
    /** Delivery notifications (IMDNs from the SMSC's receipts) delivered to the senders. */
    readonly notificationsDelivered: number;
    /** Submits refused although a session was bound, because no lease of this node allowed it (they wait in the outbox). */
    readonly fenced: number;
    /** Bind leases lost to another node or ended unrenewed (the store out of reach, the node paused). */
    readonly leasesLost: number;
  };
  /** The gateway's supervision tree, each supervisor's children listed up to a bound (the rest counted). */
  readonly tree: TreeNode;
}

interface TreeNode {
  readonly id: string;
  readonly pid: string | null;
  readonly type: 'worker' | 'supervisor';
  readonly children?: TreeNode[];
  /** Children not listed (a supervisor of transactions or connections has many). */
  readonly omitted?: number;
}

/** Children listed per supervisor unless the request asks for more (`?children=N`, at most MAX_CHILDREN). */
const DEFAULT_CHILDREN = 20;
const MAX_CHILDREN = 1000;

function plain(node: SupervisionNode): TreeNode {
  return {
    id: node.id,
    pid: node.pid === null ? null : String(node.pid),
    type: node.type,
    ...(node.children === undefined ? {} : { children: node.children.map(plain) }),
    ...(node.omitted === undefined ? {} : { omitted: node.omitted }),
  };
}

/**
 * The status; `maxChildren` bounds the children listed per supervisor (the rest are counted), so
 * the answer's size does not grow with the traffic.
 */
export async function gatewayStatus(gateway: Gateway, startedAt: number, maxChildren = DEFAULT_CHILDREN): Promise<GatewayStatus> {
  const stats = gateway.stack.stats();
  const [registrations, queued, cluster, webhooksPending] = await Promise.all([gateway.store.countBindings(Date.now()), gateway.store.countPending(), gateway.store.clusterView(), gateway.store.api.countWebhooks()]);
  const table = gateway.connectors.routing;
  return {
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    sip: { listeners: gateway.stack.listeners.map((l) => `${l.transport} ${l.address}:${l.port}`), ...stats },
    smpp: { smsc: `${gateway.config.smpp.host ?? '127.0.0.1 (embedded simulator)'}:${gateway.smppPort}`, binds: await gateway.pool.bindStats() },
    routing: {
      connectors: gateway.connectors.status(),
      mt: table.mt,
      mo: table.mo.map((r) => ({ name: r.name, prefix: r.prefix, sipUser: r.sipUser, webhookUrl: r.webhookUrl })),
      defaultConnector: table.defaultConnector,
    },
    webhooksPending,
    registrations,
    queued,
    counters: { ...gateway.pool.counters },
    cluster: { node: gateway.store.node, name: gateway.nodeName, nodes: cluster.nodes, leases: cluster.leases },
    tree: plain(await supervisionTree(gateway.supervisor, 'gateway', { maxChildren })),
  };
}

function escape(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function treeHtml(node: TreeNode): string {
  const children = node.children === undefined ? '' : `<ul>${node.children.map((c) => `<li>${treeHtml(c)}</li>`).join('')}</ul>`;
  const omitted = node.omitted === undefined ? '' : `<p class="omitted">and ${node.omitted} more</p>`;
  return `<span class="${node.type}">${escape(node.id)}</span> <code>${escape(node.pid ?? 'not running')}</code>${children}${omitted}`;
}

/**
 * The status as a small HTML page for people (the status page's `/`): binds, traffic counters and
 * the supervision tree, every string escaped.
 */
export function statusHtml(status: GatewayStatus): string {
  const binds = status.smpp.binds
    .map((b, i) => `<tr><td>${i}</td><td class="${b.bound ? 'up' : 'down'}">${escape(b.bindState)}</td><td>${b.inFlight} / ${b.window}</td><td>${b.token ?? '-'}</td></tr>`)
    .join('');
  const names = new Map(status.cluster.nodes.map((n) => [n.node, n.name]));
  const nodes = status.cluster.nodes
    .map(
      (n) =>
        `<tr><td>${escape(n.name)}${n.node === status.cluster.node ? ' (this node)' : ''}</td><td class="${n.alive ? 'up' : 'down'}">${n.alive ? 'alive' : 'dead'}</td><td>${Math.round(n.heartbeatAge / 100) / 10} s ago</td><td>${escape(n.detail.sip.join(', '))}</td><td>${escape(n.detail.binds.map((b) => `${b.bind} ${b.state}`).join(', ') || '-')}</td></tr>`,
    )
    .join('');
  const leases = status.cluster.leases
    .map((l) => `<tr><td>${escape(l.bind)}</td><td>${escape(l.owner === null ? '-' : (names.get(l.owner) ?? l.owner))}</td><td>${l.token}</td><td class="${l.left > 0 ? 'up' : 'down'}">${l.left > 0 ? `${Math.round(l.left / 100) / 10} s left` : 'free'}</td></tr>`)
    .join('');
  const connectors = status.routing.connectors
    .map((k) => `<tr><td>${escape(k.name)}${k.configured ? ' (configured)' : ''}</td><td>${escape(k.address)}</td><td>${escape(k.bindType)}</td><td class="${k.bindsUp > 0 ? 'up' : 'down'}">${k.bindsUp} / ${k.binds}</td></tr>`)
    .join('');
  const routes = [
    ...status.routing.mt.map((r) => `<tr><td>MT</td><td>${escape(r.name)}</td><td>${escape(r.prefix || '(any)')}</td><td>${escape(r.targets.map((t) => `${t.connector} (priority ${t.priority}, weight ${t.weight})`).join(', '))}</td></tr>`),
    ...status.routing.mo.map((r) => `<tr><td>MO</td><td>${escape(r.name)}</td><td>${escape(r.prefix || '(any)')}</td><td>${escape([r.sipUser === null ? '' : `SIP ${r.sipUser}`, r.webhookUrl ?? ''].filter((x) => x !== '').join(', '))}</td></tr>`),
  ].join('');
  const c = status.counters;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard gateway</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.up{color:#080}.down{color:#b00}.supervisor{font-weight:600}code{color:#555}</style></head>
<body><h1>Switchboard gateway</h1>
<p>Up ${status.uptimeSeconds} s. SIP: ${status.sip.listeners.map(escape).join(', ')}. SMSC: ${escape(status.smpp.smsc)}.</p>
<h2>SMPP binds</h2><table id="binds"><tr><th>#</th><th>state</th><th>in flight / window</th><th>lease token</th></tr>${binds}</table>
<h2>Connectors</h2><table id="connectors"><tr><th>connector</th><th>SMSC</th><th>bind type</th><th>binds up</th></tr>${connectors}</table>
<h2>Routes</h2><p>Destinations no MT route matches go to ${escape(status.routing.defaultConnector)}.</p><table id="routes"><tr><th>kind</th><th>name</th><th>prefix</th><th>to</th></tr>${routes}</table>
<h2>Cluster</h2><table id="nodes"><tr><th>node</th><th>heartbeat</th><th>last</th><th>SIP</th><th>binds</th></tr>${nodes}</table>
<table id="leases"><tr><th>bind</th><th>owner</th><th>token</th><th>lease</th></tr>${leases}</table>
<h2>Traffic</h2><table id="counters">
<tr><th>registrations</th><td id="registrations">${status.registrations}</td></tr>
<tr><th>webhooks waiting (retries included)</th><td id="webhooks-pending">${status.webhooksPending}</td></tr>
<tr><th>stored, waiting for their user</th><td id="queued">${status.queued}</td></tr>
<tr><th>MESSAGEs submitted / accepted / refused (of which partly accepted)</th><td id="submitted">${c.submitted} / ${c.accepted} / ${c.refused} (${c.partlyAccepted})</td></tr>
<tr><th>mobile-originated texts delivered to SIP users</th><td id="mo-delivered">${c.moDelivered}</td></tr>
<tr><th>delivery notifications delivered to senders</th><td id="notifications-delivered">${c.notificationsDelivered}</td></tr>
<tr><th>submits fenced (no lease allowed them) / bind leases lost</th><td id="fenced">${c.fenced} / ${c.leasesLost}</td></tr>
<tr><th>SIP transactions (server / client), connections</th><td>${status.sip.serverTransactions} / ${status.sip.clientTransactions}, ${status.sip.connections}</td></tr>
</table>
<h2>Supervision tree</h2><div id="tree">${treeHtml(status.tree)}</div>
<p><a href="/status.json">status.json</a></p></body></html>
`;
}

/** A running status page, as `startStatusPage` returns it. */
export interface StatusPage {
  /** The port it listens on (the one picked, when started with port 0). */
  readonly port: number;
  /** Stops listening; resolves once the server has closed. */
  close(): Promise<void>;
}

/**
 * Serves the gateway's status over HTTP on `host:port`: `/status.json` for tools, `/` as HTML for
 * people; `?children=N` lists up to N children per supervisor (default 20, at most 1000). Any other
 * path is answered 404.
 *
 * @example
 * const page = await startStatusPage(gateway, '127.0.0.1', 8080);
 * // curl http://127.0.0.1:8080/status.json
 * await page.close();
 */
export async function startStatusPage(gateway: Gateway, host: string, port: number): Promise<StatusPage> {
  const startedAt = Date.now();
  const server: Server = createServer((request, response) => {
    const [path, query] = (request.url ?? '/').split('?', 2);
    const asked = Number(new URLSearchParams(query ?? '').get('children') ?? DEFAULT_CHILDREN);
    const maxChildren = Number.isInteger(asked) && asked >= 0 ? Math.min(asked, MAX_CHILDREN) : DEFAULT_CHILDREN;
    if (gateway.metrics.handleMetricsRequest(request, response)) return;
    if (path !== '/' && path !== '/status.json') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    gatewayStatus(gateway, startedAt, maxChildren).then(
      (status) => {
        if (path === '/status.json') response.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(status, null, 2)}\n`);
        else response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(statusHtml(status));
      },
      (error: unknown) => {
        log('status failed: %O', error);
        response.writeHead(500, { 'content-type': 'text/plain' }).end('status unavailable\n');
      },
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
