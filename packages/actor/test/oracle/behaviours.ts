// Servers and helpers the oracle's scenarios share on our side; each mirrors the Erlang helper
// of the same name in erlang/oracle.hrl (worker/3, watcher/3, flush/2, child/3, start_sup/4 …).
import {
  Result,
  call,
  stop,
  exit,
  link,
  unlink,
  monitor,
  demonitor,
  self,
  startSupervisor,
  supervisorChild,
  trapExit,
  whichChildren,
  countChildren,
  worker as workerSpec,
  type AnyProtocol,
  type ChildSpec,
  type Dest,
  type ExitReason,
  type GenServer,
  type Pid,
  type Ref,
  type RestartType,
  type Shutdown,
  type Strategy,
  type SupervisorPid,
  type SupervisorSpec,
} from '@switchboard/actor';
import { callOutcome, pause, startOutcome, stopOutcome, supOutcome, type Ctx } from './trace.js';

/** Options of {@link worker} (oracle.hrl's worker/3 Opts). */
export interface WorkerOptions {
  /** Trap exits. */
  readonly trap?: boolean;
  /** terminate takes this long (virtual ms), then logs `terminate end <id>`. */
  readonly sleep?: number;
  /** init returns ignore. */
  readonly ignore?: boolean;
  /** From this start on (1 = the first), init logs `init <id> failed` and returns stop(bad). */
  readonly failFrom?: number;
  /** Logs nothing. */
  readonly quiet?: boolean;
  /** As a child: the restart type (default permanent). */
  readonly restart?: RestartType;
  /** As a child: the shutdown (default 5000). */
  readonly shutdown?: Shutdown;
}

export type WorkerCall =
  | 'ping'
  | { readonly link: Pid }
  | { readonly unlink: Pid }
  | { readonly exit: readonly [Pid, ExitReason] }
  | { readonly start_linked: readonly [string, WorkerOptions] };
export type WorkerCast = 'crash' | { readonly stop: ExitReason } | { readonly exit_self: ExitReason };
export type WorkerProto = { call: WorkerCall; reply: unknown; cast: WorkerCast; info: unknown };

/** A worker: logs `start <id>`, `terminate <id> <reason>`, and `<id> info <msg>` for each info. */
export function worker(ctx: Ctx, id: string, opts: WorkerOptions = {}): GenServer<string, WorkerProto, unknown> {
  let starts = 0;
  const log = (event: string): void => {
    if (!opts.quiet) ctx.t(event);
  };
  return {
    init() {
      starts++;
      ctx.name(self(), id);
      if (opts.trap) trapExit(true);
      if (opts.ignore) return Result.ignore();
      if (opts.failFrom !== undefined && starts >= opts.failFrom) {
        log(`init ${id} failed`);
        return Result.stop('bad', id);
      }
      log(`start ${id}`);
      return Result.ok(id);
    },
    handleCall(request, _from, state) {
      if (request === 'ping') return Result.reply('pong', state);
      if ('link' in request) {
        link(request.link);
        return Result.reply('ok', state);
      }
      if ('unlink' in request) {
        unlink(request.unlink);
        return Result.reply('ok', state);
      }
      if ('exit' in request) {
        exit(request.exit[0], request.exit[1]);
        return Result.reply('ok', state);
      }
      const [childId, childOpts] = request.start_linked;
      // started linked from inside this callback: this process is the child's parent
      return ctx.rt.start(worker(ctx, childId, childOpts), childId, { link: true }).then((c) => Result.reply(c, state));
    },
    handleCast(message, state) {
      if (message === 'crash') throw new Error('boom');
      if ('stop' in message) return Result.stop(message.stop, state);
      exit(self(), message.exit_self);
      return Result.noreply(state);
    },
    handleInfo(message, state) {
      log(`${id} info ${ctx.s(message)}`);
      return Result.noreply(state);
    },
    async terminate(reason) {
      log(`terminate ${id} ${ctx.s(reason)}`);
      if (opts.sleep !== undefined && opts.sleep > 0) {
        await pause(ctx, opts.sleep);
        log(`terminate end ${id}`);
      }
    },
  };
}

export async function startWorker(ctx: Ctx, id: string, opts: WorkerOptions = {}): Promise<Pid<WorkerProto>> {
  return ctx.rt.start(worker(ctx, id, opts), id);
}

export type WatcherCall = 'flush' | { readonly monitor: Pid } | { readonly demonitor: Ref } | { readonly link: Pid } | { readonly exit: readonly [Pid, ExitReason] };
export type WatcherProto = { call: WatcherCall; reply: unknown; info: unknown };

