// Every error the actor runtime raises: one class each, with a stable `code` and the context
// needed to act on it.
import type { ExitReason } from './exit-reason.js';
import type { Pid } from './pid.js';

/** Base class of the runtime's errors. */
export abstract class ActorError extends Error {
  /** A stable string naming the error (`'ERR_…'`), for code that must tell errors apart. */
  abstract readonly code: string;
}

/** A `call` got no reply within its timeout; a reply that comes later is dropped. */
export class CallTimeoutError extends ActorError {
  /** Always `'ERR_CALL_TIMEOUT'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_CALL_TIMEOUT';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The process that was called. */
    readonly pid: Pid,
    /** The timeout that ran out, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`call to ${pid} timed out after ${timeout} ms`);
    this.name = 'CallTimeoutError';
  }
}

/** A `stop` did not see the process terminate within its timeout. */
export class StopTimeoutError extends ActorError {
  /** Always `'ERR_STOP_TIMEOUT'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_STOP_TIMEOUT';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The process that was asked to stop. */
    readonly pid: Pid,
    /** The timeout that ran out, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`stop of ${pid} timed out after ${timeout} ms`);
    this.name = 'StopTimeoutError';
  }
}

/** The target process does not exist (never started, or already exited). */
export class NoProcError extends ActorError {
  /** Always `'ERR_NOPROC'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_NOPROC';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The process that was not there: a pid, or the registered name that resolved to nothing. */
    readonly pid: Pid | string,
  ) {
    super(`no process ${String(pid)}`);
    this.name = 'NoProcError';
  }
}

/** A process called (or stopped) itself, which would wait forever. */
export class CallSelfError extends ActorError {
  /** Always `'ERR_CALL_SELF'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_CALL_SELF';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The process that called itself. */
    readonly pid: Pid,
    operation: 'call' | 'stop',
  ) {
    super(`process ${pid} tried to ${operation} itself`);
    this.name = 'CallSelfError';
  }
}

/** The process exited before answering; `reason` is its exit reason. */
export class ExitError extends ActorError {
  /** Always `'ERR_EXIT'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_EXIT';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The process that exited. */
    readonly pid: Pid,
    /** Why the process exited. */
    readonly reason: ExitReason,
  ) {
    super(`process ${pid} exited: ${describeReason(reason)}`, { cause: reason });
    this.name = 'ExitError';
  }
}

/** An API that acts on behalf of the calling process was used outside any process. */
export class NotInProcessError extends ActorError {
  /** Always `'ERR_NOT_IN_PROCESS'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_NOT_IN_PROCESS';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(operation: string) {
    super(`${operation} must be called from inside a process callback (or given a pid)`);
    this.name = 'NotInProcessError';
  }
}

/**
 * Code that belongs to a process that has exited ran a runtime call: an `await` continuation of a
 * killed process, say. A dead process does nothing more (OTP), so the call fails and the code
 * unwinds; the same error is the `reason` of the process's `abortSignal()`.
 */
export class ProcessExitedError extends ActorError {
  /** Always `'ERR_PROCESS_EXITED'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_PROCESS_EXITED';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The process that has exited. */
    readonly pid: Pid,
    /** Its exit reason. */
    readonly reason: ExitReason,
    /** The runtime call it tried to make, if the error comes from one. */
    readonly operation?: string,
  ) {
    const base = `process ${pid} has exited: ${describeReason(reason)}`;
    super(operation === undefined ? base : `${base}; code of a dead process cannot call ${operation}`);
    this.name = 'ProcessExitedError';
  }
}

/**
 * A bare name was used outside any process, and more than one runtime has a process under it:
 * call from inside a process (names resolve on its runtime) or say which with `via(runtime.registry, name)`.
 */
