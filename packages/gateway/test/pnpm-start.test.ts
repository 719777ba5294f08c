// `pnpm start` as a user runs it in a terminal: Ctrl-C (SIGINT to the whole foreground process
// group: pnpm and the gateway) stops the tree and `pnpm start` exits 0, without ELIFECYCLE; a
// relative --config and the default store are read from the directory pnpm was run in.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { REPO_ROOT, freePort } from '@switchboard/test-support';

function cleanEnv(vars: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('SWITCHBOARD_') && !key.startsWith('npm_') && key !== 'DEBUG' && key !== 'INIT_CWD') env[key] = value;
  return { ...env, ...vars };
}

/** Spawns pnpm in its own process group, as a shell does for a foreground job. */
function pnpm(args: string[], cwd: string, vars: Record<string, string>): { child: ChildProcess; output: () => string; started: Promise<void>; exit: Promise<[number | null, NodeJS.Signals | null]> } {
  const child = spawn('pnpm', args, { cwd, env: cleanEnv(vars), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
  const started = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('Status: http')) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    void exit.then(() => reject(new Error(`exited before starting:\n${output}`)));
  });
  // a failed test must not leave the gateway running
  const reap = (): void => void (child.exitCode === null && child.signalCode === null && process.kill(-child.pid!, 'SIGKILL'));
  process.once('exit', reap);
  return { child, output: () => output, started, exit };
}

test('Ctrl-C on `pnpm start` stops the tree and exits 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-pnpm-'));
  const run = pnpm(['start'], REPO_ROOT, { SWITCHBOARD_SIP_PORT: String(await freePort()), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite') });
  await run.started;
  process.kill(-run.child.pid!, 'SIGINT'); // what the terminal does on Ctrl-C
  const [code, signal] = await run.exit;
  t.deepEqual([code, signal], [0, null], run.output());
  t.true(run.output().includes('Switchboard gateway stopped.'), run.output());
  t.false(run.output().includes('ELIFECYCLE'), run.output());
});

test('a relative --config and the default store are read from the directory pnpm was run in', async (t) => {
  const caller = mkdtempSync(join(tmpdir(), 'gateway-caller-'));
  writeFileSync(join(caller, 'gateway.json'), JSON.stringify({ sip: { port: await freePort(), domain: 'caller.example' }, smpp: { port: 0 }, status: { port: 0 } }));
  // --dir: pnpm runs the workspace's script, and INIT_CWD says where it was called from
  const run = pnpm(['--dir', REPO_ROOT, 'start', '--config', 'gateway.json'], caller, {});
  await run.started;
  t.regex(run.output(), /\(domain caller\.example\)/);
  const store = join(caller, 'data', 'gateway.sqlite');
  t.true(run.output().includes(`store ${store}`), run.output());
  t.true(existsSync(store));
  process.kill(-run.child.pid!, 'SIGINT');
  t.deepEqual(await run.exit, [0, null], run.output());
});
