// Fail fast while PostgreSQL is out of reach. postgres.js queues a query that finds no open
// connection until one opens, so in an outage every request would wait for the database's return
// (and be answered late, or stored after its client gave up). Once a query fails for want of a
// connection, the gate is shut: operations are refused at once (the gateway answers 503 with
// Retry-After, having stored nothing), and a probe (`SELECT 1`) every PROBE_INTERVAL opens it again
// as soon as the database answers.
import createDebug from 'debug';
import postgres from 'postgres';

const log = createDebug('switchboard:gateway:store');

/** How often a shut gate probes the database (ms). */
const PROBE_INTERVAL = 250;

/**
 * SQLSTATEs of a connection the server ended before running the query (admin_shutdown,
 * crash_shutdown, cannot_connect_now): the query did nothing.
 */
export const SERVER_ENDED = new Set(['57P01', '57P02', '57P03']);

/** postgres.js's own connection errors, and the socket's. */
const CONNECTION_CODES = new Set(['CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE']);

/** Whether `error` says the database is out of reach, rather than that a statement failed. */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof postgres.PostgresError) return SERVER_ENDED.has(error.code);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}

/** The database is out of reach: the operation was not tried. */
export class DatabaseUnreachableError extends Error {
  /** A stable code, `ERR_GATEWAY_DATABASE_UNREACHABLE`. */
  readonly code = 'ERR_GATEWAY_DATABASE_UNREACHABLE';
  /** Made by the PostgreSQL store when its connection failed; `cause` is the driver's error. */
  constructor(cause: unknown) {
    super(`the database is out of reach (${cause instanceof Error ? cause.message : String(cause)}); not tried`, { cause });
    this.name = 'DatabaseUnreachableError';
  }
}

export class ReachabilityGate {
  private shutBy: unknown = null;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    /** Resolves once the database answered; rejects when it did not. */
    private readonly probe: () => Promise<unknown>,
  ) {}

  /** Throws DatabaseUnreachableError while the gate is shut. */
  check(): void {
    if (this.shutBy !== null) throw new DatabaseUnreachableError(this.shutBy);
  }

  /** An operation failed with `error`: shuts the gate when it says the database is out of reach. */
  failed(error: unknown): void {
    if (this.closed || this.shutBy !== null || !isUnreachable(error)) return;
    this.shutBy = error;
    log('database out of reach (%s): refusing operations until it answers', error instanceof Error ? error.message : String(error));
    this.schedule();
  }

  /** Stops probing (the store closes). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.probe().then(
        () => {
          log('database reachable again');
          this.shutBy = null;
        },
        (error: unknown) => {
          this.shutBy = error;
          this.schedule();
        },
      );
    }, PROBE_INTERVAL);
  }
}
