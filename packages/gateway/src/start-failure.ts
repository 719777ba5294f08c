// Why the gateway could not start, in one line a person can act on: the root cause found under the
// supervisors' nested ChildStartError / InitError wrappers, the setting to change, and an exit
// status from sysexits(3) so that scripts and service managers can tell the causes apart.
import { ChildStartError } from '@switchboard/actor';
import { envName, type GatewayConfig } from './config.js';

/** Exit statuses of `pnpm start` and `pnpm users` (sysexits.h). */
export const StartExit = {
  /** EX_SOFTWARE: an unexpected failure (a bug); the message carries the stack. */
  SOFTWARE: 70,
  /** EX_UNAVAILABLE: a port is in use, the address is not on this machine, or the database is unreachable. */
  UNAVAILABLE: 69,
  /** EX_CANTCREAT: the store cannot be created or opened for writing. */
  CANTCREAT: 73,
  /** EX_NOPERM: listening needs a privilege the process lacks (a port below 1024). */
  NOPERM: 77,
  /** EX_CONFIG: the configuration file cannot be read, or a setting is invalid. */
  CONFIG: 78,
} as const;

/**
 * The store could not be opened: the SQLite file (or its folder) could not be created or opened
 * for writing, or the PostgreSQL database could not be reached or migrated.
 */
