// Test workers for supervision: each records start, terminate and crash events in a shared log.
import { Result, trapExit, type GenServer } from '@switchboard/actor';

export type TestWorkerProto = { call: 'ping'; reply: string; cast: 'crash' | 'quit' | 'shutdown' };

export interface TestWorkerOptions {
  /** Trap exits, so a supervisor's shutdown runs terminate (logged). */
  readonly trap?: boolean;
  /** Make init fail with this reason. */
  readonly failInit?: string;
  /** terminate never finishes (to test shutdown timeouts). */
  readonly hang?: boolean;
}

export function testWorker(name: string, log: string[], options: TestWorkerOptions = {}): GenServer<null, TestWorkerProto, void> {
  return {
    init() {
      if (options.failInit !== undefined) return Result.stop(options.failInit, null);
      if (options.trap) trapExit(true);
      log.push(`start:${name}`);
      return Result.ok(null);
    },
    handleCall: (_r, _f, s) => Result.reply(name, s),
    handleCast(message, s) {
      if (message === 'crash') throw new Error(`${name} crashed`);
      return Result.stop(message === 'quit' ? 'normal' : 'shutdown', s);
    },
    terminate(reason) {
      log.push(`terminate:${name}:${typeof reason === 'string' ? reason : 'crash'}`);
      if (options.hang) return new Promise<void>(() => {});
    },
  };
}
