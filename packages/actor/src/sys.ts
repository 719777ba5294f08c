// The process side of OTP's `sys` (the API is in sys-api.ts): a process's debugging state and
// the answer to each system request, served between two messages, even while suspended.
import type { CallRecord } from './call-record.js';
import { SysCallbackError } from './errors.js';
import { CALL, CAST, Mailbox } from './mailbox.js';
import type { Pid } from './pid.js';
import type { Proc } from './process.js';

/** One handled message, as `trace` and `log` see it. */
export interface SysEvent {
  /** The process that handled it. */
  readonly pid: Pid;
  /** Which callback handled it. */
  readonly kind: 'call' | 'cast' | 'info';
  /** The message. */
  readonly message: unknown;
  /** When it was handled, on the runtime's clock (ms). */
  readonly at: number;
}

/** What `getStatistics` returns (OTP's `sys:statistics(Name, get)`, without reductions and messages out). */
export interface SysStatistics {
  /** When statistics were turned on, on the runtime's clock (ms). */
  readonly since: number;
  /** Now, on the runtime's clock (ms). */
  readonly now: number;
  /** Messages handled since then (calls, casts and infos). */
  readonly messagesIn: number;
}

/** @internal a process's debugging state, made by the first `sys` request that needs one */
export class SysState {
  suspended = false;
  /** Messages that arrived while suspended: handled first on resume, in order. */
  readonly deferred = new Mailbox();
  statisticsSince = -1;
  messagesIn = 0;
  trace: ((event: SysEvent) => void) | null = null;
  logLimit = 0;
  log: SysEvent[] = [];

  get recording(): boolean {
    return this.statisticsSince >= 0 || this.trace !== null || this.logLimit > 0;
  }

  /** A message was handled. */
  record(proc: Proc, tag: number, message: unknown): void {
    if (this.statisticsSince >= 0) this.messagesIn++;
    if (this.trace === null && this.logLimit === 0) return;
    const event: SysEvent = { pid: proc.pid, kind: tag === CALL ? 'call' : tag === CAST ? 'cast' : 'info', message, at: proc.rt.clock.now() };
    if (this.logLimit > 0) {
      this.log.push(event);
      if (this.log.length > this.logLimit) this.log.shift();
    }
    if (this.trace !== null) {
      try {
        this.trace(event);
      } catch {
        // a tracer that throws must not crash the traced process
      }
    }
  }
}

/** @internal what travels in a SYSTEM message */
export type SysRequest =
  | { readonly op: 'getState' }
  | { readonly op: 'replaceState'; readonly update: (state: unknown) => unknown }
  | { readonly op: 'suspend' }
  | { readonly op: 'resume' }
  | { readonly op: 'statistics'; readonly on: boolean }
  | { readonly op: 'getStatistics' }
  | { readonly op: 'trace'; readonly handler: ((event: SysEvent) => void) | null }
  | { readonly op: 'log'; readonly limit: number }
  | { readonly op: 'getLog' };

/** @internal answers a system request inside the process (from `Proc.dispatch`) */
export function serveSystem(proc: Proc, request: SysRequest, from: CallRecord): void {
  const sys = (proc.sys ??= new SysState());
  switch (request.op) {
    case 'getState':
      from.settle(proc.state);
      break;
    case 'replaceState': {
      let next: unknown;
      try {
        next = request.update(proc.state);
      } catch (error) {
        proc.forgetCall(from);
        from.fail(new SysCallbackError(proc.pid, error));
        break;
      }
      proc.state = next;
      from.settle(next);
      break;
    }
    case 'suspend':
      sys.suspended = true;
      from.settle(undefined);
      break;
    case 'resume':
      sys.suspended = false;
      from.settle(undefined);
      break;
    case 'statistics':
      sys.statisticsSince = request.on ? proc.rt.clock.now() : -1;
      sys.messagesIn = 0;
      from.settle(undefined);
      break;
    case 'getStatistics':
      from.settle(sys.statisticsSince < 0 ? undefined : { since: sys.statisticsSince, now: proc.rt.clock.now(), messagesIn: sys.messagesIn });
      break;
    case 'trace':
      sys.trace = request.handler;
      from.settle(undefined);
      break;
    case 'log':
      sys.logLimit = request.limit;
      if (sys.log.length > request.limit) sys.log = sys.log.slice(sys.log.length - request.limit);
      from.settle(undefined);
      break;
    case 'getLog':
      from.settle([...sys.log]);
      break;
  }
  if (!sys.suspended && !sys.recording && sys.deferred.length === 0) proc.sys = null;
}