/** A watcher: keeps every info message (exit signals, downs) until {@link flush} logs them. */
export async function watcher(ctx: Ctx, id: string, opts: { trap?: boolean } = {}): Promise<Pid<WatcherProto>> {
  const behaviour: GenServer<unknown[], WatcherProto, void> = {
    init() {
      ctx.name(self(), id);
      if (opts.trap) trapExit(true);
      return Result.ok([]);
    },
    handleCall(request, _from, messages) {
      if (request === 'flush') return Result.reply([...messages], []);
      if ('monitor' in request) return Result.reply(monitor(request.monitor), messages);
      if ('demonitor' in request) return Result.reply(demonitor(request.demonitor), messages);
      if ('link' in request) {
        link(request.link);
        return Result.reply('ok', messages);
      }
      exit(request.exit[0], request.exit[1]);
      return Result.reply('ok', messages);
    },
    handleInfo(message, messages) {
      return Result.noreply([...messages, message]);
    },
  };
  return ctx.rt.start(behaviour);
}

export async function watch(w: Pid<WatcherProto>, pid: Pid): Promise<Ref> {
  return (await call(w, { monitor: pid })) as Ref;
}

/** Logs the watcher's messages as `<watcher> got <msg>`, in arrival order. */
export async function flush(ctx: Ctx, w: Pid<WatcherProto>): Promise<void> {
  const messages = (await call(w, 'flush')) as unknown[];
  for (const m of messages) ctx.t(`${ctx.s(w)} got ${ctx.s(m)}`);
}

/** The same, sorted: for messages from processes that exit concurrently. */
export async function flushSorted(ctx: Ctx, w: Pid<WatcherProto>): Promise<void> {
  const messages = (await call(w, 'flush')) as unknown[];
  const lines = messages.map((m) => ctx.s(m)).sort();
  for (const line of lines) ctx.t(`${ctx.s(w)} got ${line}`);
}

/** A child spec for {@link worker}. */
export function child(ctx: Ctx, id: string, opts: WorkerOptions = {}): ChildSpec {
  return workerSpec(id, worker(ctx, id, opts), id, { restart: opts.restart ?? 'permanent', shutdown: opts.shutdown ?? 5000 });
}

export function supChild(id: string, spec: SupervisorSpec): ChildSpec {
  return supervisorChild(id, spec);
}

/** OTP's supervisor flags with the period in seconds, as our spec (period in ms). */
export function flags(strategy: Strategy, intensity: number, periodSeconds: number): Omit<SupervisorSpec, 'children'> {
  return { strategy, intensity, period: periodSeconds * 1000 };
}

/** Starts a supervisor (no parent); the outcome is spelled as a start's. Blocks as OTP's start does. */
export async function startSup(ctx: Ctx, id: string, spec: Omit<SupervisorSpec, 'children'>, children: readonly ChildSpec[]): Promise<{ outcome: string; pid: SupervisorPid | undefined }> {
  let pid: SupervisorPid | undefined;
  const outcome = await ctx.until(
    startOutcome(ctx, async () => {
      pid = await startSupervisor(ctx.rt, { ...spec, children });
      ctx.name(pid, id);
    }),
  );
  return { outcome, pid };
}

/** which_children as `[{id,child},…]`. */
export async function children(ctx: Ctx, sup: SupervisorPid): Promise<string> {
  const rows = await whichChildren(sup);
  return `[${rows.map((c) => `{${c.id},${ctx.s(c.pid)}}`).join(',')}]`;
}

export async function counts(sup: SupervisorPid): Promise<string> {
  const c = await countChildren(sup);
  return `specs=${c.specs} active=${c.active} supervisors=${c.supervisors} workers=${c.workers}`;
}

/** A call's spelled outcome, without waiting for it (inside oracle.hrl's async/1). */
export function asyncCall(ctx: Ctx, pid: Dest, request: unknown, timeout?: number): Promise<string> {
  const target = pid as Dest<AnyProtocol>;
  return callOutcome(ctx, () => call(target, request, timeout === undefined ? undefined : { timeout }));
}

/** gen_server:call, spelled, blocking the driver while virtual time runs (oracle.hrl's do_call). */
export function doCall(ctx: Ctx, pid: Dest, request: unknown, timeout?: number): Promise<string> {
  return ctx.until(asyncCall(ctx, pid, request, timeout));
}

/** A stop's spelled outcome, without waiting for it. */
export function asyncStop(ctx: Ctx, pid: Dest, reason?: ExitReason, timeout?: number): Promise<string> {
  return stopOutcome(ctx, () => stop(pid, reason, timeout === undefined ? undefined : { timeout }));
}

/** gen_server:stop, spelled, blocking the driver while virtual time runs (oracle.hrl's do_stop). */
export function doStop(ctx: Ctx, pid: Dest, reason?: ExitReason, timeout?: number): Promise<string> {
  return ctx.until(asyncStop(ctx, pid, reason, timeout));
}

/** A supervisor function's spelled outcome, blocking as OTP's does. */
export function doSup(ctx: Ctx, thunk: () => Promise<unknown>): Promise<string> {
  return ctx.until(supOutcome(ctx, thunk));
}
