// Runs sipp (Debian's sip-tester) as a peer: one scenario, a bounded number of calls, no stdin;
// resolves with its exit status (0: every call succeeded) and its summary output.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


export const haveSipp = spawnSync('sipp', ['-v']).error === undefined;

export interface SippRun {
  readonly status: number | null;
  readonly output: string;
  /** Successful and failed call counts from the summary, when it printed one. */
  readonly successful: number;
  readonly failed: number;
}

export function runSipp(args: string[], limitMs = 120_000): { done: Promise<SippRun>; kill(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-'));
  const child = spawn('sipp', [...args, '-nostdin', '-trace_err', '-timeout', `${Math.floor(limitMs / 1000)}s`, '-timeout_error'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const done = new Promise<SippRun>((resolve) => {
    // 'close', not 'exit': the summary sipp prints last may still be in the stdout pipe at 'exit'
    child.on('close', (status) => {
      const count = (label: string): number => {
        const match = new RegExp(`${label}\\s*\\|[^|]*\\|\\s*(\\d+)`).exec(output);
        return match === null ? -1 : Number(match[1]);
      };
      // sipp's own account of what went wrong, when something did.
      const errors = readdirSync(dir).filter((f) => f.endsWith('_errors.log')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
      resolve({ status, output: errors === '' ? output : `${output}\n--- sipp errors ---\n${errors.slice(0, 4000)}`, successful: count('Successful call'), failed: count('Failed call') });
    });
  });
  return { done, kill: () => child.kill('SIGKILL') };
}
