// A stateful proxy (RFC 3261 §16) that a core drives: it validates a request (§16.3), preprocesses
// its Route set (§16.4), forwards a copy per target over new client transactions (§16.6), keeps a
// response context per request (§16.7), cancels branches (§16.10), forks in parallel or in
// sequence, and runs Timer C (§16.8) on the runtime's clock.
import createDebug from 'debug';
import { cancelTimer, self, sendAfter, type Awaitable, type Pid } from '@switchboard/actor';
import type { Core, CoreFactory, CoreProtocol } from '../core.js';
import { createResponse } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { paramValue } from '../message/params.js';
import { formatUri } from '../message/uri.js';
import type { SipStack } from '../stack.js';
import { TransactionTimeoutError } from '../transaction/errors.js';
import type { ClientTransaction, ServerTransaction } from '../transaction/handles.js';
import { serverKey } from '../transaction/key.js';
import { CoreError } from '../transaction/messages.js';
import { chooseBestResponse } from './best-response.js';
import { branchRequest } from './branch-request.js';
import { ProxyTimerCError } from './errors.js';
import { loopHash } from './loop-hash.js';
import { isOwnUri } from './own-uri.js';
import { recordRouteUri } from './record-route.js';
import { Branch, ResponseContext } from './response-context.js';
import { preprocessRoute } from './route-preprocess.js';
import type { ProxyTarget } from './target.js';
import { validateProxyRequest } from './validate.js';

const log = createDebug('switchboard:sip:proxy');

/**
 * The default Timer C (RFC 3261 §16.6 step 11): "greater than 3 minutes"; 181 s, so a branch that
 * rings for three minutes is not cut one millisecond early.
 */
export const DEFAULT_TIMER_C = 181_000;

/**
 * Where a request goes (RFC 3261 §16.5): its target set. Return `undefined` when this proxy is
 * not responsible for the Request-URI (the request goes to it, or is answered 404 when the URI
 * names this proxy), an empty list for "nobody there" (480).
 */
export type ProxyLocator = (request: SipRequest) => Awaitable<readonly ProxyTarget[] | undefined>;

/** Options of {@link StatefulProxy} and {@link statefulProxy}. */
export interface StatefulProxyOptions {
  /**
   * The target set of a request whose Route set is empty after preprocessing (§16.5); see
   * {@link ProxyLocator}. Default: the Request-URI, unless it names this proxy (then 404).
   */
  readonly locate?: ProxyLocator;
  /**
   * Insert a Record-Route (`lr`) in requests outside a dialog, REGISTER excepted, so the dialog's
   * later requests come through this proxy (§16.6 step 4). Default true.
   */
  readonly recordRoute?: boolean;
  /**
   * `'parallel'` (default): every target at once. `'sequential'`: the next target once the
   * previous one ended without a 2xx or 6xx (§16.6).
   */
  readonly forking?: 'parallel' | 'sequential';
  /** Timer C in ms (§16.6 step 11; default {@link DEFAULT_TIMER_C}). */
  readonly timers?: {
    /** Timer C in ms: how long an INVITE branch may go without a provisional or final response. */
    readonly C?: number;
  };
  /** Option tags this proxy supports in Proxy-Require (§16.3 step 5); default none. */
  readonly supported?: readonly string[];
  /** Answer 482 to a request that looped back unchanged (§16.3 step 4). Default true. */
  readonly loopDetection?: boolean;
}

/**
 * The proxy behaviour a core delegates to. Call its methods from the core's callbacks (they run in
 * the core process: Timer C is scheduled there) and await them; each `receive…` resolves to true
 * when the message was the proxy's, false when the core should handle it itself (a response to a
 * request the core sent on its own account).
 *
 * @example
 * ```ts fragment
 * const core: CoreFactory = (stack) => {
 *   const proxy = new StatefulProxy(stack, { locate: () => [{ uri: parseUri('sip:bob@192.0.2.4') }] });
 *   return {
 *     receiveRequest: (request, transaction) => proxy.receiveRequest(request, transaction),
 *     async receiveResponse(response, transaction) { await proxy.receiveResponse(response, transaction); },
 *     async receiveError(error, transaction) { await proxy.receiveError(error, transaction); },
 *   };
 * };
 * ```
 */
export class StatefulProxy {
  private readonly contexts = new Map<string, ResponseContext>();
  private readonly branches = new WeakMap<ClientTransaction, Branch>();
  private readonly cancels = new WeakSet<ClientTransaction>();
  /** Via branch → loop digest of the branches of live contexts (§16.3 step 4). */
  private readonly loops = new Map<string, string>();
  private readonly timerC: number;
  /** The core process, learnt on the first callback (Timer C goes to its mailbox). */
  private core: Pid<CoreProtocol> | null = null;

