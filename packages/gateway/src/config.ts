// The gateway's configuration: defaults for everything, then a JSON file, then environment
// variables (SWITCHBOARD_<SECTION>_<KEY>), validated at start; a bad value is a ConfigError naming
// its key. Relative paths (the file, store.path) are read from the directory the user ran the
// command in: pnpm runs scripts in the package's folder, and says where it was called in INIT_CWD.
import { readFileSync } from 'node:fs';
import { parseToken } from './http-api/tokens.js';
import { MESSAGE_ID_TYPES } from './api-store.js';
import { isAbsolute, resolve } from 'node:path';

/**
 * The gateway's whole configuration, one section per part: SIP, SMPP, authentication, store and
 * status page. `loadConfig` builds it from `DEFAULT_CONFIG`, a JSON file and `SWITCHBOARD_*`
 * variables, and checks every value (see docs/gateway.md, "Configuration").
 */
export interface GatewayConfig {
  /** The SIP side: listeners, registrar limits, transport limits and transaction timers. */
  readonly sip: {
    /** The address the UDP and TCP listeners bind to (default `127.0.0.1`). */
    readonly host: string;
    /** The UDP and TCP listeners' port (default 5060, SIP's registered port). */
    readonly port: number;
    /**
     * The SIP over WebSocket listener's port (RFC 7118), on `host`, for web pages (SIP.js, JsSIP):
     * `ws://host:wsPort`, any path, subprotocol `sip`. 0 (the default) leaves it off: a port that
     * browsers reach is opened on purpose (5066 is the usual choice; serve it behind a TLS proxy as
     * wss:// for pages on https).
     */
    readonly wsPort: number;
    /** The domain of the users' AORs (sip:user@domain). */
    readonly domain: string;
    /** Registrations: default, least and most Expires (s). */
    readonly defaultExpires: number;
    /** The shortest registration taken (s); a shorter one is answered 423 with Min-Expires (RFC 3261 §10.3). */
    readonly minExpires: number;
    /** The longest registration granted (s); a longer one is cut down to it (RFC 3261 §10.3). */
    readonly maxExpires: number;
    /** Most contacts one user may register; past it a REGISTER is answered 403. */
    readonly maxBindingsPerUser: number;
    /** Most live SIP transactions; past it requests are answered 503 with Retry-After. */
    readonly maxTransactions: number;
    /** Most TCP connections open at once, and with one remote address. */
    readonly maxConnections: number;
    /** Most TCP connections open at once with one remote address, so one host cannot take them all. */
    readonly maxConnectionsPerAddress: number;
    /** A TCP connection with no whole message, ping or write for this long is closed (ms). */
    readonly idleTimeout: number;
    /** A TCP connection holding part of a message this long is closed (ms; slowloris). */
    readonly partialMessageTimeout: number;
    /** The largest SIP message taken, head and body (octets; 413 past it). */
    readonly maxMessageSize: number;
    /** The transaction timers' base (RFC 3261 §17.1.1.1), ms: T1, T2, T4. */
    readonly t1: number;
    /** T2: the longest retransmission interval of non-INVITE requests and INVITE responses (ms; RFC 3261 Table 4). */
    readonly t2: number;
    /** T4: how long a message may remain in the network (ms; RFC 3261 Table 4); Timers I and K over UDP. */
    readonly t4: number;
  };
  /** The SMPP side: the SMSC to bind to, the bind pool and its limits. */
  readonly smpp: {
    /** null: start the embedded MC simulator. */
    readonly host: string | null;
    /** The SMSC's port (default 2775); 0 lets the embedded simulator pick a free one. */
    readonly port: number;
    /** The system_id the binds send (SMPP v3.4 §5.2.1). */
    readonly systemId: string;
    /** The password the binds send (SMPP v3.4 §5.2.2). */
    readonly password: string;
    /** Transceiver binds in the pool. */
    readonly binds: number;
    /** Requests each bind may have in flight, waiting for their responses; more wait for a slot. */
    readonly window: number;
    /** Most submit_sm per second per bind (the SMSC's contract); 0 for no limit. */
    readonly throughput: number;
    /** Source address of messages from users without a number. */
    readonly defaultSource: string;
    /** How long a MESSAGE taken while no bind is up waits for one (s). */
    readonly validity: number;
    /** Most SMS parts one MESSAGE may become; a longer text is answered 513. */
    readonly maxParts: number;
    /** How the SMSC spells message_ids: `same`, `hex-in-response` (receipts in decimal) or `decimal-in-response` (receipts in hex). */
    readonly messageIdType: string;
  };
  /** Who may REGISTER and send MESSAGEs: digest authentication and its demo user. */
  readonly auth: {
    /** `digest`: REGISTER and MESSAGE need RFC 3261 §22 digest credentials; `off`: anyone may (tests, trusted networks). */
    readonly mode: string;
    /**
     * The digest algorithms challenged with, one WWW-Authenticate each, in this order. MD5 alone by
     * default: sipp, sipsak and many phones read only the first challenge, SIP.js only the last,
     * and all of them know only MD5. `SHA-256,MD5` (or `SHA-256`) for clients that follow RFC 8760
     * and pick the strongest.
     */
    readonly algorithms: string;
    /** How long a nonce is good for (s); after it the client is asked again with stale=true. */
    readonly nonceLifetime: number;
    /** A user created at start with `demoPassword`, so the embedded defaults work; null for none. */
    readonly demoUser: string | null;
    /** The demo user's password; set and cleared together with `demoUser`. */
    readonly demoPassword: string | null;
  };
  /** Where registrations, users and messages waiting for delivery are kept. */
  readonly store: {
    /** The SQLite file (created with its folder), when `url` is null. */
    readonly path: string;
    /** SQLite: `normal`: durable across gateway crashes; `full`: across power loss too (an fsync per commit). */
    readonly synchronous: string;
    /**
     * A PostgreSQL database (`postgres://user:password@host:port/database`) instead of the SQLite
     * file: several gateway nodes may share it. Null (the default): SQLite.
     */
    readonly url: string | null;
    /** PostgreSQL: most connections in the pool (default 10). */
    readonly poolSize: number;
  };
  /**
   * Several nodes on one PostgreSQL store: who this node is, and how its SMPP binds are leased (each
   * configured bind is owned by one node at a time; see docs/scale-out.md).
   */
  readonly cluster: {
    /** This node's name in the cluster view; null (the default): `<hostname>/<pid>`. */
    readonly nodeId: string | null;
    /**
     * How long a bind lease and a node's heartbeat hold (ms, default 15000); renewed every third of
     * it. A node that dies gives its binds up to a live node this long after its last renewal.
     */
    readonly leaseTime: number;
    /**
     * How often a node with a bind up looks for MESSAGEs other nodes stored and could not submit
     * (ms, default 1000; PostgreSQL only).
     */
    readonly pollInterval: number;
  };
  /** The HTTP API's listener (docs/http-api.md). */
  readonly http: {
    /** The address it listens on. */
    readonly host: string;
    /** Its TCP port (default 8090; 0 picks a free one). */
    readonly port: number;
    /**
     * An admin API key, `<id>.<secret>` (`k_` and 16 base32 letters, a dot, the secret), stored
     * (hashed) at start if absent: the first key, which makes the others. Null: none.
     */
    readonly adminKey: string | null;
    /** How long a final message (its parts, receipts and idempotency key) and a finished webhook are kept (days, default 30). */
    readonly retentionDays: number;
  };
  /** Webhooks: receipts of messages taken over HTTP, and MO texts routed to a URL (docs/webhooks.md). */
  readonly webhooks: {
    /** How long a webhook is retried before it is given up (s, default 86400: a day). */
    readonly giveUpAfter: number;
    /** How long one attempt may take (ms, default 10000). */
    readonly timeout: number;
    /** Most webhooks sent at once (default 16). */
    readonly concurrency: number;
    /** The longest wait between two attempts (s, default 600); the waits double from 1 s up to it. */
    readonly maxRetryDelay: number;
  };
  /** The HTTP status page's listener. */
  readonly status: {
    /** The HTTP status page (JSON at /status.json, HTML at /). */
    readonly host: string;
    /** The status page's TCP port (default 8080). */
    readonly port: number;
  };
}

