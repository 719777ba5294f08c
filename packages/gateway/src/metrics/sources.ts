// The gauges that mirror state owned elsewhere (the store's queues, the registrar, the SIP stack,
// the SMPP binds) read it through callbacks given at construction, on each scrape. A callback that
// throws, rejects, returns a non-number or takes too long costs its own gauges, never the scrape.
import createDebug from 'debug';

const log = createDebug('switchboard:gateway:metrics');

/** A value, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** One SMPP bind as a scrape sees it: its ids (from the configuration), whether it is up, its window. */
export interface BindSample {
  /** The connector (SMSC account) the bind belongs to, as configured. */
  readonly connector: string;
  /** The bind's id within its connector, as configured (e.g. its index). */
  readonly bind: string;
  /** Whether the bind is bound and can submit. */
  readonly bound: boolean;
  /** Requests sent on the bind and waiting for their responses. */
  readonly inFlight: number;
  /** Most requests the bind may have in flight. */
  readonly window: number;
}

/** Live SIP transactions by kind (RFC 3261 §17). */
export interface TransactionCounts {
  /** Server transactions: requests being answered. */
  readonly server: number;
  /** Client transactions: requests the gateway sent (MESSAGEs to users, notifications). */
  readonly client: number;
}

/**
 * Where the state gauges read their values on each scrape. Each is optional: a gauge whose source
 * is not given is not registered, so the exposition never shows a made-up 0.
 */
export interface MetricsSources {
  /** Messages stored and waiting to be submitted to an SMSC (the outbox). */
  readonly outboxDepth?: () => MaybePromise<number>;
  /** Messages stored and waiting for their SIP user (the inbox: texts and delivery notifications). */
  readonly inboxDepth?: () => MaybePromise<number>;
  /** Registered contacts (bindings) not yet expired. */
  readonly registrations?: () => MaybePromise<number>;
  /** Live SIP transactions. */
  readonly sipTransactions?: () => MaybePromise<TransactionCounts>;
  /** Every SMPP bind of every connector, up or down. */
  readonly binds?: () => MaybePromise<readonly BindSample[]>;
}

/** The name of a source, the `source` label of the source-error counter. */
export type SourceName = keyof MetricsSources;

/** Every {@link SourceName}. */
export const SOURCE_NAMES: readonly SourceName[] = ['outboxDepth', 'inboxDepth', 'registrations', 'sipTransactions', 'binds'];

/** A source that did not answer in time. */
export class SourceTimeoutError extends Error {
  readonly code = 'ERR_GATEWAY_METRICS_SOURCE_TIMEOUT';
  constructor(
    readonly source: SourceName,
    readonly timeoutMs: number,
  ) {
    super(`metrics source ${source} did not answer within ${timeoutMs} ms`);
    this.name = 'SourceTimeoutError';
  }
}

/** A source that answered with something that is not a count. */
export class SourceValueError extends Error {
  readonly code = 'ERR_GATEWAY_METRICS_SOURCE_VALUE';
  constructor(
    readonly source: SourceName,
    readonly value: unknown,
  ) {
    super(`metrics source ${source} returned ${String(value)}, not a finite number`);
    this.name = 'SourceValueError';
  }
}

/**
 * Reads sources with a time limit, reporting failures to `onError` and answering undefined for
 * them. {@link SourceReader.settled} waits for the reads under way, so a metric collected after the
 * source gauges (the error counter) shows this scrape's failures in this scrape.
 */
export class SourceReader {
  readonly #pending = new Set<Promise<unknown>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onError: (source: SourceName) => void,
  ) {}

  /** The source's value, or undefined when it failed (already counted and logged). */
  read<T>(source: SourceName, read: () => MaybePromise<T>): Promise<T | undefined> {
    return this.#track(this.#read(source, read));
  }

  /** A count from the source: a finite number, else a failure. */
  count(source: SourceName, read: () => MaybePromise<number>): Promise<number | undefined> {
    return this.#track(
      this.#read(source, read).then((value) => {
        if (value === undefined) return undefined;
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          this.#fail(source, new SourceValueError(source, value));
          return undefined;
        }
        return value;
      }),
    );
  }

  /** Resolves once every read started so far has ended (they never reject). */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  #track<T>(read: Promise<T>): Promise<T> {
    this.#pending.add(read);
    void read.finally(() => this.#pending.delete(read));
    return read;
  }

  async #read<T>(source: SourceName, read: () => MaybePromise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SourceTimeoutError(source, this.timeoutMs)), this.timeoutMs);
        timer.unref();
      });
      return await Promise.race([Promise.resolve().then(read), timeout]);
    } catch (error) {
      this.#fail(source, error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  #fail(source: SourceName, error: unknown): void {
    log('source %s failed: %O', source, error);
    this.onError(source);
  }
}

/**
 * Shares one read among the callers that ask while it is pending: the three bind gauges are
 * collected in the same scrape and read the bind list once.
 */
export function sharedWhilePending<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= read().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
