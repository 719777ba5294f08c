// Runs the oracle's Erlang side (erlang/oracle.escript on real OTP, the reference) and collects
// one trace per scenario. One VM runs every scenario at once, each in its own process, so the run
// takes about as long as its slowest scenario.
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ESCRIPT = join(fileURLToPath(new URL('./erlang/', import.meta.url)), 'oracle.escript');

/** Why the oracle cannot run, or null when `escript` is on PATH. */
export function missingErlang(): string | null {
  const probe = spawnSync('escript', ['-s', '/dev/null'], { encoding: 'utf8' });
  const error = probe.error as NodeJS.ErrnoException | undefined;
  if (error?.code === 'ENOENT') {
    return (
      '`escript` (Erlang/OTP) is not on PATH. The OTP oracle test compares our runtime with real OTP and never skips: ' +
      'install Erlang (Debian/Ubuntu: `apt-get install erlang-base`; CI installs it) and run the test again.'
    );
  }
  return null;
}

function runEscript(file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('escript', [file, ...args], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`escript ${file} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Runs the Erlang scenarios (every one, or those named) and returns each one's trace, by scenario
 * name.
 */
export async function erlangTraces(names: readonly string[] = []): Promise<Map<string, string[]>> {
  const missing = missingErlang();
  if (missing !== null) throw new Error(missing);
  const output = await runEscript(ESCRIPT, names);
  const traces = new Map<string, string[]>();
  const ended = new Set<string>();
  for (const line of output.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const name = line.slice(0, tab);
    const event = line.slice(tab + 1);
    if (ended.has(name)) throw new Error(`scenario ${name} is defined twice on the Erlang side`);
    if (event === '#end') {
      ended.add(name);
      if (!traces.has(name)) traces.set(name, []);
      continue;
    }
    const trace = traces.get(name) ?? [];
    trace.push(event);
    traces.set(name, trace);
  }
  for (const name of traces.keys()) {
    if (!ended.has(name)) throw new Error(`the Erlang trace of ${name} is cut short`);
  }
  return traces;
}
