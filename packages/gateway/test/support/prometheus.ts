// Debian's prometheus package in tests: `promtool check metrics` on an exposition, and a throwaway
// Prometheus server (a temporary folder, a free port, one static target) queried over its HTTP
// API. Missing binaries are an error naming the package, never a skip: a check that does not run
// must not pass. The server runs under a small sh watchdog that kills it when our stdin pipe closes,
// so even a test worker killed outright leaves no Prometheus behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '@switchboard/test-support';

/** The Debian package that provides both `prometheus` and `promtool`. */
export const PROMETHEUS_PACKAGE = 'prometheus';

/** A program of Debian's prometheus package is not installed. */
export class PrometheusMissingError extends Error {
  readonly code = 'ERR_TEST_PROMETHEUS_MISSING';
  constructor(program: string) {
    super(`${program} is needed by this test and was not found in /usr/bin or on PATH: install Debian's ${PROMETHEUS_PACKAGE} package (apt-get install -y ${PROMETHEUS_PACKAGE})`);
    this.name = 'PrometheusMissingError';
  }
}

/** The path of one of the package's programs (`/usr/bin/<program>` as Debian installs it, else PATH), or throws naming the package. */
export function prometheusProgram(program: 'prometheus' | 'promtool'): string {
  const debian = join('/usr/bin', program);
  if (existsSync(debian)) return debian;
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status === 0 && path !== '') return path;
  throw new PrometheusMissingError(program);
}

/** What `promtool check metrics` said about an exposition. */
export interface PromtoolVerdict {
  /** Its exit status: 0 clean, 3 lint problems, 1 a parse error. */
  readonly status: number | null;
  /** Its stdout and stderr together (the problems, one a line). */
  readonly output: string;
}

/** Runs `promtool check metrics` with the exposition on its stdin. */
export function promtoolCheckMetrics(exposition: string): PromtoolVerdict {
  const run = spawnSync(prometheusProgram('promtool'), ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 10_000 });
  if (run.error !== undefined) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

/** One result of an instant query: its labels and value. */
export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A running throwaway Prometheus. */
export interface Prometheus {
  /** Its HTTP API's base, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** An instant query (/api/v1/query); rejects with Prometheus's error for a bad expression. */
  query(expr: string): Promise<PromSample[]>;
  /** Polls `expr` until `accept` takes its result, at most `limitMs`; rejects with the last result and the log. */
  waitFor(expr: string, accept: (samples: PromSample[]) => boolean, limitMs?: number): Promise<PromSample[]>;
  /** What it has written to stderr so far. */
  log(): string;
  /** Stops it (SIGTERM through the watchdog, SIGKILL after 5 s), waits for its exit and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

interface QueryAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts Prometheus scraping `target` (`host:port`, path /metrics) every `scrapeIntervalS` seconds, and waits until it is ready. */
export async function startPrometheus(options: { readonly target: string; readonly job: string; readonly scrapeIntervalS?: number }): Promise<Prometheus> {
  const binary = prometheusProgram('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-test-'));
  const [port] = await freePorts(1);
  const interval = `${options.scrapeIntervalS ?? 1}s`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  scrape_timeout: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      `  - job_name: ${JSON.stringify(options.job)}`,
      '    static_configs:',
      `      - targets: [${JSON.stringify(options.target)}]`,
      '',
    ].join('\n'),
  );
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  // The watchdog: prometheus runs in the background; when our end of stdin closes (stop(), or this
  // process dying), `cat` returns and prometheus gets SIGTERM; sh removes the folder and exits.
  const watchdog = 'exec 3<&0; "$0" "$@" </dev/null & p=$!; echo "pid $p"; (cat <&3 >/dev/null; kill -TERM $p 2>/dev/null) & exec 3<&-; wait $p; s=$?; rm -rf "$PROMETHEUS_TEST_DIR"; exit $s';
  const child: ChildProcess = spawn('sh', ['-c', watchdog, binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PROMETHEUS_TEST_DIR: dir } });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (text: string) => stderr.push(text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pid = new Promise<number>((resolve) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = /pid (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const log = (): string => stderr.join('');
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      child.stdin!.end();
      const timer = setTimeout(() => {
        void pid.then((p) => {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // already gone
          }
        });
        child.kill('SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    })());
  // a last resort if the test ends without stop(): closing stdin is all the watchdog needs
  const onExit = (): void => void child.stdin!.end();
  process.once('exit', onExit);
  void exited.then(() => process.removeListener('exit', onExit));

  const query = async (expr: string): Promise<PromSample[]> => {
    const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const answer = (await response.json()) as QueryAnswer;
    if (answer.status !== 'success' || answer.data === undefined) throw new Error(`Prometheus refused ${expr}: ${answer.error ?? response.status}`);
    if (answer.data.resultType !== 'vector') throw new Error(`Prometheus answered ${expr} with a ${answer.data.resultType}, not a vector`);
    return answer.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };

  const deadline = Date.now() + 10_000;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined) {
      await stop();
      throw new Error(`prometheus exited (status ${exitCode}) before it was ready:\n${log()}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 10 s:\n${log()}`);
    }
    await sleep(50);
  }

  return {
    url,
    query,
    async waitFor(expr, accept, limitMs = 10_000) {
      const until = Date.now() + limitMs;
      let last: PromSample[] | string = [];
      for (;;) {
        try {
          last = await query(expr);
          if (accept(last)) return last;
        } catch (error) {
          last = String(error);
        }
        if (Date.now() > until) throw new Error(`Prometheus never answered ${expr} as expected within ${limitMs} ms; last answer: ${JSON.stringify(last)}\nlog:\n${log()}`);
        await sleep(100);
      }
    },
    log,
    stop,
  };
}