  /** A proxy sending through `stack`. */
  constructor(
    /** The stack whose core uses this proxy. */
    readonly stack: SipStack,
    /** How to locate, record-route, fork and time out. */
    readonly options: StatefulProxyOptions = {},
  ) {
    this.timerC = options.timers?.C ?? DEFAULT_TIMER_C;
  }

  /** Requests being proxied now (response contexts, §16.7). */
  get size(): number {
    return this.contexts.size;
  }

  /**
   * Handles a request the way §16 asks: a CANCEL cancels the branches of its INVITE (§16.10); an
   * ACK to a 2xx is forwarded without a transaction; anything else is validated (§16.3), its Route
   * set preprocessed (§16.4), its target set located (§16.5) and forwarded (§16.6).
   */
  async receiveRequest(request: SipRequest, transaction: ServerTransaction | null): Promise<void> {
    this.core ??= self<CoreProtocol>();
    if (request.method === 'CANCEL' && transaction !== null) return this.receiveCancel(request, transaction);
    const looped = this.options.loopDetection === false ? undefined : (r: SipRequest) => this.looped(r);
    const refusal = validateProxyRequest(request, { supported: this.options.supported ?? [], ...(looped === undefined ? {} : { looped }) });
    if (refusal !== undefined) {
      log('%s %s refused: %d', request.method, request.requestTarget, refusal.status);
      if (transaction !== null) transaction.respond(refusal);
      return;
    }
    const hash = loopHash(request);
    const routed = preprocessRoute(request, (uri) => isOwnUri(this.stack, uri));
    const targets = await this.targets(request, routed);
    if (transaction === null) {
      // An ACK to a 2xx: end to end, no transaction (§16.6 step 10 with no response expected).
      const target = targets?.[0];
      if (target !== undefined) await this.forwardStatelessly(request, target);
      return;
    }
    if (targets === undefined) return transaction.respond(createResponse(request, 404));
    if (targets.length === 0) return transaction.respond(createResponse(request, 480)); // §16.5
    await this.forward(request, transaction, targets, hash);
  }

  /**
   * Forwards a request already validated and preprocessed to `targets` (§16.6): one client
   * transaction per branch, all at once or one after another (`forking`). Answers 100 Trying to an
   * INVITE first (§16.2).
   */
  async forward(request: SipRequest, transaction: ServerTransaction, targets: readonly ProxyTarget[], hash: string = loopHash(request)): Promise<void> {
    this.core ??= self<CoreProtocol>();
    const sequential = this.options.forking === 'sequential';
    const context = new ResponseContext(transaction, request, sequential ? targets.slice(1) : []);
    this.contexts.set(transaction.key, context);
    if (context.invite) transaction.respond(createResponse(request, 100));
    const first = sequential ? targets.slice(0, 1) : targets;
    await Promise.all(first.map((target) => this.startBranch(context, target, hash)));
    this.settle(context);
  }

  /**
   * A response on one of the proxy's branches (§16.7): provisional ones but 100 go upstream while
   * no final did, every 2xx goes upstream, other finals wait for the best to be chosen. Resolves
   * to false when `transaction` is not the proxy's.
   */
  async receiveResponse(response: SipResponse, transaction: ClientTransaction | null): Promise<boolean> {
    this.core ??= self<CoreProtocol>();
    if (transaction === null) {
      this.forwardResponseStatelessly(response); // §16.7 step 1: no context
      return true;
    }
    if (this.cancels.has(transaction)) return true; // the answer to our own CANCEL
    const branch = this.branches.get(transaction);
    if (branch === undefined) return false;
    const context = branch.context;
    response.headers.shift('via'); // §16.7 step 3
    if (!response.headers.has('Via')) return true;
    const status = response.status;
    if (status < 200) {
      branch.provisional = true;
      if (status > 100 && context.invite && !branch.done) this.armTimerC(branch); // §16.7 step 2
      if (branch.cancelWanted) this.cancelBranch(branch);
      if (status > 100 && !context.answered) context.server.respond(response); // §16.7 step 5
      return true;
    }
    if (status < 300) {
      this.finish(branch);
      context.server.respond(response); // §16.7 step 5: every 2xx, at once
      if (!context.answered) {
        context.answered = true;
        context.closed = true;
        for (const other of context.live) this.cancelBranch(other); // §16.7 step 10
      }
      this.settle(context);
      return true;
    }
    await this.branchFailed(branch, response);
    return true;
  }

