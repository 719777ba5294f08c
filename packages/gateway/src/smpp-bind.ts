// One bind of the pool as a process of the gateway's tree: it binds while this node holds the
// bind's lease, rebinds when the lease comes back with a new token, and unbinds when it is lost,
// given up or the process stops. Its SmppClient reconnects and rebinds by itself meanwhile.
import createDebug from 'debug';
import { Result, runAs, self, send, trapExit, type GenServer, type Runtime } from '@switchboard/actor';
import { SmppClient, type BindMode } from '@switchboard/smpp';
import type { BindGrant, SmppPool } from './smpp-pool.js';

const log = createDebug('switchboard:gateway:smpp');

export interface BindTarget {
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  readonly window: number;
  /** submit_sm per second, 0 for no limit. */
  readonly throughput: number;
  /** Connect over TLS (the SMSC's certificate checked against the system's CAs and `host`). */
  readonly tls?: boolean;
  /** How to bind (default transceiver). */
  readonly bindType?: BindMode;
  /** The bind's system_type (default empty). */
  readonly systemType?: string;
}

export interface BindArgs {
  readonly runtime: Runtime;
  readonly pool: SmppPool;
  readonly index: number;
  /** Where to bind, read at each bind (the embedded simulator's port is known only once it runs). */
  readonly target: () => BindTarget;
}

/** The bind's lease changed (the pool tells the process). */
class LeaseChanged {
  constructor(readonly grant: BindGrant | null) {}
}

/** A client started for one lease. */
interface Session {
  readonly token: number;
  readonly abort: AbortController;
  readonly client: Promise<SmppClient | null>;
}

interface State {
  readonly args: BindArgs;
  session: Session | null;
}

type BindProtocol = { call: never; reply: never; cast: never; info: LeaseChanged };

/** Starts connecting and binding without waiting: an SMSC that is down holds nothing up. */
function open(state: State, token: number): Session {
  const { args } = state;
  const target = args.target();
  // SmppClient.connect with reconnect resolves once the first connection is up, after retries;
  // the abort signal ends those retries when the session is closed first.
  const abort = new AbortController();
  const current = (): boolean => state.session?.abort === abort;
  const client = SmppClient.connect(args.runtime, {
    host: target.host,
    port: target.port,
    bind: { mode: target.bindType ?? 'transceiver', system_id: target.systemId, password: target.password, ...(target.systemType === undefined || target.systemType === '' ? {} : { system_type: target.systemType }) },
    ...(target.tls === true ? { tls: { servername: target.host } } : {}),
    reconnect: true,
    signal: abort.signal,
    options: { window: target.window, ...(target.throughput > 0 ? { throttle: target.throughput } : {}) },
    onDeliver: args.pool.onDeliver,
    onStatus: (status) => {
      log('bind %d (token %d): %s', args.index, token, status.type);
      if (current()) args.pool.setBound(args.index, status.type === 'bound');
    },
  }).then(
    (connected) => {
      if (current()) args.pool.attach(args.index, connected);
      return connected;
    },
    (error: unknown) => {
      if (!abort.signal.aborted) log('bind %d could not start: %O', args.index, error);
      return null;
    },
  );
  return { token, abort, client };
}

/** Unbinds and closes the session's client (or stops it still trying to connect). */
async function close(session: Session): Promise<void> {
  session.abort.abort();
  await (await session.client)?.close();
}

/**
 * One bind of the pool as a process: it binds while the pool holds a lease for it, and terminate
 * unbinds. It traps exits, so a shutdown of the tree unbinds cleanly.
 */
export const SmppBind: GenServer<State, BindProtocol, BindArgs> = {
  behaviourName: 'smpp_bind',
  // what it does after an await acts for its pid through runAs (GenServer.tracksAwaits)
  tracksAwaits: false,

  init(args) {
    trapExit(true);
    const me = self<BindProtocol>();
    const state: State = { args, session: null };
    const grant = args.pool.listen(args.index, (changed) => send(me, new LeaseChanged(changed)));
    if (grant !== null) state.session = open(state, grant.token);
    return Result.ok(state);
  },

  async handleInfo(message, state) {
    if (!(message instanceof LeaseChanged)) return Result.noreply(state);
    const { grant } = message;
    const { pool, index } = state.args;
    const old = state.session;
    if (grant !== null && old?.token === grant.token) return Result.noreply(state);
    const me = self();
    if (old !== null) {
      state.session = null;
      // nothing more goes to the old session; the pool hears it is gone once it has unbound
      if (grant !== null) pool.attach(index, null);
      await close(old);
      if (grant === null) pool.attach(index, null);
      log('bind %d: unbound (lease token %d %s)', index, old.token, grant === null ? 'ended' : `replaced by ${grant.token}`);
    }
    // a later message may have changed the lease again meanwhile: the pool's is the current one
    const now = pool.grantOf(index);
    // as this process: killed while it closed the old session, it opens none (runAs throws)
    if (now !== null) state.session = runAs(me, () => open(state, now.token));
    return Result.noreply(state);
  },

  async terminate(_reason, state) {
    const { pool, index } = state.args;
    pool.listen(index, undefined);
    const session = state.session;
    state.session = null;
    if (session !== null) await close(session);
    pool.attach(index, null);
  },
};
