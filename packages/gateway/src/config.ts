// The gateway's configuration: defaults for everything, then a JSON file, then environment
// variables (SWITCHBOARD_<SECTION>_<KEY>), validated at start; a bad value is a ConfigError naming
// its key.
import { readFileSync } from 'node:fs';

export interface GatewayConfig {
  readonly sip: {
    readonly host: string;
    readonly port: number;
    /** The domain of the users' AORs (sip:user@domain). */
    readonly domain: string;
    /** Registrations: default, least and most Expires (s). */
    readonly defaultExpires: number;
    readonly minExpires: number;
    readonly maxExpires: number;
    /** Most contacts one user may register; past it a REGISTER is answered 403. */
    readonly maxBindingsPerUser: number;
    /** Most live SIP transactions; past it requests are answered 503 with Retry-After. */
    readonly maxTransactions: number;
    /** Most TCP connections open at once, and with one remote address. */
    readonly maxConnections: number;
    readonly maxConnectionsPerAddress: number;
    /** A TCP connection with no whole message, ping or write for this long is closed (ms). */
    readonly idleTimeout: number;
    /** A TCP connection holding part of a message this long is closed (ms; slowloris). */
    readonly partialMessageTimeout: number;
    /** The largest SIP message taken, head and body (octets; 413 past it). */
    readonly maxMessageSize: number;
    /** The transaction timers' base (RFC 3261 §17.1.1.1), ms: T1, T2, T4. */
    readonly t1: number;
    readonly t2: number;
    readonly t4: number;
  };
  readonly smpp: {
    /** null: start the embedded MC simulator. */
    readonly host: string | null;
    readonly port: number;
    readonly systemId: string;
    readonly password: string;
    /** Transceiver binds in the pool. */
    readonly binds: number;
    readonly window: number;
    /** Most submit_sm per second per bind (the SMSC's contract); 0 for no limit. */
    readonly throughput: number;
    /** Source address of messages from users without a number. */
    readonly defaultSource: string;
    /** How long a MESSAGE taken while no bind is up waits for one (s). */
    readonly validity: number;
    /** Most SMS parts one MESSAGE may become; a longer text is answered 513. */
    readonly maxParts: number;
  };
  readonly auth: {
    /** `digest`: REGISTER and MESSAGE need RFC 3261 §22 digest credentials; `off`: anyone may (tests, trusted networks). */
    readonly mode: string;
    /**
     * The digest algorithms challenged with, one WWW-Authenticate each, in this order. MD5 comes
     * first by default: sipp, sipsak and many phones read only the first challenge and know only
     * MD5; clients that follow RFC 8760 pick SHA-256 from the second.
     */
    readonly algorithms: string;
    /** How long a nonce is good for (s); after it the client is asked again with stale=true. */
    readonly nonceLifetime: number;
    /** A user created at start with `demoPassword`, so the embedded defaults work; null for none. */
    readonly demoUser: string | null;
    readonly demoPassword: string | null;
  };
  readonly store: {
    /** The SQLite file (created with its folder). */
    readonly path: string;
    /** `normal`: durable across gateway crashes; `full`: across power loss too (an fsync per commit). */
    readonly synchronous: string;
  };
  readonly status: {
    /** The HTTP status page (JSON at /status.json, HTML at /). */
    readonly host: string;
    readonly port: number;
  };
}