  /**
   * A failure on one of the proxy's transactions: Timer C (CANCEL the branch, or count it as 408,
   * §16.8), a transaction timeout (408) or transport error (503) on a branch (§16.7). Resolves to
   * false when `transaction` is not the proxy's.
   */
  async receiveError(error: Error, transaction: ServerTransaction | ClientTransaction): Promise<boolean> {
    this.core ??= self<CoreProtocol>();
    if (transaction.kind === 'server') {
      const known = this.contexts.has(transaction.key);
      if (known) log('%s server transaction failed: %s', transaction.method, error.message);
      return known;
    }
    if (this.cancels.has(transaction)) return true;
    const branch = this.branches.get(transaction);
    if (branch === undefined) return false;
    if (branch.done) return true;
    if (error instanceof ProxyTimerCError) {
      branch.timerC = null;
      // §16.8: a branch with a provisional response is cancelled (and given one more Timer C to
      // answer it); one without, or one that ignored the CANCEL, counts as a 408.
      if (branch.provisional && !branch.cancelled) {
        this.cancelBranch(branch);
        this.armTimerC(branch);
        return true;
      }
      transaction.terminate();
    } else log('branch to %s failed: %s', formatUri(branch.target.uri), error.message);
    const status = error instanceof ProxyTimerCError || error instanceof TransactionTimeoutError ? 408 : 503;
    await this.branchFailed(branch, createResponse(branch.context.request, status));
    return true;
  }

  /** §16.10 (and §9.2): cancel every pending branch of the INVITE the CANCEL names. */
  private async receiveCancel(request: SipRequest, transaction: ServerTransaction): Promise<void> {
    let context: ResponseContext | undefined;
    if (transaction.method === 'INVITE') context = this.contexts.get(transaction.key); // the stack answered 200
    else {
      context = this.contexts.get(serverKey(request, 'INVITE'));
      if (context === undefined) {
        // §16.10: no context: forward the CANCEL statelessly, as a stateless proxy would.
        transaction.terminate();
        const routed = preprocessRoute(request, (uri) => isOwnUri(this.stack, uri));
        const target = (await this.targets(request, routed))?.[0];
        if (target !== undefined) await this.forwardStatelessly(request, target);
        return;
      }
      transaction.respond(createResponse(request, 200));
    }
    if (context === undefined || context.answered) return;
    log('CANCEL of %s: %d branch(es) pending', context.request.requestTarget, context.live.length);
    context.closed = true;
    context.pending = [];
    for (const branch of context.live) this.cancelBranch(branch);
    this.settle(context);
  }

  private async targets(request: SipRequest, routed: boolean): Promise<readonly ProxyTarget[] | undefined> {
    if (routed) return [{ uri: request.uri }]; // §16.5: a Route set decides, the Request-URI is the target
    const own = isOwnUri(this.stack, request.uri);
    const located = this.options.locate === undefined ? undefined : await this.options.locate(request);
    if (located !== undefined) return located;
    return own ? undefined : [{ uri: request.uri }];
  }

  private async startBranch(context: ResponseContext, target: ProxyTarget, hash: string): Promise<void> {
    const request = context.request;
    const recordRoute = this.options.recordRoute !== false && paramValue(request.to?.params ?? [], 'tag') === undefined && request.method !== 'REGISTER' ? recordRouteUri(this.stack, context.server.source.transport) : undefined;
    const copy = branchRequest(request, recordRoute === undefined ? { uri: target.uri } : { uri: target.uri, recordRoute });
    context.starting++;
    let transaction: ClientTransaction | null;
    try {
      transaction = await this.stack.sendRequest(copy, target.destination === undefined ? {} : { destination: target.destination });
    } catch (error) {
      context.starting--;
      // §16.7: a branch that could not be sent counts as a 503 from it.
      log('branch to %s not sent: %s', formatUri(target.uri), error instanceof Error ? error.message : String(error));
      if (!context.answered) context.finals.push(createResponse(request, 503));
      await this.next(context, hash);
      return;
    }
    context.starting--;
    if (transaction === null) return;
    const branch = new Branch(context, transaction, target, hash);
    context.branches.push(branch);
    this.branches.set(transaction, branch);
    const via = transaction.request.topVia;
    const branchId = via === undefined ? undefined : paramValue(via.params, 'branch');
    if (typeof branchId === 'string') this.loops.set(branchId, hash);
    if (context.invite) this.armTimerC(branch);
    if (context.closed) this.cancelBranch(branch); // cancelled while it was being sent
  }

  /** A branch ended without a 2xx (a final ≥ 300, or a failure counted as one). */
  private async branchFailed(branch: Branch, response: SipResponse): Promise<void> {
    const context = branch.context;
    this.finish(branch);
    if (!context.answered) {
      context.finals.push(response);
      if (response.status >= 600) {
        // §16.7 step 5: a 6xx ends the search: cancel the rest, start nothing new.
        context.closed = true;
        context.pending = [];
        for (const other of context.live) this.cancelBranch(other);
      }
    }
    await this.next(context, branch.loopHash);
    this.settle(context);
  }

