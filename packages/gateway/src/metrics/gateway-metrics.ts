// The gateway's Prometheus metrics: one object owning its own prom-client Registry (never the
// global one), fed by one typed method per event and by source callbacks read on each scrape, and
// served at /metrics in the Prometheus text format (docs/gateway.md, "Metrics").
import type { IncomingMessage, ServerResponse } from 'node:http';
import createDebug from 'debug';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { MessageState } from '@switchboard/smpp';
import { deliveryStatusOf } from '../imdn.js';
import { EventLoopLag } from './event-loop-lag.js';
import { LabelGuard } from './label-guard.js';
import {
  DELIVER_KINDS,
  MESSAGE_CHANNELS,
  MESSAGE_OUTCOMES,
  WEBHOOK_EVENTS,
  WEBHOOK_OUTCOMES,
  commandStatusLabel,
  type DeliverKind,
  type MessageChannel,
  type MessageOutcome,
  type ReceiptState,
  type SubmitStatus,
  type TransactionKind,
  type WebhookAttemptOutcome,
  type WebhookEvent,
} from './labels.js';
import { SOURCE_NAMES, SourceReader, sharedWhilePending, type BindSample, type MetricsSources } from './sources.js';

const log = createDebug('switchboard:gateway:metrics');

/** The prefix of every metric the gateway exports, prom-client's default process metrics included. */
export const METRIC_PREFIX = 'switchboard_';

/** The names of the gateway's own metrics (prom-client's default ones are `switchboard_process_*` and `switchboard_nodejs_*`). */
export const METRIC_NAMES = {
  messagesIn: 'switchboard_messages_in_total',
  submitSm: 'switchboard_smpp_submit_sm_total',
  deliverSm: 'switchboard_smpp_deliver_sm_total',
  receipts: 'switchboard_receipts_total',
  webhookDeliveries: 'switchboard_webhook_deliveries_total',
  sourceErrors: 'switchboard_metrics_source_errors_total',
  bindUp: 'switchboard_smpp_bind_up',
  windowInFlight: 'switchboard_smpp_window_in_flight',
  windowSize: 'switchboard_smpp_window_size',
  outbox: 'switchboard_outbox_messages',
  inbox: 'switchboard_inbox_messages',
  registrations: 'switchboard_sip_registrations',
  transactions: 'switchboard_sip_transactions',
  eventLoopLag: 'switchboard_event_loop_lag_seconds',
  submitLatency: 'switchboard_submit_latency_seconds',
  receiptLatency: 'switchboard_receipt_latency_seconds',
  webhookDuration: 'switchboard_webhook_request_duration_seconds',
} as const;

/**
 * Buckets of the submit latency (a message taken to a submit_sm_resp): milliseconds when a bind is
 * up (the SIP path's p99 is about 20 ms), up to `smpp.validity` (an hour) for a message that waited
 * in the outbox for a bind.
 */
export const SUBMIT_LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Buckets of the receipt latency (submit_sm_resp to a final receipt): seconds for a phone that is on, up to three days of validity. */
export const RECEIPT_LATENCY_BUCKETS: readonly number[] = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400, 259200];

/** Buckets of a webhook POST's duration: a receiver on the LAN answers in milliseconds; 30 s covers the longest timeout. */
export const WEBHOOK_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** prom-client default metrics that are not exported (promtool: "non-counter metrics should not have _total suffix"). */
const DEFAULT_METRICS_LEFT_OUT = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'].map((name) => METRIC_PREFIX + name);

/** Options of {@link GatewayMetrics}. */
export interface GatewayMetricsOptions {
  /** Where the state gauges read their values on each scrape; a gauge without its source is not registered. */
  readonly sources?: MetricsSources;
  /** Connector ids known at start: their counters are exported at 0 from the first scrape, so `rate()` sees their first increment. */
  readonly connectors?: readonly string[];
  /** Export prom-client's default process and Node.js metrics, prefixed `switchboard_` (default true). */
  readonly defaultMetrics?: boolean;
  /** Resolution of the event-loop delay monitor, in ms (default 10). */
  readonly eventLoopResolutionMs?: number;
  /** Longest wait for one source on a scrape, in ms (default 2000); past it the source counts as failed. */
  readonly sourceTimeoutMs?: number;
  /** Most distinct connector ids recorded (default 100); later new ones become `other`. */
  readonly maxConnectors?: number;
  /** Most distinct bind ids recorded (default 1000); later new ones become `other`. */
  readonly maxBinds?: number;
}