export class AmbiguousNameError extends ActorError {
  /** Always `'ERR_AMBIGUOUS_NAME'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_AMBIGUOUS_NAME';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The name that more than one runtime holds. */
    readonly registeredName: string,
  ) {
    super(`${JSON.stringify(registeredName)} is registered on more than one runtime: use via(runtime.registry, name) outside a process`);
    this.name = 'AmbiguousNameError';
  }
}

/** A `KeyRegistry` holds as many entries as its `maxEntries` allows. */
export class RegistryFullError extends ActorError {
  /** Always `'ERR_REGISTRY_FULL'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_REGISTRY_FULL';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The limit that was reached. */
    readonly limit: number,
  ) {
    super(`the registry holds its maximum of ${limit} entries`);
    this.name = 'RegistryFullError';
  }
}

/** The function given to `sys.replaceState` threw: the state was kept. */
export class SysCallbackError extends ActorError {
  /** Always `'ERR_SYS_CALLBACK'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_SYS_CALLBACK';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The process whose state was to be replaced. */
    readonly pid: Pid,
    cause: unknown,
  ) {
    super(`replaceState of ${pid} threw: ${describeReason(cause)}`, { cause });
    this.name = 'SysCallbackError';
  }
}

/** A name is already registered; `pid` is the process that holds it. */
export class AlreadyRegisteredError extends ActorError {
  /** Always `'ERR_ALREADY_REGISTERED'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_ALREADY_REGISTERED';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The name that was asked for. */
    readonly registeredName: string,
    /** The process that holds the name. */
    readonly pid: Pid,
  ) {
    super(`name ${JSON.stringify(registeredName)} is already registered to ${pid}`);
    this.name = 'AlreadyRegisteredError';
  }
}

/** `init` returned a stop, threw, or returned something invalid; `reason` says which. */
export class InitError extends ActorError {
  /** Always `'ERR_INIT'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_INIT';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** Why init failed: the reason of its `stop` result, or the `CallbackError` / `BadReturnError` it caused. */
    readonly reason: ExitReason,
  ) {
    super(`init failed: ${describeReason(reason)}`, { cause: reason });
    this.name = 'InitError';
  }
}

/** `init` returned `ignore`: no process was started. */
export class InitIgnoredError extends ActorError {
  /** Always `'ERR_INIT_IGNORED'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_INIT_IGNORED';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor() {
    super('init returned ignore');
    this.name = 'InitIgnoredError';
  }
}

/** An asynchronous `init` did not finish within the start timeout; the process was killed. */
export class StartTimeoutError extends ActorError {
  /** Always `'ERR_START_TIMEOUT'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_START_TIMEOUT';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The start timeout that ran out, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`init did not finish within ${timeout} ms`);
    this.name = 'StartTimeoutError';
  }
}

/** The exit reason of a process whose callback threw; `cause` is what was thrown. */
export class CallbackError extends ActorError {
  /** Always `'ERR_CALLBACK'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_CALLBACK';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The callback that failed, e.g. `handleCall`. */
    readonly callback: string,
    /** The process whose callback threw. */
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
  /** Always `'ERR_BAD_RETURN'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_BAD_RETURN';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The callback that failed, e.g. `handleCall`. */
    readonly callback: string,
    /** The process whose callback returned the bad value. */
    readonly pid: Pid,
    /** What the callback returned. */
    readonly value: unknown,
  ) {
    super(`${callback} of ${pid} returned an invalid result: ${safeInspect(value)}`);
    this.name = 'BadReturnError';
  }
}

/** A server received a call or cast that its behaviour does not handle. */
export class UnhandledMessageError extends ActorError {
  /** Always `'ERR_UNHANDLED_MESSAGE'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_UNHANDLED_MESSAGE';
  /** Made by the runtime; exported for `instanceof` checks and tests. */
  constructor(
    /** The callback that failed, e.g. `handleCall`. */
    readonly callback: 'handleCall' | 'handleCast',
    /** The server that got the message. */
    readonly pid: Pid,
    /** The request or message nobody handles. */
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
