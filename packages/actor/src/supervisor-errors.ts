// Errors of supervisors: what a failed child start or a refused child operation reports.
import { ActorError, describeReason } from './errors.js';
import type { Pid } from './pid.js';

/** A child failed to start; `reason` is why (an InitError, usually). The supervisor's start fails with it. */
export class ChildStartError extends ActorError {
  readonly code = 'ERR_CHILD_START';
  constructor(
    readonly childId: string,
    readonly reason: unknown,
  ) {
    super(`child ${JSON.stringify(childId)} failed to start: ${describeReason(reason)}`, { cause: reason });
    this.name = 'ChildStartError';
  }
}

/** A supervisor refused a child operation. */
export class SupervisorError extends ActorError {
  constructor(
    readonly code: 'ERR_CHILD_NOT_FOUND' | 'ERR_CHILD_RUNNING' | 'ERR_CHILD_ALREADY_PRESENT' | 'ERR_MAX_CHILDREN',
    message: string,
    /** The running child, for ERR_CHILD_RUNNING and ERR_CHILD_ALREADY_PRESENT when it runs. */
    readonly pid?: Pid,
  ) {
    super(message);
    this.name = 'SupervisorError';
  }
}
