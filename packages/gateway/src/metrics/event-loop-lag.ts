// Event-loop lag from perf_hooks' monitorEventLoopDelay, as gauges read on each scrape: the
// delay's percentiles, mean and maximum since the previous scrape (the histogram is reset after
// each read, as prom-client's own nodejs_eventloop_lag_* do), so a stall shows at the next scrape.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/** The `stat` label of the lag gauge. */
export type LagStat = 'p50' | 'p90' | 'p99' | 'max' | 'mean';

const LAG_STATS: readonly LagStat[] = ['p50', 'p90', 'p99', 'max', 'mean'];

const NS_PER_SECOND = 1e9;

/** A monitorEventLoopDelay histogram exported as `<name>{stat}` in seconds. */
export class EventLoopLag {
  readonly #histogram: IntervalHistogram;

  constructor(registry: Registry, name: string, resolutionMs: number) {
    this.#histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.#histogram.enable();
    const histogram = this.#histogram;
    const gauge = new Gauge<'stat'>({
      name,
      help: 'Event-loop delay since the previous scrape (perf_hooks monitorEventLoopDelay), by statistic: p50, p90, p99, max, mean.',
      labelNames: ['stat'],
      registers: [registry],
      collect() {
        // No sample yet (a scrape right after the previous one): keep the last values.
        if (histogram.count === 0) return;
        const set = (stat: LagStat, ns: number): void => this.set({ stat }, ns / NS_PER_SECOND);
        set('p50', histogram.percentile(50));
        set('p90', histogram.percentile(90));
        set('p99', histogram.percentile(99));
        set('max', histogram.max);
        set('mean', histogram.mean);
        histogram.reset();
      },
    });
    // until the monitor has a sample (a scrape right after start), no delay has been seen
    for (const stat of LAG_STATS) gauge.set({ stat }, 0);
  }

  /** Stops measuring (the monitor's timer). */
  close(): void {
    this.#histogram.disable();
  }
}