export const DEFAULT_CONFIG: GatewayConfig = {
  sip: {
    host: '127.0.0.1',
    port: 5060,
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
  smpp: { host: null, port: 2775, systemId: 'gateway', password: 'secret', binds: 1, window: 10, throughput: 0, defaultSource: '4000', validity: 3600, maxParts: 10 },
  auth: { mode: 'digest', algorithms: 'MD5,SHA-256', nonceLifetime: 300, demoUser: '447700900123', demoPassword: 'switchboard' },
  store: { path: 'data/gateway.sqlite', synchronous: 'normal' },
  status: { host: '127.0.0.1', port: 8080 },
};

export class ConfigError extends Error {
  readonly code = 'ERR_GATEWAY_CONFIG';
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

function envName(section: string, key: string): string {
  return `SWITCHBOARD_${section}_${key.replace(/[A-Z]/g, (c) => `_${c}`)}`.toUpperCase();
}

/**
 * Reads the configuration: `file` (JSON, optional) over the defaults, then `env` over both.
 *
 * @example
 * loadConfig({ file: 'gateway.json', env: process.env }) // SWITCHBOARD_SIP_PORT=5070 wins over the file
 */
export function loadConfig(options: { file?: string; env?: Record<string, string | undefined> } = {}): GatewayConfig {
  let fromFile: Raw = {};
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new ConfigError('(file)', `cannot read ${options.file}: ${(error as Error).message}`);
    }
    try {
      fromFile = JSON.parse(text) as Raw;
    } catch (error) {
      throw new ConfigError('(file)', `${options.file} is not JSON: ${(error as Error).message}`);
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
  const config = out as unknown as GatewayConfig;
  if (config.store.synchronous !== 'normal' && config.store.synchronous !== 'full') throw new ConfigError('store.synchronous', `expected normal or full, got ${JSON.stringify(config.store.synchronous)}`);
  if (config.auth.mode !== 'digest' && config.auth.mode !== 'off') throw new ConfigError('auth.mode', `expected digest or off, got ${JSON.stringify(config.auth.mode)}`);
  for (const algorithm of config.auth.algorithms.split(',')) {
    if (!AUTH_ALGORITHMS.has(algorithm.trim())) throw new ConfigError('auth.algorithms', `expected a list of ${[...AUTH_ALGORITHMS].join(', ')}; got ${JSON.stringify(algorithm)}`);
  }
  if ((config.auth.demoUser === null) !== (config.auth.demoPassword === null)) throw new ConfigError('auth.demoPassword', 'auth.demoUser and auth.demoPassword are set together (or both null)');
  if (config.smpp.maxParts > 255) throw new ConfigError('smpp.maxParts', 'a concatenated message has at most 255 parts');
  if (config.sip.t1 > config.sip.t2) throw new ConfigError('sip.t1', 'must not exceed sip.t2');
  if (config.sip.minExpires > config.sip.defaultExpires || config.sip.defaultExpires > config.sip.maxExpires) {
    throw new ConfigError('sip.defaultExpires', 'must lie between sip.minExpires and sip.maxExpires');
  }
  return config;
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
const AT_LEAST_ONE = new Set(['smpp.binds', 'smpp.window', 'smpp.maxParts', 'sip.maxBindingsPerUser', 'sip.maxTransactions', 'sip.maxConnections', 'sip.maxConnectionsPerAddress', 'sip.idleTimeout', 'sip.partialMessageTimeout', 'sip.maxMessageSize', 'sip.t1', 'sip.t2', 'sip.t4', 'auth.nonceLifetime']);
/** Keys whose default is a string but that may be turned off with null (or an empty variable). */
const NULLABLE = new Set(['auth.demoUser', 'auth.demoPassword']);

function check(value: unknown, fallback: unknown, key: string): unknown {
  if (typeof fallback === 'number') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new ConfigError(key, `expected a whole number, got ${JSON.stringify(value)}`);
    if (key.endsWith('port') && value > 65_535) throw new ConfigError(key, `a port is at most 65535, got ${value}`);
    if (AT_LEAST_ONE.has(key) && value < 1) throw new ConfigError(key, 'must be at least 1');
    return value;
  }
  if (fallback === null || NULLABLE.has(key)) {
    if (value !== null && (typeof value !== 'string' || value === '')) throw new ConfigError(key, `expected a host name or null, got ${JSON.stringify(value)}`);
    return value;
  }
  if (typeof value !== 'string' || value === '') throw new ConfigError(key, `expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}
