// `pnpm keys`: a key made on the command line is stored hashed, printed once, and works against a
// running gateway's HTTP API; list shows it without its secret; remove takes it away.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { SqliteStore, hashSecret, loadConfig, parseToken, startGateway } from '@switchboard/gateway';
import { freePort } from '@switchboard/test-support';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/keys-cli.ts', import.meta.url));

async function keys(env: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--conditions=@switchboard/source', '--import=tsx', cli, ...args], { env: { ...process.env, ...env } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

test('pnpm keys add prints a token once and stores its hash; the key works over HTTP; list and remove', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-keys-'));
  const env = { SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite') };
  const added = await keys(env, 'add', 'shop', '--rate', '50', '--callback', 'https://shop.example/receipts');
  t.is(added.code, 0, added.stderr);
  const token = /^token (\S+)$/m.exec(added.stdout)?.[1] ?? '';
  const parsed = parseToken(token);
  t.truthy(parsed, added.stdout);
  t.regex(added.stdout, /^webhook secret \S{20,}$/m);

  const store = new SqliteStore(env.SWITCHBOARD_STORE_PATH);
  const key = await store.api.key(parsed!.id);
  await store.close();
  t.like(key, { name: 'shop', admin: false, ratePerSecond: 50, callbackUrl: 'https://shop.example/receipts', secretHash: hashSecret(parsed!.secret) });

  const runtime = new Runtime();
  const gateway = await startGateway(runtime, loadConfig({ env: { ...env, SWITCHBOARD_SIP_PORT: String(await freePort()), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_AUTH_MODE: 'off' } }));
  try {
    const answer = await fetch(`http://127.0.0.1:${gateway.httpPort}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ to: '+447700900123', from: 'Shop', text: 'hello' }) });
    t.is(answer.status, 202);
  } finally {
    await gateway.stop();
  }

  const listed = await keys(env, 'list');
  t.regex(listed.stdout, new RegExp(`^${parsed!.id}\\tshop\\tclient\\t50/s`, 'm'));
  t.false(listed.stdout.includes(parsed!.secret), 'list never shows a secret');
  t.is((await keys(env, 'remove', parsed!.id)).code, 0);
  t.is((await keys(env, 'remove', parsed!.id)).code, 1);
  t.is((await keys(env, 'list')).stdout, '');
  // usage errors: status 64 and the usage
  const bad = await keys(env, 'add', 'shop', '--rate', 'lots');
  t.is(bad.code, 64);
  t.regex(bad.stderr, /--rate/);
  t.is((await keys(env, 'frobnicate')).code, 64);
  t.is((await keys(env, 'add', 'shop', '--callback', 'ftp://x')).code, 64);
});
