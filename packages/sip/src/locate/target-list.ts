// RFC 3263 §4.3: the ordered targets of one request's next hop, walked one at a time: the first is
// tried, and each failure (a transport error, a timeout, a 503) moves on to the next.
import type { Destination, TransportName } from '../transport/endpoint.js';
import type { DnsLookupError } from './errors.js';

/** A target of a lookup: where to send, and the host name its address came from. */
export interface LocatedTarget extends Destination {
  /** The transport, from the URI, a NAPTR record or the default (RFC 3263 §4.1). */
  readonly transport: TransportName;
  /** The host name the address was found for (the SRV target, or the URI's host). */
  readonly host: string;
}

/** @internal what a walk learned on the way: the last failed query, for the error when none is found */
export interface LocateProgress {
  error: DnsLookupError | undefined;
}

/**
 * The targets of one URI in the order to try them (RFC 3263 §4.3), looked up lazily: `current`
 * is the one being tried; `next()` moves on to the next, looking it up if need be.
 */
export class TargetList {
  /** The targets tried so far, `current` last. */
  readonly tried: LocatedTarget[] = [];
  private done = false;

  private constructor(
    private readonly source: AsyncGenerator<LocatedTarget>,
    /** The target being tried now. */
    public current: LocatedTarget,
  ) {
    this.tried.push(current);
  }

  /** @internal the locator's: the list of a walk, or null when it yields no target at all */
  static async start(source: AsyncGenerator<LocatedTarget>): Promise<TargetList | null> {
    const first = await source.next();
    return first.done === true ? null : new TargetList(source, first.value);
  }

  /** True once `next()` has found no more targets. */
  get exhausted(): boolean {
    return this.done;
  }

  /**
   * Moves on to the next target and returns it; undefined when there is none left (`current`
   * then stays the last one tried). Not to be called again before the previous call settles.
   */
  async next(): Promise<LocatedTarget | undefined> {
    if (this.done) return undefined;
    const step = await this.source.next();
    if (step.done === true) {
      this.done = true;
      return undefined;
    }
    this.current = step.value;
    this.tried.push(step.value);
    return step.value;
  }
}