export class StoreOpenError extends Error {
  /** A stable error code, `ERR_GATEWAY_STORE_OPEN`. */
  readonly code = 'ERR_GATEWAY_STORE_OPEN';
  /** Builds the error for the store at `path` (a file, or a URL without its password). */
  constructor(
    /** The `store.path` that failed, or the `store.url` without its password. */
    readonly path: string,
    cause: unknown,
    /** The setting that names the store: `store.path` (SQLite) or `store.url` (PostgreSQL). */
    readonly key: 'store.path' | 'store.url' = 'store.path',
  ) {
    super(`cannot open the store ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreOpenError';
  }
}

/** A start failure, explained: one line and the process's exit status. */
export interface StartFailure {
  /** One line: what failed, why, and the setting to change. */
  readonly message: string;
  readonly exitStatus: number;
  /** The setting to change (`sip.port`…), when the cause names one. */
  readonly key: string | null;
  /** The innermost error under the supervisors' wrappers. */
  readonly rootCause: unknown;
}

/** The gateway's children whose listening socket a setting names (ids as in gateway.ts). */
const LISTENER_KEYS: Readonly<Record<string, { readonly host: string; readonly port: string; readonly what: string }>> = {
  sip: { host: 'sip.host', port: 'sip.port', what: 'SIP' },
  status: { host: 'status.host', port: 'status.port', what: 'the status page' },
  http: { host: 'http.host', port: 'http.port', what: 'the HTTP API' },
  smsc: { host: 'smpp.host', port: 'smpp.port', what: 'the embedded SMPP simulator' },
};

/** The SIP stack's WebSocket listeners (children `ws-N` under `sip`) have their own port. */
const WS_LISTENER = { host: 'sip.host', port: 'sip.wsPort', what: 'SIP over WebSocket' } as const;

interface SystemError extends Error {
  readonly code?: string;
  readonly syscall?: string;
  readonly address?: string;
  readonly port?: number;
  readonly path?: string;
}

function isSystemError(error: unknown): error is SystemError {
  return error instanceof Error && typeof (error as SystemError).code === 'string';
}

/** Walks `cause` / `reason` down to the innermost error, noting the child ids on the way. */
function unwrap(error: unknown): { readonly rootCause: unknown; readonly childIds: string[]; readonly store: StoreOpenError | null } {
  const childIds: string[] = [];
  let store: StoreOpenError | null = null;
  let current = error;
  for (let depth = 0; depth < 64; depth++) {
    if (current instanceof ChildStartError) childIds.push(current.childId);
    if (current instanceof StoreOpenError) store = current;
    const next = current instanceof Error ? (current.cause ?? (current as { reason?: unknown }).reason) : undefined;
    if (next === undefined || next === current) break;
    current = next;
  }
  return { rootCause: current, childIds, store };
}

const setting = (key: string): string => `${key} (${envName(...(key.split('.') as [string, string]))})`;

/**
 * Explains why `startApplication` (or `startGateway`) rejected: a port in use names `sip.port`,
 * `status.port` or `smpp.port`; a store that cannot be written names `store.path`; anything else is
 * a bug, reported with its root cause's stack.
 *
 * @example
 * const failure = startFailure(error, config);
 * process.stderr.write(`${failure.message}\n`);
 * process.exit(failure.exitStatus); // 69: cannot listen for SIP on 127.0.0.1:5060: the port is in use; …
 */
export function startFailure(error: unknown, config: GatewayConfig): StartFailure {
  const { rootCause, childIds, store } = unwrap(error);
  if (store !== null) {
    const why = reasonOf(rootCause);
    if (store.key === 'store.url') {
      return {
        message: `cannot open the store ${store.path}: ${why}; set ${setting('store.url')} to a PostgreSQL database this host can reach and write (or unset it for the SQLite file store.path)`,
        exitStatus: StartExit.UNAVAILABLE,
        key: 'store.url',
        rootCause,
      };
    }
    return {
      message: `cannot open the store ${store.path}: ${why}; set ${setting('store.path')} to a file in a writable folder`,
      exitStatus: StartExit.CANTCREAT,
      key: 'store.path',
      rootCause,
    };
  }
  // the first child under the gateway's own supervisor names the part that failed: gateway/sip/tcp-1
  const part = childIds.find((id) => id in LISTENER_KEYS);
  const listener = part === undefined ? undefined : part === 'sip' && childIds.some((id) => id.startsWith('ws-')) ? WS_LISTENER : LISTENER_KEYS[part];
  if (part !== undefined && listener !== undefined && isSystemError(rootCause) && (rootCause.syscall === 'listen' || rootCause.syscall === 'bind')) {
    const error = rootCause;
    const where = `${error.address ?? hostOf(listener.host, config)}:${error.port ?? portOf(listener.port, config)}`;
    const cannot = `cannot listen for ${listener.what} on ${where}`;
    if (error.code === 'EADDRINUSE') {
      return { message: `${cannot}: the port is in use by another program; set ${setting(listener.port)} to a free port, or stop the other program`, exitStatus: StartExit.UNAVAILABLE, key: listener.port, rootCause };
    }
    if (error.code === 'EACCES' || error.code === 'EPERM') {
      return { message: `${cannot}: permission denied (ports below 1024 need privileges); set ${setting(listener.port)} to a port above 1023`, exitStatus: StartExit.NOPERM, key: listener.port, rootCause };
    }
    if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
      const key = part === 'smsc' ? listener.port : listener.host;
      return { message: `${cannot}: the address is not one of this machine's; set ${setting(key)}`, exitStatus: StartExit.UNAVAILABLE, key, rootCause };
    }
  }
  const stack = rootCause instanceof Error ? (rootCause.stack ?? rootCause.message) : String(rootCause);
  const path = childIds.length === 0 ? '' : ` (in ${childIds.join('/')})`;
  return { message: `the gateway could not start${path}: ${stack}`, exitStatus: StartExit.SOFTWARE, key: null, rootCause };
}

/** An error's words: Node's connection errors to a name with several addresses come as an AggregateError without a message. */
function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '' && error.errors.length > 0) return reasonOf(error.errors[0]);
  if (error instanceof Error) return error.message !== '' ? error.message : ((error as SystemError).code ?? error.name);
  return String(error);
}

function hostOf(key: string, config: GatewayConfig): string {
  if (key === 'sip.host') return config.sip.host;
  if (key === 'status.host') return config.status.host;
  if (key === 'http.host') return config.http.host;
  return '127.0.0.1';
}

function portOf(key: string, config: GatewayConfig): number {
  if (key === 'sip.port') return config.sip.port;
  if (key === 'status.port') return config.status.port;
  if (key === 'http.port') return config.http.port;
  if (key === 'sip.wsPort') return config.sip.wsPort;
  return config.smpp.port;
}
