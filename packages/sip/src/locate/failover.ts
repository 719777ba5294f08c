// RFC 3263 §4.3 in the stack's send path: a request whose next hop was located goes to the first
// target; a transport error, a timeout (Timer B or F) or a 503 before any other response sends a
// copy with a new branch (a new transaction) to the next target, and the core hears of the
// failure only once no target is left.
import createDebug from 'debug';
import { detach, send } from '@switchboard/actor';
import { SipRequest } from '../message/message.js';
import type { SipStack } from '../stack.js';
import type { CoreMessage } from '../transaction/environment.js';
import { TransactionTimeoutError } from '../transaction/errors.js';
import type { ClientTransaction } from '../transaction/handles.js';
import { CoreError, CoreResponse } from '../transaction/messages.js';
import { formatDestination, type TransportName } from '../transport/endpoint.js';
import { SipTransportError } from '../transport/errors.js';
import { nextHopUri } from '../transport/next-hop.js';
import { ServerLocator, type LocateFilter, type ServerLocatorOptions } from './server-locator.js';
import type { TargetList } from './target-list.js';

const log = createDebug('switchboard:sip:locate');

/**
 * The stack's `locate` option: a {@link ServerLocator} of yours (shared between stacks, say), or
 * the options of one the stack makes on its runtime's clock.
 */
export type LocateOption = ServerLocator | ServerLocatorOptions;

/** Each retry's transaction → the first attempt's, for {@link firstAttempt}. */
const firsts = new WeakMap<ClientTransaction, ClientTransaction>();

/**
 * The client transaction a request was first sent in. After a failover (RFC 3263 §4.3) a core's
 * `receiveResponse` and `receiveError` get the transaction of the attempt that answered or failed
 * last, with a new branch and destination; this maps it back to the transaction `sendRequest`
 * returned, so a core that keeps state by transaction finds it. Any other transaction maps to
 * itself.
 *
 * @example
 * ```ts fragment
 * receiveResponse(response, transaction) {
 *   const waiter = transaction === null ? undefined : this.waiting.get(firstAttempt(transaction).key);
 * }
 * ```
 */
export function firstAttempt(transaction: ClientTransaction): ClientTransaction {
  return firsts.get(transaction) ?? transaction;
}

/**
 * @internal the stack's RFC 3263 failover: `locate` gives `sendRequest` the targets of a request's
 * next hop, `track` ties them to its transaction, and `intercept` (in the stack's way to the core)
 * turns a failure into a send to the next target.
 */
export class Failover {
  /** The locator the stack's lookups go through. */
  readonly locator: ServerLocator;
  private readonly attempts = new WeakMap<ClientTransaction, TargetList>();
  /** Attempts that had a response: the server was reached, and only a 503 moves on. */
  private readonly reached = new WeakSet<ClientTransaction>();
  /** Copies being sent to the next target, with the list they walk. */
  private readonly retries = new WeakMap<SipRequest, { readonly targets: TargetList; readonly first: ClientTransaction }>();
  /** Set in `locate` for a retry's copy, read in `track`. */
  private readonly pendingFirst = new WeakMap<TargetList, ClientTransaction>();

  constructor(
    private readonly stack: SipStack,
    option: LocateOption,
  ) {
    this.locator = option instanceof ServerLocator ? option : new ServerLocator({ clock: stack.runtime.clock, ...option });
  }

  /** The targets of `request`'s next hop; a retry's copy gets the list it walks, moved on already. */
  async locate(request: SipRequest): Promise<TargetList> {
    const retry = this.retries.get(request);
    if (retry !== undefined) {
      this.retries.delete(request);
      this.pendingFirst.set(retry.targets, retry.first);
      return retry.targets;
    }
    return this.locator.locate(nextHopUri(request), this.filter());
  }

  /** Ties `targets` to the transaction sent to `targets.current`. */
  track(handle: ClientTransaction, targets: TargetList): void {
    this.attempts.set(handle, targets);
    const first = this.pendingFirst.get(targets);
    if (first !== undefined) {
      this.pendingFirst.delete(targets);
      firsts.set(handle, first);
    }
  }

  /**
   * Called with every message on its way to the core: true when it was a failure of a tracked
   * attempt with targets left, which is then retried (and handed to the core later only if every
   * target fails).
   */
  intercept(message: CoreMessage): boolean {
    const transaction = message.transaction;
    if (transaction === null || transaction.kind !== 'client') return false;
    const targets = this.attempts.get(transaction);
    if (targets === undefined) return false;
    if (message instanceof CoreResponse) {
      if (message.response.status < 200) {
        this.reached.add(transaction);
        return false;
      }
      this.attempts.delete(transaction);
      // RFC 3263 §4.3: a 503 moves on to the next target; any other final response is the answer.
      if (message.response.status !== 503) return false;
    } else if (message instanceof CoreError) {
      this.attempts.delete(transaction);
      const error = message.error;
      const failed = error instanceof SipTransportError || (error instanceof TransactionTimeoutError && (error.timer === 'B' || error.timer === 'F'));
      // A server that answered (a 1xx) was reached: a later timeout is its own, not the hop's.
      if (!failed || this.reached.has(transaction)) return false;
    } else return false;
    if (targets.exhausted) return false;
    // The stack's work, not the transaction process's: it goes on after that process has ended.
    detach(() => void this.retry(transaction, targets, message));
    return true;
  }

  /** RFC 3263 §4.3: "a new request, identical to the previous, but [with] a different Via branch". */
  private async retry(failed: ClientTransaction, targets: TargetList, failure: CoreMessage): Promise<void> {
    const reason = failure instanceof CoreResponse ? `${failure.response.status}` : failure instanceof CoreError ? failure.error.message : '';
    for (;;) {
      const next = await targets.next();
      if (next === undefined) {
        log('%s %s: no target left after %s', failed.method, failed.key, reason);
        this.deliver(failure);
        return;
      }
      log('%s to %s failed (%s): trying %s (%s)', failed.method, formatDestination(failed.destination), reason, formatDestination(next), next.host);
      const original = failed.request;
      const copy = new SipRequest(original.method, original.uri, original.headers.clone(), original.body);
      copy.headers.shift('via');
      this.retries.set(copy, { targets, first: firstAttempt(failed) });
      try {
        await this.stack.sendRequest(copy);
        return;
      } catch (error) {
        this.retries.delete(copy);
        log('%s not sent to %s: %s', failed.method, formatDestination(next), error instanceof Error ? error.message : String(error));
      }
    }
  }

  private deliver(message: CoreMessage): void {
    const core = this.stack.core;
    if (core !== null) send(core, message);
    else log('no core running: %s dropped', message.constructor.name);
  }

  /** Only what the stack can send on: transports it listens on, families it has addresses in. */
  private filter(): LocateFilter {
    const listeners = this.stack.listeners;
    const transports = [...new Set<TransportName>(listeners.map((l) => l.transport))];
    const families = ([4, 6] as const).filter((family) => listeners.some((l) => l.family === family));
    return { transports, families };
  }
}
