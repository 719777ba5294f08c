// A start that fails, as the user meets it: one line on stderr naming the cause and the setting to
// change, and an exit status that tells the causes apart (69 a port in use or a database out of
// reach, 73 a store that cannot be written, 78 a bad configuration) instead of pages of nested
// supervisor errors.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { freePort } from '@switchboard/test-support';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

/** The environment without what the test runner's own pnpm or the caller set. */
function cleanEnv(vars: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('SWITCHBOARD_') && key !== 'DEBUG' && key !== 'INIT_CWD') env[key] = value;
  return { ...env, ...vars };
}

async function run(vars: Record<string, string>, options: { args?: string[]; cwd?: string } = {}): Promise<{ status: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [`--import=${tsx}`, '--conditions=@switchboard/source', main, ...(options.args ?? [])], {
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'gateway-start-')),
    env: cleanEnv(vars),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const [status] = (await once(child, 'close')) as [number | null];
  return { status, stderr, stdout };
}

async function occupy(): Promise<{ port: number; server: Server }> {
  const port = await freePort();
  const server = createServer().listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { port, server };
}

const store = (): string => join(mkdtempSync(join(tmpdir(), 'gateway-store-')), 'gateway.sqlite');

for (const [key, env] of [
  ['sip.port', 'SWITCHBOARD_SIP_PORT'],
  ['status.port', 'SWITCHBOARD_STATUS_PORT'],
  ['http.port', 'SWITCHBOARD_HTTP_PORT'],
  ['smpp.port', 'SWITCHBOARD_SMPP_PORT'],
  ['sip.wsPort', 'SWITCHBOARD_SIP_WS_PORT'],
] as const) {
  test(`${key} in use: one line naming ${key}, status 69`, async (t) => {
    const { port, server } = await occupy();
    try {
      const vars = { SWITCHBOARD_SIP_PORT: String(await freePort()), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: store(), [env]: String(port) };
      const { status, stderr } = await run(vars);
      t.is(status, 69, stderr);
      const lines = stderr.trimEnd().split('\n');
      t.is(lines.length, 1, stderr);
      t.regex(lines[0]!, new RegExp(`127\\.0\\.0\\.1:${port}: the port is in use`));
      t.true(lines[0]!.includes(`set ${key} (${env})`), lines[0]);
    } finally {
      server.close();
    }
  });
}

test('a store that cannot be created: one line naming store.path, status 73', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-store-'));
  writeFileSync(join(dir, 'file'), '');
  const path = join(dir, 'file', 'gateway.sqlite'); // its folder would be a file
  const { status, stderr } = await run({ SWITCHBOARD_SIP_PORT: String(await freePort()), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: path });
  t.is(status, 73, stderr);
  t.is(stderr.trimEnd().split('\n').length, 1, stderr);
  t.regex(stderr, new RegExp(`^cannot open the store ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .+; set store\\.path \\(SWITCHBOARD_STORE_PATH\\)`));
});

test('a PostgreSQL store out of reach: one line naming store.url (its password hidden), status 69', async (t) => {
  const url = `postgres://gateway:hunter2@127.0.0.1:${await freePort()}/switchboard`; // nothing listens there
  const { status, stderr } = await run({ SWITCHBOARD_SIP_PORT: String(await freePort()), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_URL: url });
  t.is(status, 69, stderr);
  t.is(stderr.trimEnd().split('\n').length, 1, stderr);
  t.regex(stderr, /^cannot open the store postgres:\/\/gateway:\*\*\*@127\.0\.0\.1:\d+\/switchboard: .*ECONNREFUSED.*; set store\.url \(SWITCHBOARD_STORE_URL\)/);
  t.false(stderr.includes('hunter2'));
});

test('a config file that is not JSON (a relative --config, read from the caller directory): one line, status 78', async (t) => {
  const caller = mkdtempSync(join(tmpdir(), 'gateway-caller-'));
  writeFileSync(join(caller, 'gateway.json'), '{ not json');
  // the program runs elsewhere (pnpm runs scripts in the package's folder) and INIT_CWD names the caller's
  const { status, stderr } = await run({ INIT_CWD: caller }, { args: ['--config', 'gateway.json'] });
  t.is(status, 78, stderr);
  t.is(stderr.trimEnd().split('\n').length, 1, stderr);
  t.true(stderr.startsWith(`config (file): ${join(caller, 'gateway.json')} is not JSON`), stderr);
});
