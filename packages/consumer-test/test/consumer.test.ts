// The packages as a user gets them: each public package is built and packed with `pnpm pack`
// (which turns workspace:* into versions), the tarballs are installed with plain `npm install`
// into a scratch project outside the repository, and used there with plain `node` (import and
// require), `tsc` (NodeNext, Bundler and node10 resolution) and their bins. No tsx, no custom
// conditions, no workspace links.
//
// better-sqlite3's install script first looks for a prebuilt binary (prebuild-install), which it
// downloads from GitHub; without that network, as in CI, it compiles SQLite from source, about a
// minute. The binary the workspace's own install made for this Node is handed to it as a local
// prebuild instead, as a user with network gets it: what is tested is our tarballs, not the
// compiler.
import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freePort } from '@switchboard/test-support';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..', '..');
const FIXTURE = resolve(HERE, '..', 'fixture');
/** In dependency order: `pnpm pack` builds each one (prepack), and a package builds against the dist of those before it. */
const PACKAGES = ['actor', 'smpp', 'sip', 'gateway'] as const;
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const work = realpathSync(mkdtempSync(join(tmpdir(), 'switchboard-consumer-')));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');

/**
 * The environment of everything run in the scratch project: nothing of the workspace leaks in —
 * no npm_* settings pnpm exports to scripts, no NODE_OPTIONS (tsx), no workspace bin folders on PATH.
 */
function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(npm_|pnpm_|NODE_OPTIONS$|NODE_PATH$|DEBUG$|SWITCHBOARD_|TS_NODE|TSX)/i.test(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => entry !== '' && !isInside(resolve(entry), REPO_ROOT))
    .join(delimiter);
  return { ...env, ...extra };
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== path);
}

interface Ran {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion within `limitMs`; rejects with its output when it fails. */
function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; limitMs: number; input?: string }): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = execFile(command, args, { cwd: options.cwd, env: options.env ?? consumerEnv(), timeout: options.limitMs, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) done({ stdout, stderr });
      else fail(new Error(`${command} ${args.join(' ')} (in ${options.cwd}) failed: ${error.message}\n--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr.slice(-4000)}`));
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

function getJson(port: number, path: string): Promise<unknown> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          done(JSON.parse(body));
        } catch (error) {
          fail(error as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', fail);
    req.end();
  });
}

// Declaration files are checked in full once (NodeNext); the other two only resolve and use them,
// which is where they differ (exports conditions, the top-level types field).
const tsconfigs = {
  nodenext: { module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: false, files: ['consumer.ts', 'consumer-require.cts'] },
  bundler: { module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true, files: ['consumer.ts'] },
  node10: { module: 'CommonJS', moduleResolution: 'node10', skipLibCheck: true, files: ['consumer.ts'] },
} as const;

test.before('pack the public packages and install the tarballs with npm outside the workspace', async (t) => {
  t.false(isInside(work, REPO_ROOT), `the scratch folder ${work} must lie outside the repository`);
  mkdirSync(tarballs);
  mkdirSync(app);
  const started = Date.now();
  // one at a time: each pack builds its package (prepack), which needs the packages before it built
  for (const name of PACKAGES) {
    await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(REPO_ROOT, 'packages', name), env: process.env, limitMs: 120_000 });
  }
  const files = readdirSync(tarballs).filter((file) => file.endsWith('.tgz'));
  t.is(files.length, PACKAGES.length, `tarballs: ${files.join(', ')}`);
  t.log(`packed ${files.join(', ')} in ${Date.now() - started} ms`);

  for (const file of readdirSync(FIXTURE)) copyFileSync(join(FIXTURE, file), join(app, file));
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'switchboard-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  for (const [name, options] of Object.entries(tsconfigs)) {
    const compilerOptions = { module: options.module, moduleResolution: options.moduleResolution, target: 'ES2022', lib: ['ES2023'], types: ['node'], strict: true, noEmit: true, skipLibCheck: options.skipLibCheck, esModuleInterop: true };
    writeFileSync(join(app, `tsconfig.${name}.json`), `${JSON.stringify({ compilerOptions, files: options.files }, null, 2)}\n`);
  }
  const installed = Date.now();
  const prebuilds = await localSqlitePrebuild();
  // the tarballs' own dependency on each other (@switchboard/actor 0.x) is met by the tarball installed beside it
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', ...files.map((file) => join(tarballs, file)), '@types/node@^20.19.0'], {
    cwd: app,
    env: consumerEnv({ npm_config_better_sqlite3_local_prebuilds: prebuilds }),
    limitMs: 240_000,
  });
  t.log(`npm install (better-sqlite3 included) in ${Date.now() - installed} ms`);
});