/**
 * Every setting's default, under the file and the variables: local addresses, the embedded SMSC
 * and a demo user, so a fresh clone starts with no configuration.
 */
export const DEFAULT_CONFIG: GatewayConfig = {
  sip: {
    host: '127.0.0.1',
    port: 5060,
    wsPort: 0,
    domain: 'switchboard.local',
    defaultExpires: 3600,
    minExpires: 60,
    maxExpires: 86_400,
    maxBindingsPerUser: 10,
    maxTransactions: 50_000,
    maxConnections: 1024,
    maxConnectionsPerAddress: 64,
    idleTimeout: 120_000,
    partialMessageTimeout: 32_000,
    maxMessageSize: 65_535,
    t1: 500,
    t2: 4000,
    t4: 5000,
  },
  smpp: { host: null, port: 2775, systemId: 'gateway', password: 'secret', binds: 1, window: 10, throughput: 0, defaultSource: '4000', validity: 3600, maxParts: 10, messageIdType: 'same' },
  auth: { mode: 'digest', algorithms: 'MD5', nonceLifetime: 300, demoUser: '447700900123', demoPassword: 'switchboard' },
  store: { path: 'data/gateway.sqlite', synchronous: 'normal', url: null, poolSize: 10 },
  cluster: { nodeId: null, leaseTime: 15_000, pollInterval: 1000 },
  http: { host: '127.0.0.1', port: 8090, adminKey: null, retentionDays: 30 },
  webhooks: { giveUpAfter: 86_400, timeout: 10_000, concurrency: 16, maxRetryDelay: 600 },
  status: { host: '127.0.0.1', port: 8080 },
};

