// The gateway as `pnpm start` runs it, in a child process on free loopback ports with a temporary
// store: its announced ports, /status.json, its RSS, and its death (exit code, signal, last output)
// when something kills it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

/** The repository's root (this file lives in packages/test-support/src). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** What the harness reads from /status.json (every field optional: the page grows over time). */
export interface StatusSnapshot {
  readonly sip?: { readonly serverTransactions?: number; readonly clientTransactions?: number; readonly connections?: number };
  readonly smpp?: { readonly binds?: readonly { readonly bound?: boolean; readonly inFlight?: number }[] };
  readonly registrations?: number;
  readonly queued?: number;
  readonly counters?: { readonly submitted?: number; readonly accepted?: number; readonly refused?: number; readonly delivered?: number };
  readonly tree?: StatusTreeNode;
}

export interface StatusTreeNode {
  readonly id: string;
  readonly pid: string | null;
  readonly children?: readonly StatusTreeNode[];
}

/**
 * Each process of the supervision tree by its path of ids (`gateway/sip/udp-0`), with its pid;
 * paths that several processes share (a dynamic supervisor's children) are left out.
 */
export function treePids(root: StatusTreeNode | undefined): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const shared = new Set<string>();
  const visit = (node: StatusTreeNode, prefix: string, depth: number): void => {
    const path = prefix === '' ? node.id : `${prefix}/${node.id}`;
    if (out.has(path)) shared.add(path);
    out.set(path, node.pid);
    if (depth < 32) for (const child of node.children ?? []) visit(child, path, depth + 1);
  };
  if (root !== undefined) visit(root, '', 0);
  for (const path of shared) out.delete(path);
  return out;
}

export interface GatewayExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface GatewayProcessOptions {
  /** Transaction timer bases (ms), as SWITCHBOARD_SIP_T1 / _T2 / _T4. */
  readonly timers?: { readonly t1: number; readonly t2: number; readonly t4: number };
  /** More SWITCHBOARD_* variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the startup announcement (ms). */
  readonly startLimitMs?: number;
  /** Output kept for the failure report (characters). */
  readonly keepOutput?: number;
}

export class GatewayProcess {
  private output = '';
  private pendingLine = '';
  /** Startup announcements seen: more than one means the gateway's tree restarted inside the process. */
  announcements = 0;
  private exitInfo: GatewayExit | null = null;
  readonly exited: Promise<GatewayExit>;
  sipPort = 0;
  smppPort = 0;
  statusPort = 0;
  domain = 'switchboard.local';

  private constructor(
    readonly child: ChildProcess,
    readonly storeDir: string,
    private readonly keep: number,
  ) {
    const take = (chunk: Buffer): void => {
      this.output += chunk.toString('utf8');
      if (this.output.length > this.keep * 2) this.output = this.output.slice(-this.keep);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      take(chunk);
      const lines = (this.pendingLine + chunk.toString('utf8')).split('\n');
      this.pendingLine = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('Switchboard gateway: SIP on')) this.announcements++;
    });
    child.stderr!.on('data', take);
    // a test runner that ends the worker (a timeout) must not leave the gateway running
    const reap = (): void => void (this.exitInfo === null && child.kill('SIGKILL'));
    process.once('exit', reap);
    child.once('close', () => process.off('exit', reap));
    this.exited = new Promise((done) =>
      // 'close' comes after the output pipes have drained: the crash's stack is in by then
      child.on('close', (code, signal) => {
        this.exitInfo = { code, signal };
        done(this.exitInfo);
      }),
    );
  }

  /**
   * Starts `node --import tsx --conditions=@switchboard/source packages/gateway/src/main.ts` with
   * SIP on a free port, the embedded SMSC and the status page on ports it picks, a store in a
   * temporary folder; resolves once it has announced its ports.
   */
  static async start(options: GatewayProcessOptions = {}): Promise<GatewayProcess> {
    const sipPort = await freePort();
    const storeDir = mkdtempSync(join(tmpdir(), 'switchboard-gateway-'));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('SWITCHBOARD_') && key !== 'DEBUG') env[key] = value;
    Object.assign(env, {
      SWITCHBOARD_SIP_HOST: '127.0.0.1',
      SWITCHBOARD_SIP_PORT: String(sipPort),
      SWITCHBOARD_SMPP_PORT: '0',
      SWITCHBOARD_STATUS_HOST: '127.0.0.1',
      SWITCHBOARD_STATUS_PORT: '0',
      SWITCHBOARD_HTTP_PORT: '0',
      SWITCHBOARD_STORE_PATH: join(storeDir, 'gateway.sqlite'),
      ...(options.timers === undefined ? {} : { SWITCHBOARD_SIP_T1: String(options.timers.t1), SWITCHBOARD_SIP_T2: String(options.timers.t2), SWITCHBOARD_SIP_T4: String(options.timers.t4) }),
      ...options.env,
    });
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@switchboard/source', 'packages/gateway/src/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const gateway = new GatewayProcess(child, storeDir, options.keepOutput ?? 20_000);
    const limit = options.startLimitMs ?? 30_000;
    const started = Date.now();
    for (let wait = 20; Date.now() - started < limit; wait = Math.min(wait * 2, 200)) {
      const sip = /SIP on udp\/tcp [\d.]+:(\d+) \(domain ([^)]+)\)/.exec(gateway.output);
      const smpp = /SMPP (?:embedded simulator on )?[\w.-]+:(\d+)/.exec(gateway.output);
      const status = /Status: http:\/\/[\d.]+:(\d+)\//.exec(gateway.output);
      if (sip !== null && smpp !== null && status !== null) {
        gateway.sipPort = Number(sip[1]);
        gateway.domain = sip[2]!;
        gateway.smppPort = Number(smpp[1]);
        gateway.statusPort = Number(status[1]);
        return gateway;
      }
      if (gateway.exitInfo !== null) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    const why = gateway.exitInfo === null ? `no startup announcement within ${limit} ms` : `exited (code ${gateway.exitInfo.code}, signal ${gateway.exitInfo.signal})`;
    await gateway.kill();
    throw new Error(`gateway did not start: ${why}\n${gateway.output}`);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  get exit(): GatewayExit | null {
    return this.exitInfo;
  }

  /** The last output (stdout and stderr interleaved): the crash's stack, when it crashed. */
  recentOutput(chars = 4000): string {
    return this.output.slice(-chars);
  }

  /** Resident set size from /proc (bytes), or null when it cannot be read. */
  rss(): number | null {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return match === null ? null : Number(match[1]) * 1024;
    } catch {
      return null;
    }
  }

  /** GET /status.json; null when it did not answer within `limitMs` or not with JSON. */
  status(limitMs = 2000): Promise<StatusSnapshot | null> {
    return new Promise((done) => {
      const req = request({ host: '127.0.0.1', port: this.statusPort, path: '/status.json', timeout: limitMs }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            done(res.statusCode === 200 ? (JSON.parse(text) as StatusSnapshot) : null);
          } catch {
            done(null);
          }
        });
        res.on('error', () => done(null));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => done(null));
      req.end();
    });
  }

  /** SIGKILL (when still running), wait for the exit, remove the store. Safe to call twice. */
  async kill(): Promise<void> {
    if (this.exitInfo === null) {
      this.child.kill('SIGKILL');
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
