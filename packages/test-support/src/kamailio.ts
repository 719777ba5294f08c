// Kamailio (Debian's kamailio) as a peer in tests: a configuration written to a new folder and
// checked, the proxy run in the foreground on it, ready once it answers an OPTIONS, and stopped with
// SIGTERM so that its main process takes its workers down (a SIGKILL would orphan them).
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const haveKamailio = spawnSync('kamailio', ['-v']).error === undefined;

/** Where Debian's kamailio package keeps its modules (`mpath` in a configuration). */
export const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

export interface Kamailio {
  /** What Kamailio wrote to stderr so far (its log, with `log_stderror=yes`). */
  log(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s; its folder is removed. */
  stop(): Promise<void>;
}

export interface KamailioOptions {
  /** The UDP port the configuration listens on (on 127.0.0.1), where readiness is probed. */
  readonly port: number;
  /** The user of the probe's Request-URI (default `probe`): any answer to it means Kamailio is up. */
  readonly probeUser?: string;
  /** Shared and private memory in MB (default 64 and 8). */
  readonly memory?: readonly [shared: number, perProcess: number];
  /**
   * Preprocessor definitions, given as `-A NAME=value` to the check and the run: they win over the
   * configuration's `#!trydef` defaults (a string value keeps its double quotes: `'"/path"'`).
   */
  readonly defines?: Readonly<Record<string, string>>;
}

/**
 * Checks `config` with `kamailio -c`, runs Kamailio on it, and resolves once it answers an OPTIONS
 * sent to `sip:<probeUser>@127.0.0.1:<port>` (the configuration decides how: answered itself, or
 * relayed and answered downstream). Rejects with Kamailio's own words when the configuration is
 * refused or it never answers.
 *
 * @example
 * const kamailio = await startKamailio(config(port), { port });
 * try { … } finally { await kamailio.stop(); }
 */
export async function startKamailio(config: string, options: KamailioOptions): Promise<Kamailio> {
  const dir = mkdtempSync(join(tmpdir(), 'kamailio-'));
  const file = join(dir, 'kamailio.cfg');
  writeFileSync(file, config);
  const defines = Object.entries(options.defines ?? {}).flatMap(([name, value]) => ['-A', `${name}=${value}`]);
  const check = spawnSync('kamailio', ['-c', '-f', file, ...defines], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`kamailio -c refused the configuration:\n${check.stderr}`);
  const [shared, perProcess] = options.memory ?? [64, 8];
  const child = spawn('kamailio', ['-f', file, ...defines, '-DD', '-E', '-m', String(shared), '-M', String(perProcess), '-P', join(dir, 'kamailio.pid'), '-Y', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kamailio: Kamailio = {
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await untilAnswered(options.port, options.probeUser ?? 'probe');
  } catch (error) {
    await kamailio.stop();
    throw new Error(`Kamailio never answered on 127.0.0.1:${options.port}: ${(error as Error).message}\n${log.slice(-2000)}`);
  }
  return kamailio;
}

/** Sends an OPTIONS every 200 ms (at most 50) until a datagram comes back. */
async function untilAnswered(port: number, user: string): Promise<void> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const local = socket.address().port;
  try {
    for (let i = 0; i < 50; i++) {
      const branch = `z9hG4bKkamailio-probe-${i}`;
      const options = [
        `OPTIONS sip:${user}@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch}`,
        'From: <sip:probe@127.0.0.1>;tag=probe',
        `To: <sip:${user}@127.0.0.1>`,
        `Call-ID: ${branch}`,
        'CSeq: 1 OPTIONS',
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(options, port, '127.0.0.1');
      const answered = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          socket.off('message', onMessage);
          resolve(false);
        }, 200);
        const onMessage = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        socket.once('message', onMessage);
      });
      if (answered) return;
    }
    throw new Error('no answer to 50 OPTIONS');
  } finally {
    socket.close();
  }
}
