// Every error the actor runtime raises: one class each, with a stable `code` and the context
// needed to act on it.
import type { ExitReason } from './exit-reason.js';
import type { Pid } from './pid.js';

/** Base class of the runtime's errors. */
export abstract class ActorError extends Error {
  abstract readonly code: string;
}

/** A `call` got no reply within its timeout; a reply that comes later is dropped. */
export class CallTimeoutError extends ActorError {
  readonly code = 'ERR_CALL_TIMEOUT';
  constructor(
    readonly pid: Pid,
    readonly timeout: number,
  ) {
    super(`call to ${pid} timed out after ${timeout} ms`);
    this.name = 'CallTimeoutError';
  }
}

/** A `stop` did not see the process terminate within its timeout. */
export class StopTimeoutError extends ActorError {
  readonly code = 'ERR_STOP_TIMEOUT';
  constructor(
    readonly pid: Pid,
    readonly timeout: number,
  ) {
    super(`stop of ${pid} timed out after ${timeout} ms`);
    this.name = 'StopTimeoutError';
  }
}

/** The target process does not exist (never started, or already exited). */
export class NoProcError extends ActorError {
  readonly code = 'ERR_NOPROC';
  constructor(readonly pid: Pid | string) {
    super(`no process ${String(pid)}`);
    this.name = 'NoProcError';
  }
}

/** A process called (or stopped) itself, which would wait forever. */
export class CallSelfError extends ActorError {
  readonly code = 'ERR_CALL_SELF';
  constructor(
    readonly pid: Pid,
    operation: 'call' | 'stop',
  ) {
    super(`process ${pid} tried to ${operation} itself`);
    this.name = 'CallSelfError';
  }
}

/** The process exited before answering; `reason` is its exit reason. */
export class ExitError extends ActorError {
  readonly code = 'ERR_EXIT';
  constructor(
    readonly pid: Pid,
    readonly reason: ExitReason,
  ) {
    super(`process ${pid} exited: ${describeReason(reason)}`, { cause: reason });
    this.name = 'ExitError';
  }
}

/** An API that acts on behalf of the calling process was used outside any process. */
export class NotInProcessError extends ActorError {
  readonly code = 'ERR_NOT_IN_PROCESS';
  constructor(operation: string) {
    super(`${operation} must be called from inside a process callback (or given a pid)`);
    this.name = 'NotInProcessError';
  }
}

/** A name is already registered; `pid` is the process that holds it. */
export class AlreadyRegisteredError extends ActorError {
  readonly code = 'ERR_ALREADY_REGISTERED';
  constructor(
    readonly registeredName: string,
    readonly pid: Pid,
  ) {
    super(`name ${JSON.stringify(registeredName)} is already registered to ${pid}`);
    this.name = 'AlreadyRegisteredError';
  }
}

/** `init` returned a stop, threw, or returned something invalid; `reason` says which. */
export class InitError extends ActorError {
  readonly code = 'ERR_INIT';
  constructor(readonly reason: ExitReason) {
    super(`init failed: ${describeReason(reason)}`, { cause: reason });
    this.name = 'InitError';
  }
}

/** `init` returned `ignore`: no process was started. */
export class InitIgnoredError extends ActorError {
  readonly code = 'ERR_INIT_IGNORED';
  constructor() {
    super('init returned ignore');
    this.name = 'InitIgnoredError';
  }
}

/** An asynchronous `init` did not finish within the start timeout; the process was killed. */
export class StartTimeoutError extends ActorError {
  readonly code = 'ERR_START_TIMEOUT';
  constructor(readonly timeout: number) {
    super(`init did not finish within ${timeout} ms`);
    this.name = 'StartTimeoutError';
  }
}

/** The exit reason of a process whose callback threw; `cause` is what was thrown. */
export class CallbackError extends ActorError {
  readonly code = 'ERR_CALLBACK';
  constructor(
    readonly callback: string,
    readonly pid: Pid,
    cause: unknown,
  ) {
    super(`${callback} of ${pid} threw: ${describeReason(cause)}`, { cause });
    this.name = 'CallbackError';
    if (cause instanceof Error && cause.stack) this.stack = `${this.name}: ${this.message}\n${cause.stack}`;
  }
}

/** The exit reason of a process whose callback returned something that is not a valid result. */
export class BadReturnError extends ActorError {
  readonly code = 'ERR_BAD_RETURN';
  constructor(
    readonly callback: string,
    readonly pid: Pid,
    readonly value: unknown,
  ) {
    super(`${callback} of ${pid} returned an invalid result: ${safeInspect(value)}`);
    this.name = 'BadReturnError';
  }
}

/** A server received a call or cast that its behaviour does not handle. */
export class UnhandledMessageError extends ActorError {
  readonly code = 'ERR_UNHANDLED_MESSAGE';
  constructor(
    readonly callback: 'handleCall' | 'handleCast',
    readonly pid: Pid,
    readonly value: unknown,
  ) {
    super(`${pid} has no ${callback} for ${safeInspect(value)}`);
    this.name = 'UnhandledMessageError';
  }
}

export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return safeInspect(reason);
}

function safeInspect(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return String(value);
    return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
