// The webhook sender: a process in the gateway's tree that sends what the durable webhook queue
// holds. It claims when kicked (the gateway queued one) and on a poll timer (webhooks other nodes
// queued, retries that came due, rows whose claim lapsed), and keeps nothing the queue does not:
// restarted, or on another node, it picks up where it was.
import createDebug from 'debug';
import {
  ExitError,
  NoProcError,
  Result,
  abortSignal,
  call,
  cast,
  reply,
  self,
  sendAfter,
  trapExit,
  type ChildSpec,
  type GenServer,
  type Pid,
  type Runtime,
} from '@switchboard/actor';
import type { ApiStore } from '../api-store.js';
import type { WebhookAttemptOutcome, WebhookEvent } from '../metrics/labels.js';
import type { BackoffOptions } from './backoff.js';
import { Dispatcher } from './dispatcher.js';

const log = createDebug('switchboard:gateway:webhooks');

/** Where the sender counts its attempts: the gateway's `GatewayMetrics` is one. */
export interface WebhookMetrics {
  /** One POST about `event` ended with `outcome` after `seconds` (runtime clock). */
  webhookAttempt(event: WebhookEvent, outcome: WebhookAttemptOutcome, seconds: number): void;
  /** A webhook about `event` was given up. */
  webhookGaveUp(event: WebhookEvent): void;
}

/** Options of a {@link WebhookSender}. */
export interface WebhookSenderOptions {
  /** The store whose webhook queue is sent (`store.api`'s methods are used). */
  readonly store: {
    /** The HTTP API's part of the store, which holds the webhook queue. */
    readonly api: ApiStore;
  };
  /**
   * The gateway's clock, ms since the epoch: what claims, next attempts and the give-up time are
   * measured in (the same clock that stamped `createdAt` and `giveUpAt`). Timers run on the
   * runtime's clock.
   */
  readonly now: () => number;
  /** Where attempts and give-ups are counted (`webhookAttempt`, `webhookGaveUp`). */
  readonly metrics?: WebhookMetrics;
  /** How often the queue is polled (ms, runtime clock; default 1000). */
  readonly pollInterval?: number;
  /** The most rows one claim takes (default 100; never more than the free slots). */
  readonly batch?: number;
  /** The most webhooks held at once, running or waiting for their host (default 16). */
  readonly concurrency?: number;
  /** The most requests running at once against one host (`host:port`; default 8). */
  readonly perHost?: number;
  /** How long one attempt may take (ms, default 10,000); past it the attempt is a `timeout`. */
  readonly timeout?: number;
  /**
   * How long a claim holds a row (ms). It must cover waiting for the host and the attempt; the
   * default is `timeout × ⌈concurrency / perHost⌉ + 30 s`.
   */
  readonly lease?: number;
  /** The retry schedule (default: from 1 s, doubling, at most 10 minutes, equal jitter). */
  readonly backoff?: BackoffOptions;
  /** The most bytes of a receiver's answer read before the connection is cut (default 65,536). */
  readonly maxResponseBytes?: number;
  /** The fetch used (default: Node's global fetch). */
  readonly fetch?: typeof fetch;
}

/** The sender process's messages. */
export type WebhookSenderProtocol = {
  /** `kick`: webhooks were queued, claim now. */
  readonly cast: 'kick';
  /** `poll`: the poll timer. */
  readonly info: 'poll';
  /** `drained`: answered once nothing is being claimed, sent or recorded. */
  readonly call: 'drained';
  /** The answer to `drained`. */
  readonly reply: void;
};

/** What the sender process is started with. */
export interface WebhookSenderArgs {
  /** The handle the process reports to. */
  readonly sender: WebhookSender;
  /** The runtime it runs on (its clock drives the time limits). */
  readonly runtime: Runtime;
}

interface SenderState {
  readonly dispatcher: Dispatcher;
  readonly pollInterval: number;
}

/**
 * The sender's process module: `init` starts a {@link Dispatcher} and the poll timer and claims
 * at once (rows left by a previous run); `kick` and each poll ask for a claim; `terminate` stops
 * the dispatcher, aborting requests in flight (the process's `abortSignal()` does the same when it
 * is killed). Start it through {@link webhookSenderChild}.
 */
