// The entry point of a service: boot a root supervisor, and on SIGINT / SIGTERM stop the whole
// tree in order within a shutdown budget, then exit with a status that says how it went.
import createDebug from 'debug';
import { StopTimeoutError } from './errors.js';
import type { ExitReason } from './exit-reason.js';
import { stop } from './messaging.js';
import { Runtime } from './runtime.js';
import { exit, exited } from './signals.js';
import { startSupervisor, type SupervisorPid, type SupervisorSpec } from './supervisor.js';

const log = createDebug('switchboard:actor:application');

/** Exit statuses of an application. */
export const ExitStatus = {
  /** Stopped on request (a signal or `shutdown()`), every process terminated in order. */
  OK: 0,
  /** The root supervisor exited by itself: a child kept crashing past the restart intensity. */
  CRASHED: 1,
  /** The shutdown budget ran out; what was left was killed. */
  SHUTDOWN_TIMEOUT: 2,
} as const;

/** The part of `process` the application listens on (an EventEmitter in tests). */
export interface SignalSource {
  /** Calls `listener` the next time `signal` arrives; the application starts its shutdown there. */
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  /** Removes a listener added with `once`, once the application has ended. */
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

/** Options of `startApplication`: the runtime, the root's name, and how shutdown and signals work. */
export interface ApplicationOptions {
  /** Default: a new Runtime on the system clock. */
  readonly runtime?: Runtime;
  /** Register the root supervisor under this name. */
  readonly name?: string;
  /** Milliseconds the whole tree may take to stop (default 30,000); then it is killed. */
  readonly shutdownTimeout?: number;
  /** Default `['SIGINT', 'SIGTERM']`; `[]` installs no handler. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Where signals come from (default `process`). */
  readonly signalSource?: SignalSource;
  /**
   * Called once with the exit status. The default flushes stdout and stderr (writes to a pipe
   * are asynchronous, and `process.exit` would drop the last log lines), then `process.exit`s.
   */
  readonly exit?: (status: number) => void;
  /**
   * Keep Node running until the application ends, even with no socket or timer open (as an
   * Erlang node stays up). Default true.
   */
  readonly keepAlive?: boolean;
}

/**
 * A running application (`startApplication`): its runtime, its root supervisor, and the promises
 * that say how and when it ended.
 */
export interface Application {
  /** The runtime every process of the tree runs on. */
  readonly runtime: Runtime;
  /** The root supervisor; `whichChildren(app.root)` walks the tree. */
  readonly root: SupervisorPid;
  /** Stops the tree as a signal would; resolves with the exit status. */
  shutdown(): Promise<number>;
  /** Resolves with the exit status once the application has ended, however it ended. */
  readonly exitStatus: Promise<number>;
}

/**
 * Starts `tree` as the root supervisor of a service.
 *
 * @example
 * await startApplication({ children: [worker('gateway', Gateway, config)] });
 * // Ctrl-C: every process terminates in reverse start order, then the process exits 0.
 */
export async function startApplication(tree: SupervisorSpec, options: ApplicationOptions = {}): Promise<Application> {
  const runtime = options.runtime ?? new Runtime();
  const root = await startSupervisor(runtime, tree, options.name === undefined ? {} : { name: options.name });
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const source = options.signalSource ?? process;
  const budget = options.shutdownTimeout ?? 30_000;
  const exitProcess = options.exit ?? exitAfterFlush;

  let resolveStatus!: (status: number) => void;
  const exitStatus = new Promise<number>((resolve) => (resolveStatus = resolve));
  let finished = false;
  let stopping: Promise<number> | null = null;
  const keepAlive = options.keepAlive === false ? null : setInterval(() => {}, 2 ** 30);

  const finish = (status: number): void => {
    if (finished) return;
    finished = true;
    if (keepAlive !== null) clearInterval(keepAlive);
    for (const signal of signals) source.off(signal, onSignal);
    log('application exits with status %d', status);
    resolveStatus(status);
    exitProcess(status);
  };

  const shutdown = (): Promise<number> => {
    stopping ??= stop(root, 'shutdown', { timeout: budget }).then(
      () => ExitStatus.OK,
      async (error: unknown) => {
        if (!(error instanceof StopTimeoutError)) return ExitStatus.CRASHED;
        log('shutdown budget of %d ms ran out: killing the tree', budget);
        const done = exited(root);
        exit(root, 'kill');
        await done;
        return ExitStatus.SHUTDOWN_TIMEOUT;
      },
    ).then((status) => {
      finish(status);
      return status;
    });
    return stopping;
  };

  function onSignal(): void {
    log('signal received: shutting down');
    void shutdown();
  }
  for (const signal of signals) source.once(signal, onSignal);

  void exited(root).then((reason: ExitReason) => {
    if (stopping === null) {
      log('root supervisor exited by itself: %O', reason);
      finish(ExitStatus.CRASHED);
    }
  });

  return { runtime, root, shutdown, exitStatus };
}

function exitAfterFlush(status: number): void {
  process.exitCode = status;
  const flushed = (stream: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => stream.write('', () => resolve()));
  void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(status));
}