/**
 * A configuration value that cannot be used, named by its key, so the user knows what to change;
 * `pnpm start` exits 78 on it.
 */
export class ConfigError extends Error {
  /** A stable code to test for, whatever the message says. */
  readonly code = 'ERR_GATEWAY_CONFIG';
  /** Its message reads `config <key>: <message>`. */
  constructor(
    /** The offending key, as `section.key`. */
    readonly key: string,
    message: string,
  ) {
    super(`config ${key}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Section = keyof GatewayConfig;
type Raw = Record<string, Record<string, unknown>>;

/** The environment variable of a setting: `envName('sip', 'port')` is `SWITCHBOARD_SIP_PORT`. */
export function envName(section: string, key: string): string {
  return `SWITCHBOARD_${section}_${key.replace(/[A-Z]/g, (c) => `_${c}`)}`.toUpperCase();
}

/**
 * The directory relative paths given by the user are read from: `INIT_CWD` (set by pnpm and npm to
 * where the command was run, since they run scripts in the package's folder), else the process's.
 */
export function callerDirectory(env: Record<string, string | undefined> = process.env): string {
  const given = env.INIT_CWD;
  return given !== undefined && given !== '' && isAbsolute(given) ? given : process.cwd();
}

/**
 * Reads the configuration: `file` (JSON, optional) over the defaults, then `env` over both.
 *
 * Options:
 * - `file`: a JSON file; a relative name is read from `cwd`.
 * - `env`: the variables (`SWITCHBOARD_<SECTION>_<KEY>`) over the file.
 * - `cwd`: the directory relative paths (`file`, `store.path`) are resolved against; the returned
 *   `store.path` is then absolute. Without it they stay as given (relative to the process's directory).
 *
 * @example
 * loadConfig({ file: 'gateway.json', env: process.env }) // SWITCHBOARD_SIP_PORT=5070 wins over the file
 */
export function loadConfig(options: { file?: string; env?: Record<string, string | undefined>; cwd?: string } = {}): GatewayConfig {
  const fromCwd = (path: string): string => (options.cwd === undefined ? path : resolve(options.cwd, path));
  let fromFile: Raw = {};
  if (options.file !== undefined) {
    const path = fromCwd(options.file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError('(file)', `cannot read ${path}: ${(error as Error).message}`);
    }
    try {
      fromFile = JSON.parse(text) as Raw;
    } catch (error) {
      throw new ConfigError('(file)', `${path} is not JSON: ${(error as Error).message}`);
    }
  }
  const out: Record<string, Record<string, unknown>> = {};
  for (const section of Object.keys(DEFAULT_CONFIG) as Section[]) {
    const defaults = DEFAULT_CONFIG[section] as Record<string, unknown>;
    const given = fromFile[section] ?? {};
    for (const key of Object.keys(given)) if (!(key in defaults)) throw new ConfigError(`${section}.${key}`, 'unknown key');
    const merged: Record<string, unknown> = {};
    for (const [key, fallback] of Object.entries(defaults)) {
      const raw = options.env?.[envName(section, key)];
      const value = raw !== undefined ? fromEnv(raw, fallback, `${section}.${key}`) : key in given ? given[key] : fallback;
      merged[key] = check(value, fallback, `${section}.${key}`);
    }
    out[section] = merged;
  }
  for (const section of Object.keys(fromFile)) if (!(section in DEFAULT_CONFIG)) throw new ConfigError(section, 'unknown section');
  if (out.store!.path !== ':memory:') out.store!.path = fromCwd(out.store!.path as string);
  const config = out as unknown as GatewayConfig;
  if (config.store.synchronous !== 'normal' && config.store.synchronous !== 'full') throw new ConfigError('store.synchronous', `expected normal or full, got ${JSON.stringify(config.store.synchronous)}`);
  if (config.store.url !== null && !/^postgres(ql)?:\/\/./.test(config.store.url)) throw new ConfigError('store.url', `expected a postgres:// URL or null, got ${JSON.stringify(redactedUrl(config.store.url))}`);
  if (config.auth.mode !== 'digest' && config.auth.mode !== 'off') throw new ConfigError('auth.mode', `expected digest or off, got ${JSON.stringify(config.auth.mode)}`);
  for (const algorithm of config.auth.algorithms.split(',')) {
    if (!AUTH_ALGORITHMS.has(algorithm.trim())) throw new ConfigError('auth.algorithms', `expected a list of ${[...AUTH_ALGORITHMS].join(', ')}; got ${JSON.stringify(algorithm)}`);
  }
  if ((config.auth.demoUser === null) !== (config.auth.demoPassword === null)) throw new ConfigError('auth.demoPassword', 'auth.demoUser and auth.demoPassword are set together (or both null)');
  if (config.http.adminKey !== null && parseToken(config.http.adminKey) === undefined) throw new ConfigError('http.adminKey', 'expected an API key: k_ and 16 base32 letters, a dot, 43 base64url characters (docs/http-api.md, "Getting a key")');
  if (!(MESSAGE_ID_TYPES as readonly string[]).includes(config.smpp.messageIdType)) throw new ConfigError('smpp.messageIdType', `expected one of ${MESSAGE_ID_TYPES.join(', ')}, got ${JSON.stringify(config.smpp.messageIdType)}`);
  if (config.smpp.maxParts > 255) throw new ConfigError('smpp.maxParts', 'a concatenated message has at most 255 parts');
  if (config.sip.t1 > config.sip.t2) throw new ConfigError('sip.t1', 'must not exceed sip.t2');
  if (config.cluster.leaseTime < MIN_LEASE_TIME) throw new ConfigError('cluster.leaseTime', `must be at least ${MIN_LEASE_TIME} ms (renewed every third of it, over the network)`);
  if (config.sip.minExpires > config.sip.defaultExpires || config.sip.defaultExpires > config.sip.maxExpires) {
    throw new ConfigError('sip.defaultExpires', 'must lie between sip.minExpires and sip.maxExpires');
  }
  return config;
}

/**
 * The configuration of `pnpm start` and `pnpm users`: `--config FILE` (or `--config=FILE`, else
 * `SWITCHBOARD_CONFIG`), then the `SWITCHBOARD_*` variables; relative paths are read from the
 * caller's directory (`callerDirectory`). Returns the arguments left once `--config` is taken out.
 *
 * @example
 * const { config, args } = commandLineConfig(process.argv.slice(2), process.env);
 */
export function commandLineConfig(argv: readonly string[], env: Record<string, string | undefined>): { readonly config: GatewayConfig; readonly args: string[] } {
  const args = [...argv];
  let file = env.SWITCHBOARD_CONFIG === '' ? undefined : env.SWITCHBOARD_CONFIG;
  const at = args.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (at >= 0) {
    const arg = args[at]!;
    const value = arg === '--config' ? args[at + 1] : arg.slice('--config='.length);
    if (value === undefined || value === '') throw new ConfigError('(file)', '--config needs a file name');
    file = value;
    args.splice(at, arg === '--config' ? 2 : 1);
  }
  return { config: loadConfig({ ...(file === undefined ? {} : { file }), env, cwd: callerDirectory(env) }), args };
}

function fromEnv(raw: string, fallback: unknown, key: string): unknown {
  if (typeof fallback === 'number') {
    if (!/^\d+$/.test(raw)) throw new ConfigError(key, `expected a whole number, got ${JSON.stringify(raw)}`);
    return Number(raw);
  }
  if (fallback === null || NULLABLE.has(key)) return raw === '' ? null : raw;
  return raw;
}

/** The digest algorithms whose HA1s the store keeps (the -sess forms use the same ones). */
export const AUTH_ALGORITHMS = new Set(['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess']);
/** The shortest bind lease taken (ms): a third of it must cover a round trip to the database and back. */
const MIN_LEASE_TIME = 300;
const AT_LEAST_ONE = new Set(['http.retentionDays', 'webhooks.giveUpAfter', 'webhooks.timeout', 'webhooks.concurrency', 'webhooks.maxRetryDelay', 'cluster.pollInterval', 'store.poolSize', 'smpp.binds', 'smpp.window', 'smpp.maxParts', 'sip.maxBindingsPerUser', 'sip.maxTransactions', 'sip.maxConnections', 'sip.maxConnectionsPerAddress', 'sip.idleTimeout', 'sip.partialMessageTimeout', 'sip.maxMessageSize', 'sip.t1', 'sip.t2', 'sip.t4', 'auth.nonceLifetime']);
/** Keys whose default is a string but that may be turned off with null (or an empty variable). */
const NULLABLE = new Set(['auth.demoUser', 'auth.demoPassword']);

/** What a nullable setting holds, for its error message. */
const NULLABLE_WHAT: Record<string, string> = { 'http.adminKey': 'an API key <id>.<secret>', 'store.url': 'a postgres:// URL', 'cluster.nodeId': 'a node name', 'auth.demoUser': 'a user name', 'auth.demoPassword': 'a password' };

/** A URL with its password, if any, hidden: configuration errors do not print secrets. */
function redactedUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

function check(value: unknown, fallback: unknown, key: string): unknown {
  if (typeof fallback === 'number') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new ConfigError(key, `expected a whole number, got ${JSON.stringify(value)}`);
    if (key.toLowerCase().endsWith('port') && value > 65_535) throw new ConfigError(key, `a port is at most 65535, got ${value}`);
    if (AT_LEAST_ONE.has(key) && value < 1) throw new ConfigError(key, 'must be at least 1');
    return value;
  }
  if (fallback === null || NULLABLE.has(key)) {
    if (value !== null && (typeof value !== 'string' || value === '')) throw new ConfigError(key, `expected ${NULLABLE_WHAT[key] ?? 'a host name'} or null, got ${JSON.stringify(value)}`);
    return value;
  }
  if (typeof value !== 'string' || value === '') throw new ConfigError(key, `expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}
