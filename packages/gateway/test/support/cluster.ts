// Several gateway nodes as separate OS processes (the program `pnpm start` runs) on one PostgreSQL
// database and one external SMSC: starting them, reading their /status.json, waiting for a state,
// and sipp's message log read back (which MESSAGE got which answer).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { GatewayProcess } from '@switchboard/test-support';

/** What these tests read of a node's /status.json. */
export interface NodeStatus {
  readonly smpp: { readonly binds: readonly { readonly id: string | null; readonly bound: boolean; readonly token: number | null }[] };
  readonly counters: { readonly submitted: number; readonly accepted: number; readonly fenced: number; readonly leasesLost: number };
  readonly cluster: {
    readonly node: string;
    readonly name: string;
    readonly nodes: readonly { readonly node: string; readonly name: string; readonly alive: boolean }[];
    readonly leases: readonly { readonly bind: string; readonly owner: string | null; readonly token: number; readonly left: number }[];
  };
}

export interface ClusterNodeOptions {
  readonly name: string;
  readonly storeUrl: string;
  readonly smscPort: number;
  readonly leaseTime: number;
  /** More SWITCHBOARD_* variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts a node: the gateway's main in its own process, on the shared store and the external SMSC. */
export function startNode(options: ClusterNodeOptions): Promise<GatewayProcess> {
  return GatewayProcess.start({
    startLimitMs: 30_000,
    env: {
      SWITCHBOARD_STORE_URL: options.storeUrl,
      SWITCHBOARD_STORE_POOL_SIZE: '6',
      SWITCHBOARD_SMPP_HOST: '127.0.0.1',
      SWITCHBOARD_SMPP_PORT: String(options.smscPort),
      SWITCHBOARD_SMPP_BINDS: '2',
      SWITCHBOARD_AUTH_MODE: 'off',
      SWITCHBOARD_CLUSTER_NODE_ID: options.name,
      SWITCHBOARD_CLUSTER_LEASE_TIME: String(options.leaseTime),
      SWITCHBOARD_CLUSTER_POLL_INTERVAL: '250',
      ...options.env,
    },
  });
}

/** GET /status.json of a node; null when it does not answer (in time, or with JSON). */
export function nodeStatus(node: GatewayProcess, limitMs = 2000): Promise<NodeStatus | null> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port: node.statusPort, path: '/status.json', timeout: limitMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          done(res.statusCode === 200 ? (JSON.parse(text) as NodeStatus) : null);
        } catch {
          done(null);
        }
      });
      res.on('error', () => done(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(null));
    req.end();
  });
}

/** Binds a node has up and leased now. */
export async function boundBinds(node: GatewayProcess): Promise<number> {
  return (await nodeStatus(node))?.smpp.binds.filter((b) => b.bound).length ?? 0;
}

/** Polls `condition` every 50 ms until it holds; rejects naming `what` after `limitMs`. */
export async function waitFor(condition: () => Promise<boolean> | boolean, what: string, limitMs: number): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

/** What sipp's message log (-trace_msg) says of each call: the text it sent and the statuses it got. */
export interface SippCalls {
  /** Call-ID → the call's number (from the body `… message N`). */
  readonly numberOf: ReadonlyMap<string, number>;
  /** Call numbers answered with a 2xx. */
  readonly answered2xx: ReadonlySet<number>;
  /** Final statuses other than 2xx, by call number (the last one seen). */
  readonly refused: ReadonlyMap<number, number>;
  /** Of the 503s received, how many carried a Retry-After header. */
  readonly retryAfter503: { readonly total: number; readonly withRetryAfter: number };
}

/** Reads sipp's `-message_file`: requests sent (their Call-ID and body), responses received. */
export function readSippMessages(file: string): SippCalls {
  const text = readFileSync(file, 'utf8');
  const numberOf = new Map<string, number>();
  const statuses: [callId: string, status: number][] = [];
  const retryAfter503 = { total: 0, withRetryAfter: 0 };
  for (const block of text.split(/^-{20,}.*$/m)) {
    const callId = /^Call-ID:\s*(\S+)/im.exec(block)?.[1];
    if (callId === undefined) continue;
    if (/message sent/i.test(block)) {
      const n = /Hello from sipp, message (\d+)/.exec(block)?.[1];
      if (n !== undefined) numberOf.set(callId, Number(n));
    } else if (/message received/i.test(block) && /^CSeq:\s*\d+\s+MESSAGE/im.test(block)) {
      const status = /^SIP\/2\.0 (\d{3})/m.exec(block)?.[1];
      if (status !== undefined) statuses.push([callId, Number(status)]);
      if (status === '503') {
        retryAfter503.total++;
        if (/^Retry-After:\s*\d+/im.test(block)) retryAfter503.withRetryAfter++;
      }
    }
  }
  const answered2xx = new Set<number>();
  const refused = new Map<number, number>();
  for (const [callId, status] of statuses) {
    const n = numberOf.get(callId);
    if (n === undefined || status < 200) continue;
    if (status < 300) answered2xx.add(n);
    else refused.set(n, status);
  }
  for (const n of answered2xx) refused.delete(n);
  return { numberOf, answered2xx, refused, retryAfter503 };
}
