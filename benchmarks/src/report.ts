// Writes one suite's results as results/<suite>.json (format in DESIGN.md §6) and prints them
// as a Markdown table.
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Measurement {
  readonly name: string;
  readonly unit: string;
  readonly ours: number;
  /** The library or baseline measured in the same run, with its version. */
  readonly peer: string;
  readonly peerValue: number;
  readonly higherIsBetter: boolean;
  /** The target for `ours`, if any (shown in the table, not stored as pass/fail). */
  readonly target?: number;
}

export interface SuiteResult {
  readonly suite: string;
  readonly date: string;
  readonly node: string;
  readonly cpus: string;
  readonly results: (Measurement & { ratio: number })[];
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function report(suite: string, measurements: Measurement[]): SuiteResult {
  const cpuList = cpus();
  const result: SuiteResult = {
    suite,
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpuList.length} x ${cpuList[0]?.model ?? 'unknown'}`,
    results: measurements.map((m) => ({
      ...m,
      ratio: round(m.higherIsBetter ? m.ours / m.peerValue : m.peerValue / m.ours),
    })),
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${suite}.json`), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${markdown(result)}\n`);
  return result;
}

export function markdown(result: SuiteResult): string {
  const lines = [
    `### ${result.suite}`,
    '',
    `${result.date.slice(0, 10)}, Node ${result.node}, ${result.cpus}`,
    '',
    '| benchmark | ours | peer / baseline | theirs | ratio (>1: we win) | target |',
    '| --- | ---: | --- | ---: | ---: | ---: |',
  ];
  for (const r of result.results) {
    const target = r.target === undefined ? '' : `${r.higherIsBetter ? '>=' : '<='} ${fmt(r.target)}`;
    // a count that must be zero on both sides (crashes, lost messages) has no ratio: 0/0
    const ratio = Number.isFinite(r.ratio) ? String(r.ratio) : '—';
    lines.push(`| ${r.name} (${r.unit}) | ${fmt(r.ours)} | ${r.peer} | ${fmt(r.peerValue)} | ${ratio} | ${target} |`);
  }
  return lines.join('\n');
}

function fmt(n: number): string {
  if (Math.abs(n) >= 1e6) return `${round(n / 1e6)} M`;
  if (Math.abs(n) >= 1e4) return `${round(n / 1e3)} k`;
  return String(round(n));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
