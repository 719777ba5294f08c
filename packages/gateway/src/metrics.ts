// The gateway's Prometheus metrics (docs/gateway.md, "Metrics"): GatewayMetrics and the types of
// its labels and sources. The implementation lives in ./metrics/, one file per part.
export {
  GatewayMetrics,
  METRIC_NAMES,
  METRIC_PREFIX,
  SUBMIT_LATENCY_BUCKETS,
  RECEIPT_LATENCY_BUCKETS,
  WEBHOOK_DURATION_BUCKETS,
} from './metrics/gateway-metrics.js';
export type { GatewayMetricsOptions } from './metrics/gateway-metrics.js';
export {
  commandStatusLabel,
  MESSAGE_CHANNELS,
  MESSAGE_OUTCOMES,
  DELIVER_KINDS,
  WEBHOOK_EVENTS,
  WEBHOOK_OUTCOMES,
  OTHER_STATUS,
} from './metrics/labels.js';
export type {
  MessageChannel,
  MessageOutcome,
  SubmitStatus,
  SubmitStatusLabel,
  DeliverKind,
  ReceiptState,
  WebhookEvent,
  WebhookOutcome,
  WebhookAttemptOutcome,
  TransactionKind,
} from './metrics/labels.js';
export { SOURCE_NAMES, SourceTimeoutError, SourceValueError } from './metrics/sources.js';
export type { MetricsSources, BindSample, TransactionCounts, SourceName, MaybePromise } from './metrics/sources.js';
export { OVERFLOW_LABEL } from './metrics/label-guard.js';
