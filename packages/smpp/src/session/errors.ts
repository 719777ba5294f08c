// Errors of SMPP sessions.
import { describeStatus } from '../pdu/command-status.js';
import type { Pdu } from '../pdu/types.js';
import type { BindState } from './bind-state.js';

export abstract class SmppSessionError extends Error {
  abstract readonly code: string;
}

/** The PDU may not be sent in the session's current bind state. */
export class BindStateError extends SmppSessionError {
  readonly code = 'ERR_SMPP_BIND_STATE';
  constructor(
    readonly command: string,
    readonly bindState: BindState,
  ) {
    super(`${command} cannot be sent in bind state ${bindState}`);
    this.name = 'BindStateError';
  }
}

/** A request waited longer than the window timeout for a slot. */
export class WindowTimeoutError extends SmppSessionError {
  readonly code = 'ERR_SMPP_WINDOW_TIMEOUT';
  constructor(readonly timeout: number) {
    super(`no window slot within ${timeout} ms`);
    this.name = 'WindowTimeoutError';
  }
}

/** The session closed before the PDU could be sent or answered. */
export class SessionClosedError extends SmppSessionError {
  readonly code = 'ERR_SMPP_SESSION_CLOSED';
  constructor(readonly reason?: unknown) {
    super(`the SMPP session closed${reason === undefined ? '' : `: ${String(reason instanceof Error ? reason.message : reason)}`}`);
    this.name = 'SessionClosedError';
  }
}

/** No response came within the response timeout. */
export class ResponseTimeoutError extends SmppSessionError {
  readonly code = 'ERR_SMPP_RESPONSE_TIMEOUT';
  constructor(readonly command: string) {
    super(`no response to ${command} in time`);
    this.name = 'ResponseTimeoutError';
  }
}

/** The peer answered with a non-zero command_status. */
export class CommandStatusError extends SmppSessionError {
  readonly code = 'ERR_SMPP_STATUS';
  readonly statusName: string;
  constructor(
    readonly command: string,
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
  readonly code = 'ERR_SMPP_QUEUE_FULL';
  constructor(
    readonly command: string,
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
  readonly code = 'ERR_SMPP_PEER_STALLED';
  constructor(
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