  /** Sequential forking: the next target once no branch is live. */
  private async next(context: ResponseContext, hash: string): Promise<void> {
    while (!context.closed && !context.answered && context.starting === 0 && context.live.length === 0) {
      const target = context.pending.shift();
      if (target === undefined) return;
      await this.startBranch(context, target, hash);
    }
  }

  /** §16.7 step 6: every branch done: the best response goes upstream; the context ends. */
  private settle(context: ResponseContext): void {
    if (!context.complete) return;
    if (!context.answered) {
      context.answered = true;
      const best = chooseBestResponse(context.finals) ?? createResponse(context.request, 408);
      log('%s %s: %d chosen of %d final(s)', context.request.method, context.request.requestTarget, best.status, context.finals.length);
      context.server.respond(best);
    }
    if (this.contexts.get(context.server.key) === context) this.contexts.delete(context.server.key);
    for (const branch of context.branches) {
      const via = branch.transaction.request.topVia;
      const id = via === undefined ? undefined : paramValue(via.params, 'branch');
      if (typeof id === 'string') this.loops.delete(id);
    }
  }

  private finish(branch: Branch): void {
    branch.done = true;
    if (branch.timerC !== null) cancelTimer(branch.timerC);
    branch.timerC = null;
  }

  /** §16.6 step 11 / §16.7 step 2: (re)start Timer C, delivered to the core's receiveError. */
  private armTimerC(branch: Branch): void {
    if (branch.timerC !== null) cancelTimer(branch.timerC);
    const error = new ProxyTimerCError(formatUri(branch.target.uri), this.timerC);
    branch.timerC = sendAfter(this.core ?? self<CoreProtocol>(), new CoreError(error, branch.transaction), this.timerC);
  }

  /** §9.1: a CANCEL only once the branch has a provisional response; until then it waits. */
  private cancelBranch(branch: Branch): void {
    if (branch.done || branch.cancelled || !branch.context.invite) return;
    if (!branch.provisional) {
      branch.cancelWanted = true;
      return;
    }
    branch.cancelled = true;
    branch.cancelWanted = false;
    this.stack.cancel(branch.transaction).then(
      (cancel) => {
        if (cancel !== null) this.cancels.add(cancel);
      },
      (error: unknown) => log('CANCEL to %s not sent: %s', formatUri(branch.target.uri), error instanceof Error ? error.message : String(error)),
    );
  }

  /** §16.4 done: loop detection against the branches this proxy has live (§16.3 step 4). */
  private looped(request: SipRequest): boolean {
    if (this.loops.size === 0) return false;
    let hash: string | undefined;
    for (const via of request.via) {
      if (!this.stack.transports.isOwnSentBy(via.host, via.port, via.transport)) continue;
      const id = paramValue(via.params, 'branch');
      const sent = typeof id === 'string' ? this.loops.get(id) : undefined;
      if (sent === undefined) continue;
      hash ??= loopHash(request);
      if (sent === hash) return true; // the same request again: a loop; a different one: a spiral
    }
    return false;
  }

  private async forwardStatelessly(request: SipRequest, target: ProxyTarget): Promise<void> {
    const copy = branchRequest(request, { uri: target.uri });
    try {
      await this.stack.sendRequest(copy, target.destination === undefined ? {} : { destination: target.destination });
    } catch (error) {
      log('%s to %s not forwarded: %s', request.method, formatUri(target.uri), error instanceof Error ? error.message : String(error));
    }
  }

  private forwardResponseStatelessly(response: SipResponse): void {
    response.headers.shift('via');
    if (!response.headers.has('Via')) return;
    try {
      this.stack.sendResponse(response);
    } catch (error) {
      log('response %d not forwarded: %s', response.status, error instanceof Error ? error.message : String(error));
    }
  }
}

/**
 * A core that is a stateful proxy and nothing else (RFC 3261 §16): every request is proxied by a
 * {@link StatefulProxy} with `options`.
 *
 * @example
 * ```ts fragment
 * const stack = await startStack(runtime, {
 *   listen: [{ transport: 'udp', port: 5060 }],
 *   core: statefulProxy({ locate: (request) => [{ uri: parseUri('sip:bob@192.0.2.4') }] }),
 * });
 * ```
 */
export function statefulProxy(options: StatefulProxyOptions = {}): CoreFactory {
  return (stack): Core => {
    const proxy = new StatefulProxy(stack, options);
    return {
      receiveRequest: (request, transaction) => proxy.receiveRequest(request, transaction),
      async receiveResponse(response, transaction) {
        await proxy.receiveResponse(response, transaction);
      },
      async receiveError(error, transaction) {
        await proxy.receiveError(error, transaction);
      },
    };
  };
}