/** Labels of the per-bind gauges. */
type BindLabel = 'connector' | 'bind';

/**
 * The gateway's Prometheus metrics. Events are recorded through its methods; the state gauges read
 * the {@link MetricsSources} on each scrape; {@link GatewayMetrics.handleMetricsRequest} serves them.
 *
 * Return values: every recording method returns nothing and never throws for a label value it is
 * given: an unknown command_status becomes `other`, a connector past the cap becomes `other`.
 *
 * @example
 * const metrics = new GatewayMetrics({ connectors: ['smsc-a'], sources: { outboxDepth: () => countOutbox() } });
 * metrics.messageIn('sip', 'accepted');
 * metrics.submitResult('smsc-a', CommandStatus.ESME_ROK, { channel: 'sip', seconds: 0.012 });
 * createServer((req, res) => { if (!metrics.handleMetricsRequest(req, res)) res.writeHead(404).end(); });
 */
export class GatewayMetrics {
  /** This object's own registry (never prom-client's global one). */
  readonly registry = new Registry();

  readonly #connectors: LabelGuard;
  readonly #binds: LabelGuard;
  readonly #eventLoopLag: EventLoopLag;
  readonly #messagesIn: Counter<'channel' | 'outcome'>;
  readonly #submitSm: Counter<'connector' | 'command_status'>;
  readonly #deliverSm: Counter<'connector' | 'kind'>;
  readonly #receipts: Counter<'connector' | 'state'>;
  readonly #webhookDeliveries: Counter<'event' | 'outcome'>;
  readonly #sourceErrors: Counter<'source'>;
  readonly #submitLatency: Histogram<'channel' | 'connector'>;
  readonly #receiptLatency: Histogram<'connector' | 'state'>;
  readonly #webhookDuration: Histogram<'event' | 'outcome'>;