/**
 * A folder holding the workspace's better-sqlite3 binary packed as prebuild-install names and
 * packs a download (`{name}-v{version}-node-v{abi}-{platform}-{arch}.tar.gz` of build/Release).
 */
async function localSqlitePrebuild(): Promise<string> {
  const manifest = createRequire(join(REPO_ROOT, 'packages', 'gateway', 'package.json')).resolve('better-sqlite3/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const folder = join(work, 'prebuilds');
  mkdirSync(folder);
  const archive = join(folder, `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`);
  await run('tar', ['-czf', archive, '-C', dirname(manifest), 'build/Release/better_sqlite3.node'], { cwd: work, limitMs: 30_000 });
  return folder;
}

test.after.always('remove the scratch folder', () => {
  rmSync(work, { recursive: true, force: true });
});

test('plain node imports every package and uses it', async (t) => {
  const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: app, limitMs: 30_000 });
  t.regex(stdout, /esm ok/);
});

test('plain node require()s every package', async (t) => {
  const { stdout, stderr } = await run(process.execPath, ['smoke.cjs'], { cwd: app, limitMs: 30_000 });
  t.regex(stdout, /cjs ok/);
  t.log(stderr === '' ? 'no warnings' : stderr);
});

for (const name of Object.keys(tsconfigs)) {
  test(`tsc type-checks a consumer under ${name} resolution`, async (t) => {
    await run(process.execPath, [TSC, '-p', `tsconfig.${name}.json`], { cwd: app, limitMs: 90_000 });
    t.pass();
  });
}

test('npx smpp-sim --help runs the installed bin', async (t) => {
  const { stdout } = await run('npx', ['--no', '--', 'smpp-sim', '--help'], { cwd: app, limitMs: 30_000 });
  t.regex(stdout, /^usage: smpp-sim/);
});

test('the gateway bins: switchboard-users adds a user, switchboard-gateway serves and stops on SIGTERM', async (t) => {
  const store = join(work, 'store', 'gateway.sqlite');
  const bin = (name: string): string => join(app, 'node_modules', '.bin', name);
  const env = consumerEnv({ SWITCHBOARD_STORE_PATH: store });
  await run(bin('switchboard-users'), ['add', '447700900555'], { cwd: app, env, limitMs: 30_000, input: 'a long passphrase\n' });
  t.regex((await run(bin('switchboard-users'), ['list'], { cwd: app, env, limitMs: 30_000 })).stdout, /^447700900555$/m);

  const sipPort = await freePort();
  const gateway = spawn(bin('switchboard-gateway'), [], {
    cwd: app,
    env: { ...env, SWITCHBOARD_SIP_PORT: String(sipPort), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  gateway.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  gateway.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => gateway.on('close', (code, signal) => done({ code, signal })));
  let ended = false;
  void exited.then(() => (ended = true));
  const guard = setTimeout(() => gateway.kill('SIGKILL'), 60_000);
  try {
    let status: RegExpExecArray | null = null;
    for (let waited = 0; status === null && !ended && waited < 30_000; waited += 100) {
      status = /Status: http:\/\/[\d.]+:(\d+)\//.exec(output);
      if (status === null) await new Promise((r) => setTimeout(r, 100));
    }
    t.not(status, null, `no startup announcement:\n${output}`);
    t.regex(output, new RegExp(`SIP on udp/tcp 127\\.0\\.0\\.1:${sipPort}`));
    const snapshot = await getJson(Number(status![1]), '/status.json');
    t.is(typeof snapshot, 'object');
    gateway.kill('SIGTERM');
    t.deepEqual(await exited, { code: 0, signal: null }, output);
  } finally {
    clearTimeout(guard);
    if (!ended) gateway.kill('SIGKILL');
  }
});
