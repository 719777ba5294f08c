// The webhook sender's working part: claims due webhooks from the durable queue, runs their POSTs
// within a global and a per-host bound, and records each outcome (delivered, retry at now + back-off,
// or given up). One dispatcher lives inside one sender process; it holds nothing the queue does not:
// a row it claimed and did not finish comes back to any node when its lease ends.
import { setMaxListeners } from 'node:events';
import createDebug from 'debug';
import type { Clock } from '@switchboard/actor';
import { webhookHost, type ApiStore, type Webhook } from '../api-store.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../metrics/labels.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { postWebhook } from './post-webhook.js';
import type { WebhookMetrics } from './sender.js';

const log = createDebug('switchboard:gateway:webhooks');

/** What a dispatcher is made with (the sender's options with their defaults applied). */
/** How long a webhook given back because its host was busy waits before it is due again (ms). */
const HOST_BUSY_DELAY = 1000;

export interface DispatcherConfig {
  readonly api: ApiStore;
  /** The gateway's clock (ms since the epoch): claims, next attempts and the give-up time. */
  readonly now: () => number;
  /** The runtime's clock: request time limits and durations. */
  readonly clock: Clock;
  readonly metrics: WebhookMetrics | undefined;
  readonly batch: number;
  readonly concurrency: number;
  readonly perHost: number;
  readonly timeout: number;
  readonly lease: number;
  readonly backoff: BackoffOptions;
  readonly maxResponseBytes: number;
  readonly fetch: typeof fetch;
}

interface Claimed {
  readonly webhook: Webhook;
  /** The claim's end (gateway clock): past it another node may take the row. */
  readonly until: number;
  readonly host: string;
}

/** Why a queued webhook can never be sent, or undefined when it can be. */
function unsendable(webhook: Webhook): string | undefined {
  let url: URL;
  try {
    url = new URL(webhook.url);
  } catch {
    return 'invalid webhook: its URL does not parse';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `invalid webhook: ${url.protocol} is not http: or https:`;
  // fetch refuses them on every attempt (Fetch standard, "new Request")
  if (url.username !== '' || url.password !== '') return 'invalid webhook: its URL holds credentials';
  // it goes into a header: a token, as RFC 9110 §5.6.2 allows
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(webhook.event)) return 'invalid webhook: its event is not a token';
  if (webhook.secret.length === 0) return 'invalid webhook: no secret to sign it with';
  return undefined;
}

function hostOf(url: string): string {
  return webhookHost(url);
}

function metricsEvent(event: string): WebhookEvent | undefined {
  return (WEBHOOK_EVENTS as readonly string[]).includes(event) ? (event as WebhookEvent) : undefined;
}

/**
 * Claims and sends webhooks. `request()` asks for a claim (a kick, a poll); the dispatcher claims
 * as many due rows as it has free slots, and claims again at once while claims come back full.
 * At most `concurrency` rows are held at once (running or waiting for their host), at most
 * `perHost` of them running against one host.
 */
export class Dispatcher {
  readonly #config: DispatcherConfig;
  readonly #stop = new AbortController();
  #wantClaim = false;
  #claiming = false;
  #running = 0;
  readonly #waiting: Claimed[] = [];
  readonly #perHost = new Map<string, number>();
  readonly #attempts = new Set<Promise<void>>();
  #idleWaiters: (() => void)[] = [];

