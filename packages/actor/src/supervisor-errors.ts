// Errors of supervisors: what a failed child start or a refused child operation reports.
import { ActorError, describeReason } from './errors.js';
import type { Pid } from './pid.js';

/** A child failed to start; `reason` is why (an InitError, usually). The supervisor's start fails with it. */
export class ChildStartError extends ActorError {
  /** Always `'ERR_CHILD_START'`: match on it rather than on the class or the message. */
  readonly code = 'ERR_CHILD_START';
  /** Made by the supervisor; exported for `instanceof` checks and tests. */
  constructor(
    /** The id of the child that failed to start. */
    readonly childId: string,
    /** Why: what its start function rejected with, usually an `InitError`. */
    readonly reason: unknown,
  ) {
    super(`child ${JSON.stringify(childId)} failed to start: ${describeReason(reason)}`, { cause: reason });
    this.name = 'ChildStartError';
  }
}

/** A supervisor refused a child operation. */
export class SupervisorError extends ActorError {
  /** Made by the supervisor; exported for `instanceof` checks and tests. */
  constructor(
    /** Which refusal: no such child, the child is still running, the id is taken, or the dynamic supervisor is full. */
    readonly code: 'ERR_CHILD_NOT_FOUND' | 'ERR_CHILD_RUNNING' | 'ERR_CHILD_ALREADY_PRESENT' | 'ERR_MAX_CHILDREN',
    message: string,
    /** The running child, for ERR_CHILD_RUNNING and ERR_CHILD_ALREADY_PRESENT when it runs. */
    readonly pid?: Pid,
  ) {
    super(message);
    this.name = 'SupervisorError';
  }
}
