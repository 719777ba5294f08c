// `pnpm start`'s program as a real process: it starts with its embedded defaults (ports moved by
// environment variables), prints where to go next, and a SIGTERM stops it cleanly with status 0.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { freePort } from '@switchboard/test-support';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
// Absolute, since the program runs in a scratch directory (its data/ goes there).
const tsx = import.meta.resolve('tsx');

test('the gateway process starts, serves its status page, and exits 0 on SIGTERM after unbinding', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-main-'));
  const child = spawn(process.execPath, [`--import=${tsx}`, '--conditions=@switchboard/source', main], {
    cwd: dir,
    env: { ...process.env, INIT_CWD: dir, SWITCHBOARD_SIP_PORT: String(await freePort()), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('(JSON at')) resolve();
    });
    void exit.then(() => reject(new Error(`exited early: ${output}`)));
  });
  t.regex(output, /sipsak -U/);
  // port 0: the program listens where the kernel says and prints it, so no other socket can take it first
  const statusUrl = /Status: (http:\/\/\S+\/)/.exec(output)?.[1];
  if (statusUrl === undefined) return t.fail(output);
  const status = (await (await fetch(new URL('status.json', statusUrl))).json()) as { registrations: number };
  t.is(status.registrations, 0);
  child.kill('SIGTERM');
  t.is(await exit, 0, output);
});

test('a bad configuration stops the program with status 78 and names the key', async (t) => {
  const child = spawn(process.execPath, [`--import=${tsx}`, '--conditions=@switchboard/source', main], { env: { ...process.env, SWITCHBOARD_SIP_PORT: 'x' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.is(status, 78);
  t.regex(stderr, /config sip\.port: expected a whole number/);
});