  constructor(config: DispatcherConfig) {
    this.#config = config;
    // each request in flight listens on the stop signal: more than Node's default 10 is expected
    setMaxListeners(config.concurrency + 1, this.#stop.signal);
  }

  /** Whether nothing is being claimed, sent or recorded. */
  get idle(): boolean {
    return !this.#claiming && this.#running === 0 && this.#waiting.length === 0 && this.#attempts.size === 0;
  }

  /** Requests running now. */
  get running(): number {
    return this.#running;
  }

  /** Asks for a claim round: now, or as soon as the current claim or a slot is free. */
  request(): void {
    this.#wantClaim = true;
    this.#pump();
  }

  /** Resolves when the dispatcher is {@link idle} (at once if it is). */
  whenIdle(): Promise<void> {
    if (this.idle || this.#stop.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops: no more claims; the requests in flight are aborted (their rows come back when their
   * leases end), and the store writes of attempts that had already ended are awaited.
   */
  async stop(reason?: unknown): Promise<void> {
    if (!this.#stop.signal.aborted) this.#stop.abort(reason);
    // rows waiting for their host were never sent: their leases bring them back
    this.#waiting.length = 0;
    await Promise.all(this.#attempts);
    this.#checkIdle();
  }

  /** Whether `host` has `perHost` requests running. */
  #busy(host: string): boolean {
    return (this.#perHost.get(host) ?? 0) >= this.#config.perHost;
  }

  /** Hosts with `perHost` requests running: the next claim passes over their rows. */
  #busyHosts(): string[] {
    return [...this.#perHost].filter(([, n]) => n >= this.#config.perHost).map(([host]) => host);
  }

  #pump(): void {
    if (this.#stop.signal.aborted || this.#claiming || !this.#wantClaim) return;
    // rows waiting for a busy host do not take a slot from the others (they are bounded apart)
    const free = this.#config.concurrency - this.#running - this.#waiting.filter((claimed) => !this.#busy(claimed.host)).length;
    // no free slot: the next attempt to end pumps again, and the claim is still wanted
    if (free <= 0) return;
    const limit = Math.min(this.#config.batch, free);
    this.#wantClaim = false;
    this.#claiming = true;
    const at = this.#config.now();
    const until = at + this.#config.lease;
    this.#config.api
      .claimWebhooks(limit, { now: at, until }, this.#busyHosts())
      .then(
        (rows) => {
          if (this.#stop.signal.aborted) return;
          for (const webhook of rows) this.#waiting.push({ webhook, until, host: hostOf(webhook.url) });
          // a full claim says more may be due: claim again once this one is placed
          if (rows.length === limit) this.#wantClaim = true;
          if (rows.length > 0) log('claimed %d webhooks', rows.length);
          this.#startWaiting();
        },
        (error: unknown) => {
          // the next poll claims again; rows this claim may have taken come back with their lease
          log('claiming webhooks failed: %O', error);
        },
      )
      .finally(() => {
        this.#claiming = false;
        this.#pump();
        this.#checkIdle();
      })
      .catch((error: unknown) => log('webhook claim bookkeeping failed: %O', error));
  }

  #startWaiting(): void {
    // Rows for a host at its limit wait (up to `concurrency` of them, in due order: the next to go
    // when one ends) without holding a slot others' claims could use; past that they are given back
    // unsent, due a little later. Claims pass over busy hosts, so one slow or dead receiver holds at
    // most its own `perHost` requests and that many waiting rows, never the others' webhooks.
    const waitingFor = new Map<string, number>();
    for (let i = 0; i < this.#waiting.length && this.#running < this.#config.concurrency; ) {
      const claimed = this.#waiting[i]!;
      if (this.#busy(claimed.host)) {
        const queued = (waitingFor.get(claimed.host) ?? 0) + 1;
        waitingFor.set(claimed.host, queued);
        if (queued > this.#config.concurrency) {
          this.#waiting.splice(i, 1);
          this.#defer(claimed);
        } else i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      // a row that waited for its host until its lease could end mid-request is left alone: another
      // claim (maybe another node's) may take it then, and two POSTs of one webhook must not overlap
      if (this.#config.now() + this.#config.timeout >= claimed.until) {
        log('webhook %d waited past its lease; it comes back with the next claim', claimed.webhook.id);
        continue;
      }
      this.#start(claimed);
    }
  }

  /** Gives a row back unsent, due again after HOST_BUSY_DELAY; a failure leaves it to its lease. */
  #defer(claimed: Claimed): void {
    const write: Promise<void> = this.#config.api
      .deferWebhook(claimed.webhook.id, this.#config.now() + HOST_BUSY_DELAY)
      .catch((error: unknown) => log('webhook %d not given back (its lease brings it back): %O', claimed.webhook.id, error))
      .finally(() => {
        this.#attempts.delete(write);
        this.#checkIdle();
        if (!this.#stop.signal.aborted) this.#pump();
      });
    this.#attempts.add(write);
  }

  #start(claimed: Claimed): void {
    this.#running++;
    this.#perHost.set(claimed.host, (this.#perHost.get(claimed.host) ?? 0) + 1);
    const attempt: Promise<void> = this.#attempt(claimed.webhook)
      .catch((error: unknown) => {
        // a store write failed: the row comes back when its lease ends and is sent again (receivers
        // tell a repeat by its Switchboard-Delivery id)
        log('webhook %d: recording its attempt failed: %O', claimed.webhook.id, error);
      })
      .finally(() => {
        this.#attempts.delete(attempt);
        this.#running--;
        const left = (this.#perHost.get(claimed.host) ?? 1) - 1;
        if (left === 0) this.#perHost.delete(claimed.host);
        else this.#perHost.set(claimed.host, left);
        if (!this.#stop.signal.aborted) {
          this.#startWaiting();
          // a slot came free (and its host may be busy no more): claim for it, rather than wait for the
          // next poll, since a claim that passed over a busy host may have left due rows behind
          this.#wantClaim = true;
          this.#pump();
        }
        this.#checkIdle();
      });
    this.#attempts.add(attempt);
  }

  async #attempt(webhook: Webhook): Promise<void> {
    const { api, metrics } = this.#config;
    const event = metricsEvent(webhook.event);
    const invalid = unsendable(webhook);
    if (invalid !== undefined) {
      log('webhook %d given up: %s', webhook.id, invalid);
      await api.webhookGaveUp(webhook.id, invalid);
      if (event !== undefined) metrics?.webhookGaveUp(event);
      return;
    }
    const started = this.#config.clock.now();
    const result = await postWebhook(webhook, {
      clock: this.#config.clock,
      timeout: this.#config.timeout,
      timestamp: Math.floor(this.#config.now() / 1000),
      signal: this.#stop.signal,
      maxResponseBytes: this.#config.maxResponseBytes,
      fetch: this.#config.fetch,
    });
    if (result.outcome === 'stopped') return;
    if (event !== undefined) metrics?.webhookAttempt(event, result.outcome, (this.#config.clock.now() - started) / 1000);
    const at = this.#config.now();
    if (result.outcome === 'delivered') {
      log('webhook %d delivered (HTTP %d)', webhook.id, result.status);
      await api.webhookDelivered(webhook.id, at);
      return;
    }
    const error = result.error ?? result.outcome;
    // a pending row's earlier attempts all failed: this one makes attempts + 1 failures
    const nextAt = at + backoffDelay(webhook.attempts + 1, this.#config.backoff);
    if (nextAt > webhook.giveUpAt) {
      log('webhook %d given up after %d attempts: %s', webhook.id, webhook.attempts + 1, error);
      await api.webhookGaveUp(webhook.id, error);
      if (event !== undefined) metrics?.webhookGaveUp(event);
    } else {
      log('webhook %d failed (%s); next attempt in %d ms', webhook.id, error, nextAt - at);
      await api.webhookFailed(webhook.id, error, nextAt);
    }
  }

  #checkIdle(): void {
    if (!(this.idle || this.#stop.signal.aborted) || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