export const WebhookSenderServer: GenServer<SenderState, WebhookSenderProtocol, WebhookSenderArgs> = {
  behaviourName: 'webhook_sender',
  // its one await (terminate's) is its last act: nothing after it to track (GenServer.tracksAwaits)
  tracksAwaits: false,
  init({ sender, runtime }) {
    trapExit(true);
    const options = sender.options;
    const concurrency = positive(options.concurrency, 16);
    const perHost = Math.min(concurrency, positive(options.perHost, 8));
    const timeout = positive(options.timeout, 10_000);
    const dispatcher = new Dispatcher({
      api: options.store.api,
      now: options.now,
      clock: runtime.clock,
      metrics: options.metrics,
      batch: positive(options.batch, 100),
      concurrency,
      perHost,
      timeout,
      lease: positive(options.lease, timeout * Math.ceil(concurrency / perHost) + 30_000),
      backoff: options.backoff ?? {},
      maxResponseBytes: positive(options.maxResponseBytes, 65_536),
      fetch: options.fetch ?? globalThis.fetch,
    });
    // killed, terminate does not run: the signal still aborts what is in flight
    abortSignal().addEventListener('abort', () => void dispatcher.stop(), { once: true });
    const pollInterval = positive(options.pollInterval, 1000);
    const me = self<WebhookSenderProtocol>();
    sender.attach(me);
    sendAfter(me, 'poll', pollInterval);
    dispatcher.request();
    return Result.ok({ dispatcher, pollInterval });
  },
  handleCast(_kick, state) {
    state.dispatcher.request();
    return Result.noreply(state);
  },
  handleInfo(message, state) {
    if (message === 'poll') {
      state.dispatcher.request();
      sendAfter(self<WebhookSenderProtocol>(), 'poll', state.pollInterval);
    }
    return Result.noreply(state);
  },
  handleCall(_drained, from, state) {
    void state.dispatcher.whenIdle().then(() => reply(from, undefined));
    return Result.noreply(state);
  },
  async terminate(reason, state) {
    log('webhook sender stopping: %O', reason);
    await state.dispatcher.stop();
  },
};

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * The gateway's handle on its webhook sender: it outlives the sender's process (a restarted
 * process reports to it again), so the gateway keeps one and calls {@link WebhookSender.kick}
 * after queueing a webhook.
 *
 * @example
 * const webhooks = new WebhookSender({ store, now, metrics });
 * children.push(webhookSenderChild(webhooks));
 * // after store.api.queueWebhook(…) or a recordReceipt that queued one:
 * webhooks.kick();
 */
export class WebhookSender {
  /** The options it was made with. */
  readonly options: WebhookSenderOptions;
  #pid: Pid<WebhookSenderProtocol> | undefined;

  /** Makes a handle; nothing runs until {@link webhookSenderChild}'s process starts. */
  constructor(options: WebhookSenderOptions) {
    this.options = options;
  }

  /** The running sender process, if any. */
  get pid(): Pid<WebhookSenderProtocol> | undefined {
    return this.#pid;
  }

  /** Called by the sender process's `init`: later kicks go to it. */
  attach(pid: Pid<WebhookSenderProtocol>): void {
    this.#pid = pid;
  }

  /** Asks the sender to claim now (a webhook was queued). Does nothing while no sender process runs. */
  kick(): void {
    if (this.#pid !== undefined) cast(this.#pid, 'kick');
  }

  /**
   * Resolves once the sender has handled every message sent to it before (a kick, a poll the
   * clock fired) and nothing is being claimed, sent or recorded: every POST of the current round
   * has its outcome in the store. For tests driving a VirtualClock: advance the clock only after
   * this, so real I/O and virtual time stay in step. Resolves at once when no sender runs, and
   * when the sender exits while it waits.
   */
  async drained(): Promise<void> {
    if (this.#pid === undefined) return;
    try {
      await call(this.#pid, 'drained', { timeout: Infinity });
    } catch (error) {
      // a sender that is gone has nothing left in flight
      if (!(error instanceof NoProcError || error instanceof ExitError)) throw error;
    }
  }
}

/**
 * The child spec of the webhook sender for the gateway's tree (id `webhooks`). Place it after the
 * store's owner; on shutdown it aborts its requests in flight, whose rows return to the queue when
 * their claims end.
 *
 * @example
 * const spec = webhookSenderChild(new WebhookSender({ store, now: () => Date.now() }));
 */
export function webhookSenderChild(sender: WebhookSender, id = 'webhooks'): ChildSpec {
  return {
    id,
    start: ({ runtime, supervisor }) => runtime.start(WebhookSenderServer, { sender, runtime }, { link: supervisor }),
    restart: 'permanent',
    shutdown: 5000,
    type: 'worker',
  };
}
