// The OTP oracle's trace on our side: a scenario records events in order on a fresh runtime and
// VirtualClock, and `spell` is the one mapping that writes our values and exit reasons the way
// the Erlang side (erlang/oracle.hrl, `spell/2`) writes OTP's.
import {
  abortSignal,
  AlreadyRegisteredError,
  BadReturnError,
  CallSelfError,
  CallTimeoutError,
  CallbackError,
  ChildStartError,
  Down,
  ExitError,
  ExitSignal,
  IdleTimeout,
  InitError,
  InitIgnoredError,
  NoProcError,
  Pid,
  Ref,
  Runtime,
  StartTimeoutError,
  StopTimeoutError,
  SupervisorError,
  VirtualClock,
} from '@switchboard/actor';

/**
 * The canonical spelling of a value in a trace. Both sides write the same text for the same
 * meaning; this table is the only place where our values and OTP's are matched. Only how a value
 * is written is normalised here, never what happened (`oracle.hrl`'s `spell/2` is its mirror).
 *
 * | meaning                      | OTP term                                  | ours                                        | spelled                       |
 * | ---------------------------- | ----------------------------------------- | ------------------------------------------- | ----------------------------- |
 * | atom / word                  | `normal`, `pong`                          | `'normal'`, `'pong'`                        | `normal`, `pong`              |
 * | integer, boolean             | `42`, `true`                              | `42`, `true`                                | `42`, `true`                  |
 * | nothing                      | `undefined`                               | `undefined`, `null`                         | `undefined`                   |
 * | a process                    | a pid                                     | a `Pid`                                     | its role name, else `pid`     |
 * | a reference                  | a ref                                     | a `Ref`                                     | `ref`                         |
 * | tagged tuple                 | `{shutdown, x}`, `{add, 1}`               | `{ shutdown: 'x' }`, `{ add: 1 }`           | `{shutdown,x}`                |
 * | list                         | `[a, b]`                                  | `['a', 'b']`                                | `[a,b]`                       |
 * | exit message                 | `{'EXIT', From, R}`                       | `ExitSignal { from, reason }`               | `EXIT <from> <R>`             |
 * | monitor message              | `{'DOWN', Ref, process, Pid, R}`          | `Down { ref, pid, reason }`                 | `DOWN <pid> <R>`              |
 * | idle timeout                 | `timeout`                                 | `IdleTimeout`                               | `timeout`                     |
 * | a callback raised            | `{R, Stacktrace}` (from `error(R)`)       | `CallbackError`, cause `Error(R)`           | `crash(R)`                    |
 * | a BIF raised in a callback   | `{noproc, Stacktrace}` (link/1)           | `CallbackError`, cause `NoProcError`        | `crash(noproc)`               |
 * | a callback returned junk     | `{bad_return_value, V}`                   | `BadReturnError { value: V }`               | `bad_return(V)`               |
 * | call/stop timed out          | exit `{timeout, {gen_server, call, _}}`   | `CallTimeoutError`, `StopTimeoutError`      | `timeout`                     |
 * | no such process              | exit `{noproc, {gen_server, call, _}}`    | `NoProcError`                               | `noproc`                      |
 * | callee exited with R         | exit `{R, {gen_server, call, _}}`         | `ExitError { reason: R }`                   | `R`                           |
 * | second stop saw exit R       | exit `{R, {sys, terminate, _}}`           | `ExitError { reason: R }`                   | `R`                           |
 * | init failed with R           | `{error, R}`                              | `InitError { reason: R }`                   | `R`                           |
 * | init ignored                 | `ignore`                                  | `InitIgnoredError`                          | `ignore`                      |
 * | name taken                   | `{error, {already_started, Pid}}`         | `AlreadyRegisteredError { pid }`            | `{already_started,<pid>}`     |
 * | supervisor: child failed     | `{shutdown, {failed_to_start_child, Id, R}}` | `InitError { reason: ChildStartError }`  | `{shutdown,{failed_to_start_child,Id,R}}` |
 * | start_child: child failed    | `{error, {R, ChildRecord}}`               | `ChildStartError { reason: InitError(R) }`  | `R`                           |
 * | no such child                | `{error, not_found}`                      | `SupervisorError` `ERR_CHILD_NOT_FOUND`     | `not_found`                   |
 * | child is running             | `{error, running}`                        | `SupervisorError` `ERR_CHILD_RUNNING`       | `running`                     |
 * | child id taken, running      | `{error, {already_started, Pid}}`         | `ERR_CHILD_ALREADY_PRESENT` with `pid`      | `{already_started,<pid>}`     |
 * | child id taken, not running  | `{error, already_present}`                | `ERR_CHILD_ALREADY_PRESENT` without `pid`   | `already_present`             |
 * | calling itself               | exit `{calling_self, _}`                  | `CallSelfError`                             | `calling_self`                |
 * | any other error              | (none)                                    | an `Error` named N                          | `error(N)`                    |
 *
 * Outcomes are spelled by the helpers below: a call `reply V` / `exit R` (`raised` when the call
 * itself threw), a start `ok` / `ignore` / `error R`, a stop `ok` / `exit R`, a supervisor
 * function `ok`, `ok <child>` or `error R`.
 */
