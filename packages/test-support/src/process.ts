// Runs a peer program (perl, kannel) for an interop test: its stdout as lines, a wait for a line,
// and a wait for its exit — each bounded in wall time, so a stuck peer fails the test.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Peer {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly stderr: string[];
  waitFor(pattern: RegExp, limit?: number): Promise<string>;
  exit(limit?: number): Promise<number | null>;
  kill(): void;
}

export function runPeer(command: string, args: readonly string[], options: { cwd?: string } = {}): Peer {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    pending += text;
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => stderr.push(text));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const describe = (): string => `stdout:\n${lines.join('\n')}\nstderr:\n${stderr.join('')}`;
  return {
    child,
    lines,
    stderr,
    waitFor(pattern, limit = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const line = lines.find((l) => pattern.test(l));
          if (line === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(line);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${command} printed no line matching ${pattern} within ${limit} ms\n${describe()}`));
        }, limit);
        waiters.add(check);
        check();
        void exited.then(() => setImmediate(() => {
          if (waiters.has(check)) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`${command} exited before printing ${pattern}\n${describe()}`));
          }
        }));
      });
    },
    async exit(limit = 15_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${command} did not exit within ${limit} ms\n${describe()}`)), limit);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
