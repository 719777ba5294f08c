// MC side: listen, and run one session process per connection under a DynamicSupervisor, with a
// limit on connections and a graceful close (unbind every session, then close).
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import createDebug from 'debug';
import { exited, startChild, startDynamicSupervisor, stop, whichChildren, type ChildSpec, type ClockHandle, type Pid, type Runtime, type SupervisorPid } from '@switchboard/actor';
import { closeSession } from './session/api.js';
import { BindGuard, type BindGuardOptions } from './session/bind-guard.js';
import type { SessionOptions } from './session/options.js';
import type { Session } from './session/session.js';
import type { TransportArgs } from './session/state.js';
import { TransportSession } from './session/transport.js';

const log = createDebug('switchboard:smpp:mc');

/** Options of `listenMc`: where to listen, the session each connection runs, and the MC's limits. */
export interface McOptions<A> {
  /** The address to listen on (default `'127.0.0.1'`; `'0.0.0.0'` for every interface). */
  readonly host?: string;
  /** 0 picks a free port (read it from `McServer.port`). */
  readonly port?: number;
  /** TLS options (node:tls) to accept SMPP over TLS; `init` runs after the handshake. */
  readonly tls?: TlsOptions;
  /** The callbacks each connection's session runs. */
  readonly session: Session<unknown, A>;
  /** Passed to every session's `init`. */
  readonly args: A;
  /** Window, timers and limits of every session (every one has a default). */
  readonly options?: SessionOptions;
  /** Most connections at once; more are closed on arrival. Default 1000. */
  readonly maxConnections?: number;
  /**
   * Failed binds (answered with a non-zero status by `handlePdu`) are answered after a delay that
   * grows with each failure (1 s, 2 s, 4 s by default), and a system_id or peer address with too
   * many failures is locked out: its binds get ESME_RBINDFAIL without reaching `handlePdu`. On by
   * default with the defaults of {@link BindGuardOptions}; `false` turns it off.
   */
  readonly bindFailures?: BindGuardOptions | false;
}

/** A listening MC, as `listenMc` returns it: its port, its sessions, and how to close it. */
export interface McServer {
  /** The port it listens on (the one picked, when `port` was 0). */
  readonly port: number;
  /** The DynamicSupervisor that holds one session process per connection. */
  readonly supervisor: SupervisorPid;
  /** Session processes, one per connection. */
  sessions(): Promise<Pid[]>;
  /** The failed-bind table of this MC (undefined when `bindFailures` is false). */
  readonly bindGuard: BindGuard | undefined;
  /**
   * Stops accepting, unbinds every bound session and waits for the unbind_resps (up to `timeout`
   * ms on the runtime's clock, default 5,000), stops what is left, and resolves once every
   * connection is closed.
   */
  close(options?: { timeout?: number }): Promise<void>;
}

/**
 * Listens for ESMEs (TCP, or TLS with `tls`) and runs one session process per connection under
 * a DynamicSupervisor, refusing connections past `maxConnections`. Resolves once listening.
 *
 * @example
 * const mc = await listenMc(runtime, {
 *   port: 0,
 *   session: { handlePdu: (pdu, state) => SessionReturn.ok(state, [createResponse(pdu)]) },
 *   args: undefined,
 * });
 * // … later
 * await mc.close();
 */
export async function listenMc<A>(runtime: Runtime, options: McOptions<A>): Promise<McServer> {
  const maxConnections = options.maxConnections ?? 1000;
  const supervisor = await startDynamicSupervisor(runtime, { maxChildren: maxConnections, intensity: 1_000_000, period: 1 });
  const sessionOptions = options.options ?? {}; // one object: sessions share its resolved form
  const bindGuard = options.bindFailures === false ? undefined : new BindGuard(runtime.clock, options.bindFailures ?? {});
  const onConnection = (socket: Socket): void => {
    const spec: ChildSpec = {
      id: 'smpp-session',
      restart: 'temporary',
      shutdown: 5000,
      type: 'worker', // every field set: resolveChildSpec takes it as it is, no copy per start
      start: ({ runtime: rt, supervisor: parent }) => {
        const args: TransportArgs<A> = { socket, role: 'mc', tls: options.tls !== undefined, session: options.session, args: options.args, options: sessionOptions, clock: rt.clock, ...(bindGuard === undefined ? {} : { bindGuard }) };
        return rt.start(TransportSession, args as TransportArgs<unknown>, { link: parent, timeout: Infinity });
      },
    };
    startChild(supervisor, spec).catch((error: unknown) => {
      log('connection from %s refused: %s', socket.remoteAddress, error instanceof Error ? error.message : String(error));
      socket.destroy();
    });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, onConnection) : createServer(onConnection);
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  log('MC listening on %d', port);

  const sessions = async (): Promise<Pid[]> => (await whichChildren(supervisor)).map((c) => c.pid).filter((p): p is Pid => p !== null);
  return {
    port,
    supervisor,
    sessions,
    bindGuard,
    async close({ timeout = 5000 } = {}) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const running = await sessions();
      for (const pid of running) closeSession(pid);
      // The budget runs on the runtime's clock, like every other timer of a session.
      let timer: ClockHandle | undefined;
      await Promise.race([
        Promise.all(running.map((pid) => exited(pid))),
        new Promise<void>((resolve) => (timer = runtime.clock.setTimeout(resolve, timeout))),
      ]);
      if (timer !== undefined) runtime.clock.clearTimeout(timer);
      await stop(supervisor, 'shutdown');
      await closed;
      log('MC on %d closed', port);
    },
  };
}
