// ESME side: connect to an MC (TCP or TLS) and run a Session on the connection as a process.
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Pid, Runtime } from '@switchboard/actor';
import type { Pdu } from './pdu/types.js';
import type { SessionOptions } from './session/options.js';
import type { Session } from './session/session.js';
import type { TransportArgs } from './session/state.js';
import { TransportSession } from './session/transport.js';

/** Options of `connectEsme`: where the MC is, the session to run, its arguments and options, and an optional bind. */
export interface EsmeOptions<A, S = unknown, Call = unknown, Reply = unknown, Cast = unknown, Info = unknown> {
  /** The MC's host name or address (default `'127.0.0.1'`). */
  readonly host?: string;
  /** The MC's TCP port (2775 is SMPP's registered port; 3550 for SMPP over TLS). */
  readonly port: number;
  /** TLS options (node:tls) to connect over TLS; init runs after the handshake. */
  readonly tls?: ConnectionOptions;
  /** The callbacks that speak SMPP on the connection. */
  readonly session: Session<S, A, Call, Reply, Cast, Info>;
  /** Passed to the session's `init`. */
  readonly args: A;
  /** Window, timers and limits of the session (every one has a default). */
  readonly options?: SessionOptions;
  /** Link the session process to a parent (true: the calling process). */
  readonly link?: boolean | Pid;
  /** Register the session process under this name. */
  readonly name?: string;
  /** Connection timeout (ms, default 10,000). */
  readonly connectTimeout?: number;
  /**
   * A bind PDU sent as soon as the session runs; a refused bind stops the session with a
   * CommandStatusError (which a supervisor sees). Its response also reaches `handleResp`.
   */
  readonly bind?: Pdu;
}

/** The pid of a session: `call`, `cast` and `send` reach its handleCall, handleCast and handleInfo, typed. */
export type SessionProcess<Call = unknown, Reply = unknown, Cast = unknown, Info = unknown> = Pid<{
  /** The requests the session's `handleCall` takes. */
  call: Call;
  /** What its `handleCall` answers. */
  reply: Reply;
  /** The messages its `handleCast` takes. */
  cast: Cast;
  /** The messages its `handleInfo` takes. */
  info: Info;
}>;

/**
 * Opens the connection (TCP, or TLS with `tls`) and starts the session process on it, then
 * resolves with its pid; the session's `init` runs before it resolves. Rejects when the
 * connection fails or times out, or when `init` refuses it.
 *
 * @example
 * const pid = await connectEsme(runtime, {
 *   port: 2775,
 *   session: { handlePdu: (pdu, state) => SessionReturn.ok(state, [createResponse(pdu)]) },
 *   args: undefined,
 *   bind: createPdu('bind_transceiver', { system_id: 'esme01', password: 'secret' }),
 * });
 */
export async function connectEsme<A, S, Call, Reply, Cast, Info>(runtime: Runtime, options: EsmeOptions<A, S, Call, Reply, Cast, Info>): Promise<SessionProcess<Call, Reply, Cast, Info>> {
  const host = options.host ?? '127.0.0.1';
  const socket: Socket = options.tls ? tlsConnect({ host, port: options.port, ...options.tls }) : netConnect({ host, port: options.port });
  const timeout = setTimeout(() => socket.destroy(new Error(`connect to ${host}:${options.port} timed out`)), options.connectTimeout ?? 10_000);
  try {
    await once(socket, options.tls ? 'secureConnect' : 'connect');
  } finally {
    clearTimeout(timeout);
  }
  const args: TransportArgs<A> = {
    socket,
    role: 'esme',
    tls: options.tls !== undefined,
    session: options.session as Session<unknown, A>,
    args: options.args,
    options: options.options ?? {},
    clock: runtime.clock,
    ...(options.bind === undefined ? {} : { bind: options.bind }),
  };
  const pid = await runtime.start(TransportSession, args as TransportArgs<unknown>, {
    ...(options.link === undefined ? {} : { link: options.link }),
    ...(options.name === undefined ? {} : { name: options.name }),
    timeout: Infinity,
  });
  return pid as SessionProcess<Call, Reply, Cast, Info>;
}
