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