  constructor(options: GatewayMetricsOptions = {}) {
    const registers = [this.registry];
    this.#connectors = new LabelGuard('connector', options.maxConnectors ?? 100);
    this.#binds = new LabelGuard('bind', options.maxBinds ?? 1000);

    this.#messagesIn = new Counter({
      name: METRIC_NAMES.messagesIn,
      help: 'Messages taken in (SIP MESSAGE to a number, HTTP submit), by channel and by how they were answered.',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.#submitSm = new Counter({
      name: METRIC_NAMES.submitSm,
      help: 'submit_sm answered (one per SMS part), by connector and command_status name (no_response: none came; other: not a standard status).',
      labelNames: ['connector', 'command_status'],
      registers,
    });
    this.#deliverSm = new Counter({
      name: METRIC_NAMES.deliverSm,
      help: 'deliver_sm received, by connector and kind (mo: a mobile-originated text; receipt: a delivery receipt).',
      labelNames: ['connector', 'kind'],
      registers,
    });
    this.#receipts = new Counter({
      name: METRIC_NAMES.receipts,
      help: 'Delivery receipts received, by connector and message_state (SMPP v3.4 5.2.28).',
      labelNames: ['connector', 'state'],
      registers,
    });
    this.#webhookDeliveries = new Counter({
      name: METRIC_NAMES.webhookDeliveries,
      help: 'Webhook POSTs by event (receipt, mo) and outcome (delivered, http_error, network_error, timeout), and deliveries given up (gave_up).',
      labelNames: ['event', 'outcome'],
      registers,
    });
    this.#submitLatency = new Histogram({
      name: METRIC_NAMES.submitLatency,
      help: 'Seconds from a message taken in (SIP MESSAGE or HTTP submit) to the submit_sm_resp of each of its parts, by channel and connector.',
      labelNames: ['channel', 'connector'],
      buckets: [...SUBMIT_LATENCY_BUCKETS],
      registers,
    });
    this.#receiptLatency = new Histogram({
      name: METRIC_NAMES.receiptLatency,
      help: 'Seconds from a submit_sm_resp to the final delivery receipt of that part, by connector and final state.',
      labelNames: ['connector', 'state'],
      buckets: [...RECEIPT_LATENCY_BUCKETS],
      registers,
    });
    this.#webhookDuration = new Histogram({
      name: METRIC_NAMES.webhookDuration,
      help: 'Seconds one webhook POST took, from sending it to its answer or failure, by event and outcome.',
      labelNames: ['event', 'outcome'],
      buckets: [...WEBHOOK_DURATION_BUCKETS],
      registers,
    });

    for (const channel of MESSAGE_CHANNELS) for (const outcome of MESSAGE_OUTCOMES) this.#messagesIn.inc({ channel, outcome }, 0);
    for (const event of WEBHOOK_EVENTS) for (const outcome of WEBHOOK_OUTCOMES) this.#webhookDeliveries.inc({ event, outcome }, 0);
    for (const connector of options.connectors ?? []) this.addConnector(connector);

    this.#eventLoopLag = new EventLoopLag(this.registry, METRIC_NAMES.eventLoopLag, options.eventLoopResolutionMs ?? 10);
    const sources = options.sources ?? {};
    const reader = new SourceReader(options.sourceTimeoutMs ?? 2000, (source) => this.#sourceErrors.inc({ source }));
    this.#registerSourceGauges(sources, reader);
    // registered after the source gauges: its collect runs after theirs have started their reads
    this.#sourceErrors = new Counter({
      name: METRIC_NAMES.sourceErrors,
      help: 'Scrapes on which a state source failed or timed out (its gauges were left out or NaN), by source.',
      labelNames: ['source'],
      registers,
      async collect() {
        await reader.settled();
      },
    });
    for (const source of SOURCE_NAMES) if (sources[source] !== undefined) this.#sourceErrors.inc({ source }, 0);

    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX, eventLoopMonitoringPrecision: options.eventLoopResolutionMs ?? 10 });
      // gauges named *_total, which promtool's lint refuses (only counters end in _total); their
      // by-type siblings (nodejs_active_handles{type}…) stay, and sum() of those is the same number
      for (const name of DEFAULT_METRICS_LEFT_OUT) this.registry.removeSingleMetric(name);
    }
  }

  /** The exposition's Content-Type (the Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition: every metric in the Prometheus text format, the sources read now. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Exports a connector's counters at 0 (its submit_sm with ESME_ROK, its deliver_sm and DELIVERED
   * receipts), so that the first increment after a scrape is seen by `rate()`. Connectors added at
   * run time call it too; recording an event for a new connector works without it.
   */
  addConnector(connector: string): void {
    const id = this.#connectors.admit(connector);
    this.#submitSm.inc({ connector: id, command_status: 'ESME_ROK' }, 0);
    for (const kind of DELIVER_KINDS) this.#deliverSm.inc({ connector: id, kind }, 0);
    this.#receipts.inc({ connector: id, state: 'DELIVERED' }, 0);
  }

  /** A message came in through `channel` and was answered with `outcome`. */
  messageIn(channel: MessageChannel, outcome: MessageOutcome): void {
    this.#messagesIn.inc({ channel, outcome });
  }

  /**
   * A submit_sm on `connector` ended with `status` (a command_status value or name, or
   * `'no_response'`). `latency`, when given, is the time from its message being taken in through
   * `channel` to this response, observed in the submit latency histogram (not for `no_response`).
   */
  submitResult(connector: string, status: SubmitStatus, latency?: { readonly channel: MessageChannel; readonly seconds: number }): void {
    const id = this.#connectors.admit(connector);
    const commandStatus = commandStatusLabel(status);
    this.#submitSm.inc({ connector: id, command_status: commandStatus });
    if (latency !== undefined && commandStatus !== 'no_response' && validSeconds(latency.seconds)) {
      this.#submitLatency.observe({ channel: latency.channel, connector: id }, latency.seconds);
    }
  }

  /** A deliver_sm arrived on `connector`: a mobile-originated text or a receipt. */
  deliverSm(connector: string, kind: DeliverKind): void {
    this.#deliverSm.inc({ connector: this.#connectors.admit(connector), kind });
  }

  /**
   * A delivery receipt in `state` arrived on `connector`. `secondsSinceSubmit`, the time since the
   * part's submit_sm_resp, is observed in the receipt latency histogram when the state is final
   * (DELIVERED, UNDELIVERABLE, EXPIRED, REJECTED, DELETED, as for the IMDN).
   */
  receipt(connector: string, state: ReceiptState, secondsSinceSubmit?: number): void {
    const id = this.#connectors.admit(connector);
    this.#receipts.inc({ connector: id, state });
    if (secondsSinceSubmit !== undefined && validSeconds(secondsSinceSubmit) && deliveryStatusOf(MessageState[state]) !== undefined) {
      this.#receiptLatency.observe({ connector: id, state }, secondsSinceSubmit);
    }
  }

  /** One webhook POST about `event` ended with `outcome` after `seconds`. */
  webhookAttempt(event: WebhookEvent, outcome: WebhookAttemptOutcome, seconds: number): void {
    this.#webhookDeliveries.inc({ event, outcome });
    if (validSeconds(seconds)) this.#webhookDuration.observe({ event, outcome }, seconds);
  }

  /** A webhook delivery about `event` was given up: its retries ran out of time. */
  webhookGaveUp(event: WebhookEvent): void {
    this.#webhookDeliveries.inc({ event, outcome: 'gave_up' });
  }

  /**
   * Serves the exposition on a node:http listener, for one-line wiring beside other routes:
   * `if (metrics.handleMetricsRequest(req, res)) return;`.
   *
   * Return values:
   * - `true`: the path was `/metrics` and the request is answered: GET and HEAD with 200 and the
   *   exposition (500 if making it failed), any other method with 405 and `Allow: GET, HEAD`;
   * - `false`: another path; nothing was written, the caller answers.
   */
  handleMetricsRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    if ((query === -1 ? url : url.slice(0, query)) !== '/metrics') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method Not Allowed: /metrics answers GET and HEAD\n');
      return true;
    }
    this.metrics().then(
      (body) => {
        res.writeHead(200, { 'Content-Type': this.contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        log('exposition failed: %O', error);
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
    return true;
  }

  /** Stops the event-loop monitor of this object. prom-client's default metrics keep their own. */
  close(): void {
    this.#eventLoopLag.close();
  }

  #registerSourceGauges(sources: MetricsSources, reader: SourceReader): void {
    const registers = [this.registry];
    const scalar = (source: 'outboxDepth' | 'inboxDepth' | 'registrations', name: string, help: string): void => {
      const read = sources[source];
      if (read === undefined) return;
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          // prom-client cannot leave out a label-less gauge: NaN says "unknown" where 0 would lie
          this.set((await reader.count(source, read)) ?? Number.NaN);
        },
      });
    };
    scalar('outboxDepth', METRIC_NAMES.outbox, 'Messages stored and waiting to be submitted to an SMSC (the outbox).');
    scalar('inboxDepth', METRIC_NAMES.inbox, 'Messages stored and waiting for their SIP user to register (the inbox: texts and delivery notifications).');
    scalar('registrations', METRIC_NAMES.registrations, 'Registered SIP contacts (bindings) not yet expired.');

    const readTransactions = sources.sipTransactions;
    if (readTransactions !== undefined) {
      new Gauge<'kind'>({
        name: METRIC_NAMES.transactions,
        help: 'Live SIP transactions, by kind (server: answering a request; client: sending one).',
        labelNames: ['kind'],
        registers,
        async collect() {
          const counts = await reader.read('sipTransactions', readTransactions);
          this.reset();
          if (counts === undefined) return;
          const kinds: Record<TransactionKind, number> = { server: counts.server, client: counts.client };
          for (const [kind, value] of Object.entries(kinds)) if (Number.isFinite(value)) this.set({ kind }, value);
        },
      });
    }

    const readBinds = sources.binds;
    if (readBinds !== undefined) {
      const binds = sharedWhilePending(() => reader.read('binds', readBinds));
      const perBind = (name: string, help: string, value: (bind: BindSample) => number): void => {
        const connectors = this.#connectors;
        const bindIds = this.#binds;
        new Gauge<BindLabel>({
          name,
          help,
          labelNames: ['connector', 'bind'],
          registers,
          async collect() {
            const samples = await binds();
            // reset first: a bind removed at run time leaves the exposition
            this.reset();
            for (const sample of samples ?? []) {
              const v = value(sample);
              if (Number.isFinite(v)) this.set({ connector: connectors.admit(sample.connector), bind: bindIds.admit(sample.bind) }, v);
            }
          },
        });
      };
      perBind(METRIC_NAMES.bindUp, 'Whether each SMPP bind is bound and can submit (1) or not (0).', (bind) => (bind.bound ? 1 : 0));
      perBind(METRIC_NAMES.windowInFlight, 'Requests in flight on each SMPP bind (window occupancy; divide by switchboard_smpp_window_size for a ratio).', (bind) => bind.inFlight);
      perBind(METRIC_NAMES.windowSize, 'Most requests each SMPP bind may have in flight (its window).', (bind) => bind.window);
    }
  }
}

/** A duration a histogram can take: finite and not negative (a clock step back is dropped, not recorded). */
function validSeconds(seconds: number): boolean {
  return Number.isFinite(seconds) && seconds >= 0;
}

