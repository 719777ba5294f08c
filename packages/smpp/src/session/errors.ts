// Errors of SMPP sessions.
import { describeStatus } from '../pdu/command-status.js';
import type { Pdu } from '../pdu/types.js';
import type { BindState } from './bind-state.js';

/** Base class of the errors SMPP sessions report: unsent PDUs, timeouts, refused requests, stalls. */
export abstract class SmppSessionError extends Error {
  /** A stable code naming the error (`ERR_SMPP_…`): match on it rather than on the message. */
  abstract readonly code: string;
}

/** The PDU may not be sent in the session's current bind state. */
export class BindStateError extends SmppSessionError {
  /** Always `'ERR_SMPP_BIND_STATE'`. */
  readonly code = 'ERR_SMPP_BIND_STATE';
  /** Made by the session; exported for `instanceof` checks and tests. */
  constructor(
    /** The command that was refused. */
    readonly command: string,
    /** The bind state it was refused in (v3.4 §2.3 says which PDUs each state allows). */
    readonly bindState: BindState,
  ) {
    super(`${command} cannot be sent in bind state ${bindState}`);
    this.name = 'BindStateError';
  }
}

/** A request waited longer than the window timeout for a slot. */
export class WindowTimeoutError extends SmppSessionError {
  /** Always `'ERR_SMPP_WINDOW_TIMEOUT'`. */
  readonly code = 'ERR_SMPP_WINDOW_TIMEOUT';
  /** Made by the session; exported for `instanceof` checks and tests. */
  constructor(
    /** The `windowTimeout` that ran out, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`no window slot within ${timeout} ms`);
    this.name = 'WindowTimeoutError';
  }
}

/** The session closed before the PDU could be sent or answered. */
/** A client's `connect` stopped because its `signal` was aborted before it connected. */
export class ConnectAbortedError extends SmppSessionError {
  /** Always `'ERR_SMPP_CONNECT_ABORTED'`. */
  readonly code = 'ERR_SMPP_CONNECT_ABORTED';
  /** Made by `SmppClient.connect`; exported for `instanceof` checks. */
  constructor(
    /** The signal's reason (`signal.reason`). */
    readonly reason: unknown,
  ) {
    super('connect aborted before the MC answered', { cause: reason });
    this.name = 'ConnectAbortedError';
  }
}

export class SessionClosedError extends SmppSessionError {
  /** Always `'ERR_SMPP_SESSION_CLOSED'`. */
  readonly code = 'ERR_SMPP_SESSION_CLOSED';
  /** Made by the session; exported for `instanceof` checks and tests. */
  constructor(
    /** The session's exit reason, when it was known. */
    readonly reason?: unknown,
  ) {
    super(`the SMPP session closed${reason === undefined ? '' : `: ${String(reason instanceof Error ? reason.message : reason)}`}`);
    this.name = 'SessionClosedError';
  }
}

/** No response came within the response timeout. */
export class ResponseTimeoutError extends SmppSessionError {
  /** Always `'ERR_SMPP_RESPONSE_TIMEOUT'`. */
  readonly code = 'ERR_SMPP_RESPONSE_TIMEOUT';
  /** Made by the session; exported for `instanceof` checks and tests. */
  constructor(
    /** The request that went unanswered. */
    readonly command: string,
  ) {
    super(`no response to ${command} in time`);
    this.name = 'ResponseTimeoutError';
  }
}

/** The peer answered with a non-zero command_status. */
export class CommandStatusError extends SmppSessionError {
  /** Always `'ERR_SMPP_STATUS'`. */
  readonly code = 'ERR_SMPP_STATUS';
  /** The status's name, e.g. `'ESME_RTHROTTLED'` (see `describeStatus`). */
  readonly statusName: string;
  /** Made by the client and the session API; exported for `instanceof` checks and tests. */
  constructor(
    /** The request that was refused. */
    readonly command: string,
    /** The response's command_status. */
    readonly commandStatus: number,
    /** The response that carried the status, when there was one. */
    readonly response?: Pdu,
  ) {
    const { name, description } = describeStatus(commandStatus);
    super(`${command} failed: ${name} (${description})`);
    this.name = 'CommandStatusError';
    this.statusName = name;
  }
}

/**
 * The session's queue of requests waiting to be sent is full (`maxQueued`): the peer is not
 * answering or not reading fast enough. The request was not queued.
 */
export class QueueFullError extends SmppSessionError {
  /** Always `'ERR_SMPP_QUEUE_FULL'`. */
  readonly code = 'ERR_SMPP_QUEUE_FULL';
  /** Made by the session; exported for `instanceof` checks and tests. */
  constructor(
    /** The request that was not queued. */
    readonly command: string,
    /** The `maxQueued` limit that was reached. */
    readonly limit: number,
  ) {
    super(`${command} not queued: ${limit} request(s) already wait to be sent`);
    this.name = 'QueueFullError';
  }
}

/**
 * The stop reason of a session whose peer stayed stuck — not reading what we write, or not
 * answering so that our queue stayed full — for longer than `stallTimeout`.
 */
export class PeerStalledError extends SmppSessionError {
  /** Always `'ERR_SMPP_PEER_STALLED'`. */
  readonly code = 'ERR_SMPP_PEER_STALLED';
  /** Made by the session; exported for `instanceof` checks and tests. */
  constructor(
    /** The `stallTimeout` that ran out, in milliseconds. */
    readonly timeout: number,
    /** Bytes still in the socket's write buffer when the session gave up. */
    readonly writeBuffered: number,
    /** Requests still waiting to be sent. */
    readonly queued: number,
  ) {
    super(`the peer stayed stuck for ${timeout} ms (${writeBuffered} octets unwritten, ${queued} request(s) queued)`);
    this.name = 'PeerStalledError';
  }
}
