// PostgreSQL (Debian's postgresql) as a throwaway server for tests: a cluster made with initdb in a
// new folder, started with pg_ctl on a free loopback port with its unix socket in that folder, and
// stopped and removed at the end. PostgreSQL refuses to run as root, so when the tests do (CI) the
// cluster belongs to the `postgres` user the package creates, and its programs run through runuser.
// Missing binaries are an error naming the package, never a skip: a store test that does not run
// must not pass.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

/** The Debian package that provides the server (initdb, pg_ctl, postgres, createdb). */
export const POSTGRES_PACKAGE = 'postgresql';

/** PostgreSQL's programs are not installed: the message names the Debian package to install. */
export class PostgresMissingError extends Error {
  readonly code = 'ERR_TEST_POSTGRES_MISSING';
  constructor(detail: string) {
    super(`PostgreSQL's server programs are needed for these tests and ${detail}: install Debian's ${POSTGRES_PACKAGE} (apt-get install -y ${POSTGRES_PACKAGE})`);
    this.name = 'PostgresMissingError';
  }
}

/** initdb, pg_ctl or createdb failed; the message carries their output and the server's log. */
export class PostgresStartError extends Error {
  readonly code = 'ERR_TEST_POSTGRES_START';
  constructor(message: string) {
    super(message);
    this.name = 'PostgresStartError';
  }
}

/** A running throwaway server. */
export interface Postgres {
  /** The TCP port on 127.0.0.1. */
  readonly port: number;
  /** The folder holding the unix socket (`.s.PGSQL.<port>`). */
  readonly socketDir: string;
  /** A URL for the `postgres` database as the superuser `postgres` (trust authentication, no password). */
  readonly url: string;
  /** Makes a new database and resolves with its URL (one per test keeps tests apart). */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown: connections are cut), keeping its data: a database outage. */
  stopServer(): Promise<void>;
  /** Starts the stopped server again on the same port and data. */
  startServer(): Promise<void>;
  /** What the server has logged so far. */
  log(): string;
  /** Stops the server and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

interface Runner {
  /** Runs one of the server's programs (as `postgres` when we are root); throws with its output on failure. */
  run(program: string, args: readonly string[]): string;
}

function runnerFor(bin: string): { runner: Runner; owner: { uid: number; gid: number } | undefined } {
  const root = process.getuid?.() === 0;
  let owner: { uid: number; gid: number } | undefined;
  if (root) {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) throw new PostgresMissingError('the tests run as root, PostgreSQL refuses root, and there is no postgres user to run it as');
    owner = { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  const runner: Runner = {
    run(program, args) {
      const path = join(bin, program);
      const [command, argv] = root ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, [...args]];
      // a cwd the postgres user may enter (root's may not be)
      const result = spawnSync(command, argv, { encoding: 'utf8', cwd: tmpdir(), timeout: 60_000, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
      if (result.error !== undefined) throw new PostgresStartError(`${program} could not run: ${result.error.message}`);
      if (result.status !== 0) throw new PostgresStartError(`${program} ${args.join(' ')} exited with ${result.status}:\n${result.stdout}${result.stderr}`);
      return result.stdout;
    },
  };
  return { runner, owner };
}

/** Servers still running, stopped if the test process exits without stopping them. */
const running = new Set<() => void>();
process.once('exit', () => {
  for (const halt of running) halt();
});

/**
 * Makes a cluster in a new folder (initdb, trust authentication on loopback, UTF-8, C locale,
 * fsync off: it is thrown away), starts it with pg_ctl on a free port of 127.0.0.1 with its socket
 * in the folder, and resolves once it accepts connections. Rejects with PostgresMissingError when
 * Debian's postgresql is not installed.
 *
 * @example
 * const pg = await startPostgres();
 * try { const url = await pg.createDatabase('contract'); … } finally { await pg.stop(); }
 */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new PostgresMissingError('no /usr/lib/postgresql/<version>/bin/initdb was found');
  const { runner, owner } = runnerFor(bin);
  const dir = mkdtempSync(join(tmpdir(), 'pg-'));
  if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const readLog = (): string => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '(no log yet)';
    }
  };
  try {
    runner.run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let port = 0;
  let up = false;
  const start = (): void => {
    runner.run('pg_ctl', ['start', '-D', data, '-l', logFile, '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`]);
    up = true;
  };
  const halt = (mode: 'fast' | 'immediate'): void => {
    if (!up) return;
    runner.run('pg_ctl', ['stop', '-D', data, '-m', mode, '-w', '-t', '30']);
    up = false;
  };
  const emergencyStop = (): void => {
    try {
      halt('immediate');
    } catch (error) {
      process.stderr.write(`the test PostgreSQL in ${dir} could not be stopped at exit: ${(error as Error).message}\n`);
    }
  };
  // a port taken between freePort and the server's bind: try another
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      start();
      break;
    } catch (error) {
      if (attempt < 2 && /could not bind|Address already in use/i.test(readLog())) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new PostgresStartError(`${(error as Error).message}\nserver log:\n${readLog().slice(-3000)}`);
    }
  }
  running.add(emergencyStop);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let removed = false;
  return {
    port,
    socketDir: dir,
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new PostgresStartError(`${JSON.stringify(name)} is not a plain database name`);
      runner.run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stopServer() {
      halt('fast');
    },
    async startServer() {
      if (!up) start();
    },
    log: readLog,
    async stop() {
      if (removed) return;
      removed = true;
      running.delete(emergencyStop);
      try {
        halt('fast');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
