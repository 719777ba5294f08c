// `pnpm bench gateway`: sipp sends MESSAGEs (packages/gateway/scenarios/message.xml) to the
// gateway, each becoming a submit_sm to an SMSC simulator and a 202 once its response is back. The
// simulator is packages/smpp's smpp-sim CLI in a process of its own (a real SMSC is elsewhere: one
// core must not do both sides of SMPP).
// Steps of rising rate, 4 s each; a step holds with no failed message, no retransmission and a p99
// under 50 ms. Beside it, the same load on our bare SIP stack answering 202 at once: the floor.
// Also the heap per transaction the gateway holds in Completed until Timer J (20,000 OPTIONS
// answered, peers/held-transactions.ts), beside the bare stack under the same load.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Measurement } from '../report.js';
import { heldFigures } from './sip-stack.js';

const RATES = [500, 1000, 2000, 3000, 4000, 6000];
const SECONDS = 4;
const P99_LIMIT_MS = 50;
const scenario = fileURLToPath(new URL('../../../packages/gateway/scenarios/message.xml', import.meta.url));
let nextPort = 27_060;

/** packages/smpp's smpp-sim CLI in its own process, taking the gateway's bind (gateway / secret); resolves with its port. */
export async function startSmppSim(extra: readonly string[] = []): Promise<{ port: number; stop(): void }> {
  const cli = fileURLToPath(new URL('../../../packages/smpp/src/simulator/cli.ts', import.meta.url));
  // --lockout 0: the gateway binds from loopback like any local process; never lock it out
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@switchboard/source', '--import=tsx', cli, '--port', '0', '--user', 'gateway:secret', '--lockout', '0', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /listening on [^:]+:(\d+)/.exec(line);
      if (match !== null) resolve(Number(match[1]));
    });
    child.once('exit', (status) => reject(new Error(`smpp-sim exited with status ${status}`)));
  });
  return { port, stop: () => child.kill('SIGKILL') };
}

async function start(kind: 'gateway' | 'bare'): Promise<{ port: number; stop(): void }> {
  const port = nextPort++;
  const smsc = kind === 'gateway' ? await startSmppSim() : undefined;
  const file = fileURLToPath(new URL('../peers/gateway-process.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@switchboard/source', '--import=tsx', file, kind, String(port), ...(smsc === undefined ? [] : [String(smsc.port)])], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => createInterface({ input: child.stdout! }).once('line', () => resolve()));
  return {
    port,
    stop: () => {
      child.kill('SIGKILL');
      smsc?.stop();
    },
  };
}

interface Step {
  readonly ok: boolean;
  readonly failed: number;
  readonly retransmissions: number;
  readonly p50: number;
  readonly p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function runStep(port: number, rate: number): Promise<Step> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-msg-'));
  const args = ['-sf', scenario, '-set', 'user', 'alice', '-s', '447700900123', `127.0.0.1:${port}`, '-i', '127.0.0.1', '-p', String(nextPort++), '-m', String(rate * SECONDS), '-r', String(rate), '-l', String(rate * 2), '-buff_size', '4194304', '-nostdin', '-timeout', '60s', '-timeout_error', '-trace_stat', '-fd', '60', '-stf', 'stat.csv', '-trace_rtt', '-rtt_freq', '1000'];
  return new Promise((resolve) => {
    spawn('sipp', args, { cwd: dir, stdio: 'ignore' }).on('exit', (status) => {
      const csv = readdirSync(dir).includes('stat.csv') ? readFileSync(join(dir, 'stat.csv'), 'utf8').trim().split('\n') : [];
      const header = (csv[0] ?? '').split(';');
      const last = (csv[csv.length - 1] ?? '').split(';');
      const column = (name: string) => Number(last[header.indexOf(name)] ?? NaN);
      const rttFile = readdirSync(dir).find((f) => f.endsWith('_rtt.csv'));
      const times = rttFile === undefined ? [] : readFileSync(join(dir, rttFile), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(';')[1])).filter(Number.isFinite).sort((a, b) => a - b);
      const failed = column('FailedCall(C)');
      const retransmissions = column('Retransmissions(C)');
      const p99 = percentile(times, 99);
      resolve({ ok: status === 0 && failed === 0 && retransmissions === 0 && p99 < P99_LIMIT_MS, failed, retransmissions, p50: percentile(times, 50), p99 });
    });
  });
}

async function ramp(kind: 'gateway' | 'bare'): Promise<{ rate: number; at2000: Step | undefined }> {
  let best = 0;
  let at2000: Step | undefined;
  for (const rate of RATES) {
    const target = await start(kind);
    const step = await runStep(target.port, rate);
    target.stop();
    process.stderr.write(`${kind} ${rate}/s: ${step.ok ? 'held' : 'failed'} (failed ${step.failed}, retransmissions ${step.retransmissions}, p50 ${step.p50} ms, p99 ${step.p99} ms)\n`);
    if (rate === 2000) at2000 = step;
    if (!step.ok) break;
    best = rate;
  }
  return { rate: best, at2000 };
}

/** The goal for a completed transaction (issue 20): 2 kB of heap or less. */
const HELD_TARGET = 2000;

/** Heap per transaction the gateway holds in Completed (Timer J), beside the bare stack. */
export async function gatewayHeldRow(): Promise<Measurement> {
  const gateway = await heldFigures('gateway');
  const bare = await heldFigures('bare');
  return { name: `heap per live held transaction through the gateway: ${gateway.live.toLocaleString('en')} OPTIONS answered 200, in Completed until Timer J`, unit: 'bytes', ours: gateway.heapPerTransaction, peer: 'our bare SIP stack answering OPTIONS 200, same load, same run', peerValue: bare.heapPerTransaction, higherIsBetter: false, target: HELD_TARGET };
}

export async function gatewaySuite(): Promise<Measurement[]> {
  const gateway = await ramp('gateway');
  const bare = await ramp('bare');
  const held = await gatewayHeldRow();
  const floor = 'our SIP stack answering 202 at once (no SMPP), same run';
  return [
    { name: `highest MESSAGE rate with 0 failed, 0 retransmissions, p99 < ${P99_LIMIT_MS} ms (sipp, ${SECONDS} s per step, smpp-sim in its own process)`, unit: 'msgs/s', ours: gateway.rate, peer: floor, peerValue: bare.rate, higherIsBetter: true, target: 2000 },
    { name: 'MESSAGE → submit_sm → 202 at 2,000/s: p50', unit: 'ms', ours: gateway.at2000?.p50 ?? NaN, peer: floor, peerValue: bare.at2000?.p50 ?? NaN, higherIsBetter: false },
    { name: 'MESSAGE → submit_sm → 202 at 2,000/s: p99', unit: 'ms', ours: gateway.at2000?.p99 ?? NaN, peer: floor, peerValue: bare.at2000?.p99 ?? NaN, higherIsBetter: false, target: P99_LIMIT_MS },
    held,
  ];
}
