// GatewayMetrics: names, labels and values of the exposition; the source gauges read on scrape; the
// /metrics handler; Debian's promtool linting the exposition; a real Prometheus scraping it and
// answering queries (the Grafana dashboard's expressions among them); and the dashboard reading
// only metrics the gateway exports.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import { register as globalRegistry } from 'prom-client';
import { CommandStatus } from '@switchboard/smpp';
import { GatewayMetrics, METRIC_NAMES, MESSAGE_CHANNELS, MESSAGE_OUTCOMES, commandStatusLabel, type BindSample, type GatewayMetricsOptions } from '../src/metrics.js';
import { promtoolCheckMetrics, startPrometheus } from './support/prometheus.js';

const DASHBOARD = fileURLToPath(new URL('../../../deploy/grafana/switchboard-gateway.json', import.meta.url));

// --- reading an exposition ---------------------------------------------------------------------

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Exposition {
  readonly samples: Sample[];
  /** Metric family name → type, from the `# TYPE` lines. */
  readonly types: Map<string, string>;
  /** Metric family name → help, from the `# HELP` lines. */
  readonly help: Map<string, string>;
}

function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (comment) {
      (comment[1] === 'TYPE' ? types : help).set(comment[2]!, comment[3]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (sample[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) labels[name!] = value!;
    samples.push({ name: sample[1]!, labels, value: sample[3] === 'Nan' || sample[3] === 'NaN' ? Number.NaN : Number(sample[3]) });
  }
  return { samples, types, help };
}

/** The one sample of `name` whose labels are exactly `labels`; undefined when there is none. */
function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels);
  const found = exposition.samples.filter((s) => s.name === name && Object.keys(s.labels).length === wanted.length && wanted.every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** Sample names the exposition can show: every family, histograms with their _bucket, _sum and _count series. */
function seriesNames(exposition: Exposition): Set<string> {
  const names = new Set<string>();
  for (const [name, type] of exposition.types) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}

async function scrape(metrics: GatewayMetrics): Promise<Exposition> {
  return parseExposition(await metrics.metrics());
}

function metricsFor(t: ExecutionContext, options: GatewayMetricsOptions = {}): GatewayMetrics {
  const metrics = new GatewayMetrics({ defaultMetrics: false, ...options });
  t.teardown(() => metrics.close());
  return metrics;
}

const BINDS: BindSample[] = [
  { connector: 'smsc-a', bind: '0', bound: true, inFlight: 3, window: 10 },
  { connector: 'smsc-a', bind: '1', bound: false, inFlight: 0, window: 10 },
  { connector: 'smsc-b', bind: '0', bound: true, inFlight: 10, window: 10 },
];

/** A GatewayMetrics with every source and default metrics, and one event of each kind recorded: the exposition shows every series. */
function everything(t: ExecutionContext, extra: GatewayMetricsOptions = {}): GatewayMetrics {
  const metrics = metricsFor(t, {
    defaultMetrics: true,
    connectors: ['smsc-a', 'smsc-b'],
    sources: {
      outboxDepth: () => 7,
      inboxDepth: async () => 2,
      registrations: () => 5,
      sipTransactions: () => ({ server: 4, client: 1 }),
      binds: () => BINDS,
    },
    ...extra,
  });
  metrics.messageIn('sip', 'accepted');
  metrics.messageIn('http', 'accepted');
  metrics.messageIn('http', 'refused');
  metrics.submitResult('smsc-a', CommandStatus.ESME_ROK, { channel: 'sip', seconds: 0.012 });
  metrics.submitResult('smsc-a', 'ESME_ROK', { channel: 'http', seconds: 0.03 });
  metrics.submitResult('smsc-b', CommandStatus.ESME_RTHROTTLED, { channel: 'http', seconds: 0.02 });
  metrics.deliverSm('smsc-a', 'mo');
  metrics.deliverSm('smsc-a', 'receipt');
  metrics.receipt('smsc-a', 'DELIVERED', 4);
  metrics.receipt('smsc-b', 'UNDELIVERABLE', 40);
  metrics.webhookAttempt('receipt', 'delivered', 0.02);
  metrics.webhookAttempt('mo', 'http_error', 0.2);
  metrics.webhookGaveUp('mo');
  return metrics;
}

// --- names and labels --------------------------------------------------------------------------

test('every metric is named by Prometheus conventions, with help, in its own registry', async (t) => {
  const metrics = everything(t);
  const exposition = await scrape(metrics);
  for (const name of Object.values(METRIC_NAMES)) t.true(exposition.types.has(name), `${name} is exported`);
  for (const [name, type] of exposition.types) {
    t.regex(name, /^switchboard_[a-z0-9_]+$/, `${name} is prefixed and snake_case`);
    t.truthy(exposition.help.get(name), `${name} has help`);
    if (type === 'counter') t.regex(name, /_total$/, `counter ${name} ends in _total`);
    else t.notRegex(name, /_total$/, `${type} ${name} does not end in _total`);
    t.notRegex(name, /_(milliseconds|microseconds|ms|millis|minutes|hours|kilobytes|megabytes)(_|$)/, `${name} is in base units`);
  }
  for (const name of [METRIC_NAMES.submitLatency, METRIC_NAMES.receiptLatency, METRIC_NAMES.webhookDuration]) {
    t.is(exposition.types.get(name), 'histogram');
    t.regex(name, /_seconds$/);
  }
  t.is(exposition.types.get(METRIC_NAMES.eventLoopLag), 'gauge');
  t.true(exposition.types.has('switchboard_process_cpu_seconds_total'), "prom-client's default metrics are exported with the prefix");
  t.true(exposition.types.has('switchboard_nodejs_eventloop_lag_p99_seconds'));
  t.is(metrics.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  const global = await globalRegistry.metrics();
  t.false(global.includes('switchboard_'), "nothing lands in prom-client's global registry");
});

test('label sets are bounded: no label takes a value outside its closed set or the configured ids', async (t) => {
  const metrics = everything(t);
  const exposition = await scrape(metrics);
  const allowed: Record<string, (value: string) => boolean> = {
    channel: (v) => (MESSAGE_CHANNELS as readonly string[]).includes(v),
    outcome: (v) => [...MESSAGE_OUTCOMES, 'delivered', 'http_error', 'network_error', 'timeout', 'gave_up'].includes(v),
    connector: (v) => ['smsc-a', 'smsc-b', 'other'].includes(v),
    bind: (v) => /^\d+$/.test(v),
    command_status: (v) => /^ESME_[A-Z_]+$|^no_response$|^other$/.test(v),
    state: (v) => /^[A-Z]+$/.test(v),
    kind: (v) => ['mo', 'receipt', 'server', 'client'].includes(v),
    event: (v) => ['mo', 'receipt'].includes(v),
    source: (v) => ['outboxDepth', 'inboxDepth', 'registrations', 'sipTransactions', 'binds'].includes(v),
    stat: (v) => ['p50', 'p90', 'p99', 'max', 'mean'].includes(v),
    le: () => true,
  };
  for (const sample of exposition.samples.filter((s) => Object.values(METRIC_NAMES).some((name) => s.name.startsWith(name)))) {
    for (const [label, value] of Object.entries(sample.labels)) {
      const check = allowed[label];
      t.truthy(check, `${sample.name} has the known label ${label}`);
      t.true(check?.(value) ?? false, `${sample.name}{${label}="${value}"} is in its set`);
    }
  }
});

// --- events ------------------------------------------------------------------------------------

test('messageIn counts by channel and outcome, every pair exported from 0', async (t) => {
  const metrics = metricsFor(t);
  let exposition = await scrape(metrics);
  for (const channel of MESSAGE_CHANNELS) for (const outcome of MESSAGE_OUTCOMES) t.is(valueOf(exposition, METRIC_NAMES.messagesIn, { channel, outcome }), 0);
  metrics.messageIn('sip', 'accepted');
  metrics.messageIn('sip', 'accepted');
  metrics.messageIn('http', 'throttled');
  exposition = await scrape(metrics);
  t.is(valueOf(exposition, METRIC_NAMES.messagesIn, { channel: 'sip', outcome: 'accepted' }), 2);
  t.is(valueOf(exposition, METRIC_NAMES.messagesIn, { channel: 'http', outcome: 'throttled' }), 1);
  t.is(valueOf(exposition, METRIC_NAMES.messagesIn, { channel: 'http', outcome: 'accepted' }), 0);
});

test('submitResult names the command_status, falls back to other, and observes the latency', async (t) => {
  const metrics = metricsFor(t, { connectors: ['smsc-a'] });
  t.is(valueOf(await scrape(metrics), METRIC_NAMES.submitSm, { connector: 'smsc-a', command_status: 'ESME_ROK' }), 0, 'a configured connector starts at 0');
  metrics.submitResult('smsc-a', CommandStatus.ESME_ROK, { channel: 'sip', seconds: 0.02 });
  metrics.submitResult('smsc-a', 'ESME_ROK', { channel: 'sip', seconds: 0.2 });
  metrics.submitResult('smsc-a', 0x58);
  metrics.submitResult('smsc-a', 0x401, { channel: 'http', seconds: 0.01 }); // vendor-specific
  metrics.submitResult('smsc-a', 0x12345678); // not a status at all
  metrics.submitResult('smsc-a', 'no_response', { channel: 'sip', seconds: 10 });
  metrics.submitResult('smsc-a', CommandStatus.ESME_ROK, { channel: 'sip', seconds: -1 }); // a clock step back: counted, not observed
  const exposition = await scrape(metrics);
  const submits = (status: string): number | undefined => valueOf(exposition, METRIC_NAMES.submitSm, { connector: 'smsc-a', command_status: status });
  t.is(submits('ESME_ROK'), 3);
  t.is(submits('ESME_RTHROTTLED'), 1);
  t.is(submits('other'), 2);
  t.is(submits('no_response'), 1);
  const latency = `${METRIC_NAMES.submitLatency}`;
  t.is(valueOf(exposition, `${latency}_count`, { channel: 'sip', connector: 'smsc-a' }), 2, 'no_response and negative durations are not observed');
  t.is(valueOf(exposition, `${latency}_sum`, { channel: 'sip', connector: 'smsc-a' }), 0.22);
  t.is(valueOf(exposition, `${latency}_bucket`, { channel: 'sip', connector: 'smsc-a', le: '0.025' }), 1);
  t.is(valueOf(exposition, `${latency}_bucket`, { channel: 'sip', connector: 'smsc-a', le: '+Inf' }), 2);
  t.is(valueOf(exposition, `${latency}_count`, { channel: 'http', connector: 'smsc-a' }), 1);
  t.is(commandStatusLabel(CommandStatus.ESME_RINVDSTADR), 'ESME_RINVDSTADR');
  t.is(commandStatusLabel('ESME_RMSGQFUL'), 'ESME_RMSGQFUL');
});

test('deliverSm counts by connector and kind; receipts by state, with the latency of final states only', async (t) => {
  const metrics = metricsFor(t);
  metrics.deliverSm('smsc-a', 'mo');
  metrics.deliverSm('smsc-a', 'receipt');
  metrics.deliverSm('smsc-a', 'receipt');
  metrics.receipt('smsc-a', 'ENROUTE', 1);
  metrics.receipt('smsc-a', 'DELIVERED', 3);
  metrics.receipt('smsc-a', 'EXPIRED', 86400);
  metrics.receipt('smsc-a', 'DELIVERED');
  const exposition = await scrape(metrics);
  t.is(valueOf(exposition, METRIC_NAMES.deliverSm, { connector: 'smsc-a', kind: 'mo' }), 1);
  t.is(valueOf(exposition, METRIC_NAMES.deliverSm, { connector: 'smsc-a', kind: 'receipt' }), 2);
  t.is(valueOf(exposition, METRIC_NAMES.receipts, { connector: 'smsc-a', state: 'DELIVERED' }), 2);
  t.is(valueOf(exposition, METRIC_NAMES.receipts, { connector: 'smsc-a', state: 'ENROUTE' }), 1);
  t.is(valueOf(exposition, `${METRIC_NAMES.receiptLatency}_count`, { connector: 'smsc-a', state: 'DELIVERED' }), 1);
  t.is(valueOf(exposition, `${METRIC_NAMES.receiptLatency}_sum`, { connector: 'smsc-a', state: 'EXPIRED' }), 86400);
  t.is(valueOf(exposition, `${METRIC_NAMES.receiptLatency}_count`, { connector: 'smsc-a', state: 'ENROUTE' }), undefined, 'an intermediate state is not a final receipt');
});

test('webhook attempts count by event and outcome with their duration; give-ups count once', async (t) => {
  const metrics = metricsFor(t);
  metrics.webhookAttempt('receipt', 'timeout', 10);
  metrics.webhookAttempt('receipt', 'delivered', 0.04);
  metrics.webhookGaveUp('receipt');
  const exposition = await scrape(metrics);
  t.is(valueOf(exposition, METRIC_NAMES.webhookDeliveries, { event: 'receipt', outcome: 'timeout' }), 1);
  t.is(valueOf(exposition, METRIC_NAMES.webhookDeliveries, { event: 'receipt', outcome: 'delivered' }), 1);
  t.is(valueOf(exposition, METRIC_NAMES.webhookDeliveries, { event: 'receipt', outcome: 'gave_up' }), 1);
  t.is(valueOf(exposition, METRIC_NAMES.webhookDeliveries, { event: 'mo', outcome: 'delivered' }), 0);
  t.is(valueOf(exposition, `${METRIC_NAMES.webhookDuration}_bucket`, { event: 'receipt', outcome: 'delivered', le: '0.05' }), 1);
  t.is(valueOf(exposition, `${METRIC_NAMES.webhookDuration}_count`, { event: 'receipt', outcome: 'timeout' }), 1);
  t.is(valueOf(exposition, `${METRIC_NAMES.webhookDuration}_count`, { event: 'receipt', outcome: 'gave_up' }), undefined);
});

test('connector ids past the cap are recorded as other', async (t) => {
  const metrics = metricsFor(t, { maxConnectors: 2 });
  for (const connector of ['a', 'b', '447700900123', '447700900124']) metrics.deliverSm(connector, 'mo');
  metrics.deliverSm('a', 'mo');
  const exposition = await scrape(metrics);
  t.is(valueOf(exposition, METRIC_NAMES.deliverSm, { connector: 'a', kind: 'mo' }), 2);
  t.is(valueOf(exposition, METRIC_NAMES.deliverSm, { connector: 'other', kind: 'mo' }), 2);
  t.deepEqual(new Set(exposition.samples.filter((s) => s.name === METRIC_NAMES.deliverSm).map((s) => s.labels.connector)), new Set(['a', 'b', 'other']));
});

// --- state gauges --------------------------------------------------------------------------------

test('state gauges read their sources on each scrape; a removed bind leaves the exposition', async (t) => {
  let outbox = 3;
  let binds: BindSample[] = BINDS;
  let reads = 0;
  const metrics = metricsFor(t, {
    sources: {
      outboxDepth: () => outbox,
      inboxDepth: async () => 11,
      registrations: () => 2,
      sipTransactions: () => ({ server: 5, client: 1 }),
      binds: () => {
        reads++;
        return binds;
      },
    },
  });
  let exposition = await scrape(metrics);
  t.is(reads, 1, 'the three bind gauges share one read per scrape');
  t.is(valueOf(exposition, METRIC_NAMES.outbox), 3);
  t.is(valueOf(exposition, METRIC_NAMES.inbox), 11);
  t.is(valueOf(exposition, METRIC_NAMES.registrations), 2);
  t.is(valueOf(exposition, METRIC_NAMES.transactions, { kind: 'server' }), 5);
  t.is(valueOf(exposition, METRIC_NAMES.transactions, { kind: 'client' }), 1);
  t.is(valueOf(exposition, METRIC_NAMES.bindUp, { connector: 'smsc-a', bind: '0' }), 1);
  t.is(valueOf(exposition, METRIC_NAMES.bindUp, { connector: 'smsc-a', bind: '1' }), 0);
  t.is(valueOf(exposition, METRIC_NAMES.windowInFlight, { connector: 'smsc-b', bind: '0' }), 10);
  t.is(valueOf(exposition, METRIC_NAMES.windowSize, { connector: 'smsc-b', bind: '0' }), 10);
  outbox = 0;
  binds = BINDS.slice(0, 1);
  exposition = await scrape(metrics);
  t.is(reads, 2);
  t.is(valueOf(exposition, METRIC_NAMES.outbox), 0);
  t.is(valueOf(exposition, METRIC_NAMES.bindUp, { connector: 'smsc-b', bind: '0' }), undefined);
  t.is(exposition.samples.filter((s) => s.name === METRIC_NAMES.windowInFlight).length, 1);
});

test('a failing or slow source costs its own gauge (NaN or left out) and is counted, never the scrape', async (t) => {
  const metrics = metricsFor(t, {
    sourceTimeoutMs: 50,
    sources: {
      outboxDepth: () => Promise.reject(new Error('store down')),
      inboxDepth: () => new Promise<number>(() => {}), // never answers
      registrations: () => Number.NaN,
      binds: () => {
        throw new Error('pool gone');
      },
      sipTransactions: () => ({ server: 1, client: 0 }),
    },
  });
  const exposition = await scrape(metrics);
  t.true(Number.isNaN(valueOf(exposition, METRIC_NAMES.outbox)), 'an unknown value is NaN, not 0');
  t.true(Number.isNaN(valueOf(exposition, METRIC_NAMES.inbox)));
  t.true(Number.isNaN(valueOf(exposition, METRIC_NAMES.registrations)));
  t.is(exposition.samples.filter((s) => s.name === METRIC_NAMES.bindUp).length, 0);
  t.is(valueOf(exposition, METRIC_NAMES.transactions, { kind: 'server' }), 1);
  for (const source of ['outboxDepth', 'inboxDepth', 'registrations', 'binds']) t.is(valueOf(exposition, METRIC_NAMES.sourceErrors, { source }), 1, `${source} failed once, counted in the same scrape`);
  t.is(valueOf(exposition, METRIC_NAMES.sourceErrors, { source: 'sipTransactions' }), 0);
});

test('a gauge whose source is not given is not exported', async (t) => {
  const metrics = metricsFor(t, { sources: { outboxDepth: () => 1 } });
  const exposition = await scrape(metrics);
  t.true(exposition.types.has(METRIC_NAMES.outbox));
  for (const name of [METRIC_NAMES.inbox, METRIC_NAMES.registrations, METRIC_NAMES.transactions, METRIC_NAMES.bindUp, METRIC_NAMES.windowInFlight]) t.false(exposition.types.has(name), name);
  t.deepEqual(
    exposition.samples.filter((s) => s.name === METRIC_NAMES.sourceErrors).map((s) => s.labels.source),
    ['outboxDepth'],
  );
});

test('event-loop lag reports the delay since the previous scrape, in seconds', async (t) => {
  const metrics = metricsFor(t, { eventLoopResolutionMs: 1 });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const busyUntil = Date.now() + 60;
  while (Date.now() < busyUntil); // block the loop for 60 ms
  await new Promise((resolve) => setTimeout(resolve, 5));
  const exposition = await scrape(metrics);
  const max = valueOf(exposition, METRIC_NAMES.eventLoopLag, { stat: 'max' });
  t.true(max !== undefined && max >= 0.05 && max < 5, `max ${max} s`);
  for (const stat of ['p50', 'p90', 'p99', 'mean']) t.true((valueOf(exposition, METRIC_NAMES.eventLoopLag, { stat }) ?? -1) >= 0, stat);
});

// --- the /metrics handler ------------------------------------------------------------------------

async function serve(t: ExecutionContext, metrics: GatewayMetrics): Promise<number> {
  const server: Server = createServer((req, res) => {
    if (!metrics.handleMetricsRequest(req, res)) res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

function fetchRaw(port: number, method: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

test('handleMetricsRequest answers GET and HEAD /metrics, 405 for other methods, and leaves other paths to the caller', async (t) => {
  const metrics = metricsFor(t);
  metrics.messageIn('sip', 'queued');
  const port = await serve(t, metrics);
  const get = await fetchRaw(port, 'GET', '/metrics?name[]=x');
  t.is(get.status, 200);
  t.is(get.headers['content-type'], metrics.contentType);
  t.regex(get.body, /^switchboard_messages_in_total\{channel="sip",outcome="queued"\} 1$/m);
  const head = await fetchRaw(port, 'HEAD', '/metrics');
  t.is(head.status, 200);
  t.is(head.body, '');
  t.true(Number(head.headers['content-length']) > 1000, 'HEAD says how long the GET would be');
  const post = await fetchRaw(port, 'POST', '/metrics');
  t.is(post.status, 405);
  t.is(post.headers.allow, 'GET, HEAD');
  t.is((await fetchRaw(port, 'GET', '/')).status, 404);
  t.is((await fetchRaw(port, 'GET', '/metrics/x')).status, 404);
});

// --- Debian's promtool and prometheus -------------------------------------------------------------

test('promtool check metrics finds the exposition clean', async (t) => {
  const metrics = everything(t);
  const exposition = await metrics.metrics();
  t.true(exposition.includes('switchboard_messages_in_total'), 'promtool is given the real exposition (it passes empty input)');
  const verdict = promtoolCheckMetrics(exposition);
  t.is(verdict.output, '', 'no lint problems');
  t.is(verdict.status, 0);
});

test('promtool catches what it is meant to: a gauge named like a counter', (t) => {
  const verdict = promtoolCheckMetrics('# HELP switchboard_bad_total A gauge.\n# TYPE switchboard_bad_total gauge\nswitchboard_bad_total 1\n');
  t.not(verdict.status, 0);
  t.regex(verdict.output, /non-counter metrics should not have "_total" suffix/);
});

/** The dashboard's PromQL with Grafana's variables given values a query can take. */
function withVariables(expr: string): string {
  return expr.replaceAll('$__rate_interval', '10s').replace(/\$\{?(job|instance|connector)\}?/g, '.*');
}

test('a real Prometheus scrapes /metrics and answers queries about it, the dashboard\'s among them', async (t) => {
  const metrics = everything(t);
  for (let i = 0; i < 3; i++) metrics.messageIn('http', 'accepted');
  const port = await serve(t, metrics);
  const started = Date.now();
  const prometheus = await startPrometheus({ target: `127.0.0.1:${port}`, job: 'switchboard-gateway', scrapeIntervalS: 1 });
  t.teardown(() => prometheus.stop());

  const accepted = await prometheus.waitFor('switchboard_messages_in_total{channel="http",outcome="accepted"}', (r) => r.length === 1);
  t.is(accepted[0]!.value, 4);
  t.is(accepted[0]!.metric.job, 'switchboard-gateway');
  t.is(accepted[0]!.metric.instance, `127.0.0.1:${port}`);
  t.deepEqual((await prometheus.query('up')).map((s) => s.value), [1]);
  t.deepEqual((await prometheus.query('switchboard_outbox_messages')).map((s) => s.value), [7], 'a source gauge is read on scrape');
  const median = await prometheus.query('histogram_quantile(0.5, sum by (le) (switchboard_submit_latency_seconds_bucket{channel="http"}))');
  t.true(median.length === 1 && median[0]!.value > 0.01 && median[0]!.value <= 0.025, `median ${JSON.stringify(median)}`);
  t.deepEqual((await prometheus.query('scrape_samples_post_metric_relabeling')).length, 1);

  // Every expression of the dashboard parses and, once rate() has two scrapes, returns series.
  metrics.messageIn('sip', 'accepted');
  // Prometheus 2.x hands new targets to its scrape loop on a fixed 5 s tick, so the first scrape
  // comes about 5 s after start; later ones every second.
  t.log(`first scrape after ${Date.now() - started} ms`);
  await prometheus.waitFor('count_over_time(up[10s])', (r) => (r[0]?.value ?? 0) >= 2);
  const expressions = dashboardExpressions(JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard);
  const answers = await Promise.all(expressions.map(async ({ where, expr }) => ({ where, expr, result: await prometheus.query(withVariables(expr)).catch((error: unknown) => String(error)) })));
  for (const { where, expr, result } of answers) {
    t.true(Array.isArray(result), `${where}: ${expr}: ${String(result)}`);
    t.true(Array.isArray(result) && result.length > 0, `${where}: ${expr} returns series`);
  }
});

// --- the Grafana dashboard ------------------------------------------------------------------------

interface DashboardPanel {
  readonly title?: string;
  readonly targets?: { readonly expr?: string }[];
  readonly panels?: DashboardPanel[];
}

interface Dashboard {
  readonly panels: DashboardPanel[];
  readonly templating: { readonly list: { readonly name: string; readonly type: string; readonly query?: string | { readonly query?: string } }[] };
}

/** Every PromQL expression of the dashboard: panel targets, and the selectors of its label_values() variables. */
function dashboardExpressions(dashboard: Dashboard): { where: string; expr: string; label?: string }[] {
  const found: { where: string; expr: string; label?: string }[] = [];
  const walk = (panels: readonly DashboardPanel[]): void => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) if (target.expr !== undefined) found.push({ where: `panel "${panel.title}"`, expr: target.expr });
      walk(panel.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating.list) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
    const labelValues = /^label_values\((.*),\s*([a-zA-Z_]\w*)\s*\)$/.exec(query.trim());
    if (!labelValues) throw new Error(`variable ${variable.name}: only label_values(selector, label) is understood, got ${query}`);
    found.push({ where: `variable $${variable.name}`, expr: labelValues[1]!, label: labelValues[2]! });
  }
  return found;
}

const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** The metric names and label names a PromQL expression uses (a tokenizer, enough for dashboards). */
function promqlNames(expr: string): { metrics: Set<string>; labels: Set<string> } {
  const labels = new Set<string>();
  let rest = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  rest = rest.replace(/\{([^}]*)\}/g, (_, matchers: string) => {
    for (const [, label] of matchers.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.add(label!);
    return ' ';
  });
  rest = rest.replace(/\[[^\]]*\]/g, ' ');
  rest = rest.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_, list: string) => {
    for (const label of list.split(',').map((l) => l.trim()).filter(Boolean)) labels.add(label);
    return ' ';
  });
  rest = rest.replace(/(?<![\w:])\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, ' ');
  const metrics = new Set<string>();
  for (const match of rest.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const word = match[0];
    const after = rest.slice(match.index + word.length).trimStart();
    if (after.startsWith('(') || PROMQL_KEYWORDS.has(word.toLowerCase())) continue; // a function or an aggregation
    metrics.add(word);
  }
  return { metrics, labels };
}

test('the PromQL reader finds metric and label names', (t) => {
  const names = promqlNames('histogram_quantile(0.99, sum by (le, channel) (rate(switchboard_submit_latency_seconds_bucket{job=~"$job", x="a{b}"}[$__rate_interval]))) / on (job) group_left max(up)');
  t.deepEqual([...names.metrics].sort(), ['switchboard_submit_latency_seconds_bucket', 'up']);
  t.deepEqual([...names.labels].sort(), ['channel', 'job', 'le', 'x']);
});

test('the Grafana dashboard reads only metrics and labels GatewayMetrics exports, and shows each of them', async (t) => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
  const exposition = await scrape(everything(t));
  const exported = seriesNames(exposition);
  const labelsOf = new Map<string, Set<string>>();
  for (const sample of exposition.samples) {
    const labels = labelsOf.get(sample.name) ?? new Set<string>(['job', 'instance']); // Prometheus adds these on scrape
    for (const label of Object.keys(sample.labels)) labels.add(label);
    labelsOf.set(sample.name, labels);
  }
  const expressions = dashboardExpressions(dashboard);
  t.true(expressions.length >= 20, `${expressions.length} expressions`);
  const used = new Set<string>();
  for (const { where, expr, label } of expressions) {
    const { metrics, labels } = promqlNames(expr);
    if (label !== undefined) labels.add(label);
    t.true(metrics.size > 0, `${where}: ${expr} reads a metric`);
    for (const metric of metrics) {
      used.add(metric);
      t.true(exported.has(metric), `${where}: ${metric} is exported by GatewayMetrics`);
    }
    const known = new Set([...metrics].flatMap((metric) => [...(labelsOf.get(metric) ?? [])]));
    for (const name of labels) t.true(known.has(name), `${where}: label ${name} is on ${[...metrics].join(', ')}`);
  }
  for (const name of Object.values(METRIC_NAMES)) {
    t.true([...used].some((metric) => metric === name || metric.startsWith(`${name}_`)), `the dashboard shows ${name}`);
  }
});