export function spell(value: unknown, names: ReadonlyMap<Pid, string> = new Map()): string {
  const s = (v: unknown): string => spell(v, names);
  if (value === undefined || value === null) return 'undefined';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Pid) return names.get(value) ?? 'pid';
  if (value instanceof Ref) return 'ref';
  if (value instanceof ExitSignal) return `EXIT ${s(value.from)} ${s(value.reason)}`;
  if (value instanceof Down) return `DOWN ${s(value.pid)} ${s(value.reason)}`;
  if (value instanceof IdleTimeout) return 'timeout';
  if (value instanceof CallbackError) {
    // error(R) in Erlang ⇄ throw new Error('R') here; a runtime error thrown into the callback
    // (a NoProcError from link, say) is spelled as the table says (noproc).
    const cause: unknown = value.cause;
    return `crash(${cause instanceof Error && cause.constructor === Error ? cause.message : s(cause)})`;
  }
  if (value instanceof BadReturnError) return `bad_return(${s(value.value)})`;
  if (value instanceof CallTimeoutError || value instanceof StopTimeoutError || value instanceof StartTimeoutError) return 'timeout';
  if (value instanceof NoProcError) return 'noproc';
  if (value instanceof CallSelfError) return 'calling_self';
  if (value instanceof ExitError) return s(value.reason);
  if (value instanceof InitError) {
    if (value.reason instanceof ChildStartError) return `{shutdown,${s(value.reason)}}`;
    return s(value.reason);
  }
  if (value instanceof InitIgnoredError) return 'ignore';
  if (value instanceof AlreadyRegisteredError) return `{already_started,${s(value.pid)}}`;
  if (value instanceof ChildStartError) return `{failed_to_start_child,${value.childId},${s(unwrapInit(value.reason))}}`;
  if (value instanceof SupervisorError) {
    switch (value.code) {
      case 'ERR_CHILD_NOT_FOUND':
        return 'not_found';
      case 'ERR_CHILD_RUNNING':
        return 'running';
      case 'ERR_CHILD_ALREADY_PRESENT':
        return value.pid === undefined ? 'already_present' : `{already_started,${s(value.pid)}}`;
      case 'ERR_MAX_CHILDREN':
        return 'max_children';
    }
  }
  if (value instanceof Error) return `error(${value.name})`;
  if (Array.isArray(value)) return `[${value.map(s).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    return `{${entries.map(([k, v]) => `${k},${s(v)}`).join(',')}}`;
  }
  return String(value);
}

function unwrapInit(reason: unknown): unknown {
  return reason instanceof InitError ? reason.reason : reason;
}

/** What a scenario works with: its own runtime on its own virtual clock, and the trace. */
export interface Ctx {
  readonly rt: Runtime;
  readonly clock: VirtualClock;
  /** Records one event. */
  t(event: string): void;
  /** Spells a value for an event (see {@link spell}). */
  s(value: unknown): string;
  /** Gives a pid its role name in the trace (a restarted child takes its role again). */
  name(pid: Pid, role: string): void;
  /** Lets `ms` of virtual time pass, running everything due (the Erlang side sleeps). */
  sleep(ms: number): Promise<void>;
  /**
   * Waits for `promise` as a blocked Erlang process waits: virtual time moves on, one due timer
   * at a time, only while it is still pending.
   */
  until<T>(promise: Promise<T>): Promise<T>;
}

/** One scenario on our side: the mirror of the Erlang function of the same name. */
export type Scenario = (ctx: Ctx) => Promise<void>;

/**
 * A pause inside a callback, on the runtime's clock (Erlang's `timer:sleep` in a callback). Call
 * it before the callback's first `await`. A killed Erlang process never wakes from its sleep; JS
 * cannot stop a running async function, so the pause listens to the process's `abortSignal()`
 * (the runtime's documented way for user code to end with its process) and never resolves once
 * the process has exited.
 */
export function pause(ctx: Ctx, ms: number): Promise<void> {
  let signal: AbortSignal | undefined;
  try {
    signal = abortSignal();
  } catch {
    signal = undefined; // outside any process
  }
  return new Promise<void>((resolve) => {
    const handle = ctx.clock.setTimeout(() => {
      if (signal?.aborted !== true) resolve();
    }, ms);
    signal?.addEventListener('abort', () => ctx.clock.clearTimeout(handle), { once: true });
  });
}

/** How long our side of one scenario may take in real time before it is reported as hung. */
const HUNG_AFTER_MS = 10_000;

/** Runs a scenario on a fresh runtime and virtual clock; returns its trace. */
export async function runScenario(scenario: Scenario): Promise<string[]> {
  const clock = new VirtualClock();
  // reports: false: crashes are what many scenarios are about; the traces say what happened
  const rt = new Runtime({ clock, reports: false });
  const events: string[] = [];
  const names = new Map<Pid, string>();
  const ctx: Ctx = {
    rt,
    clock,
    t: (event) => void events.push(event),
    s: (value) => spell(value, names),
    name: (pid, role) => void names.set(pid, role),
    sleep: (ms) => clock.advance(ms),
    until: async (promise) => {
      let settled = false;
      promise.then(
        () => (settled = true),
        () => (settled = true),
      );
      await clock.settle();
      while (!settled && (await clock.next()));
      return promise;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), HUNG_AFTER_MS);
  });
  try {
    const outcome = await Promise.race([scenario(ctx).then(() => 'done' as const), hung]);
    if (outcome === 'hung') events.push('!!! driver hung');
  } catch (error) {
    events.push(`!!! driver exited: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  } finally {
    clearTimeout(timer);
    rt.dispose();
  }
  return [...events];
}

// ---- outcomes, spelled as oracle.hrl's call_outcome, start_outcome, stop_outcome, sup_outcome

/** Runs `thunk` and spells a thrown error, so a synchronous throw is an outcome like a rejection. */
async function settle(thunk: () => Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown; sync: boolean }> {
  let promise: Promise<unknown>;
  try {
    promise = thunk();
  } catch (error) {
    return { ok: false, error, sync: true };
  }
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error, sync: false };
  }
}

/** `reply V`, `exit R`, or `raised` when the call threw instead of returning a promise. */
export async function callOutcome(ctx: Ctx, thunk: () => Promise<unknown>): Promise<string> {
  const r = await settle(thunk);
  if (r.ok) return `reply ${ctx.s(r.value)}`;
  return r.sync ? 'raised' : `exit ${ctx.s(r.error)}`;
}

/** `ok`, `ignore` or `error R`. */
export async function startOutcome(ctx: Ctx, thunk: () => Promise<unknown>): Promise<string> {
  const r = await settle(thunk);
  if (r.ok) return 'ok';
  if (r.error instanceof InitIgnoredError) return 'ignore';
  return `error ${ctx.s(r.error)}`;
}

/** `ok` or `exit R` (`raised` when the stop threw instead of returning a promise). */
export async function stopOutcome(ctx: Ctx, thunk: () => Promise<unknown>): Promise<string> {
  const r = await settle(thunk);
  if (r.ok) return 'ok';
  return r.sync ? 'raised' : `exit ${ctx.s(r.error)}`;
}

/** A supervisor function's outcome: `ok`, `ok <child>` or `error R`. */
export async function supOutcome(ctx: Ctx, thunk: () => Promise<unknown>): Promise<string> {
  const r = await settle(thunk);
  if (r.ok) return r.value === undefined ? 'ok' : `ok ${ctx.s(r.value)}`;
  if (r.error instanceof ChildStartError) return `error ${ctx.s(unwrapInit(r.error.reason))}`;
  return `error ${ctx.s(r.error)}`;
}

/** The same outcome, also recorded as `label <outcome>` the moment it is known (oracle.hrl's async_log). */
export function logWhenDone(ctx: Ctx, label: string, outcome: Promise<string>): Promise<string> {
  return outcome.then((o) => {
    ctx.t(`${label} ${o}`);
    return o;
  });
}
