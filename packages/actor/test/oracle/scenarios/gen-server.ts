// Our side of erlang/gen_server.escript: calls, casts, stops, init results, continues and idle
// timeouts. Each scenario mirrors the Erlang function of the same name, line for line.
import {
  Result,
  cast,
  isAlive,
  reply,
  self as selfPid,
  send,
  sendAfter,
  type AnyProtocol,
  type CallResult,
  type From,
  type GenServer,
  type NoticeResult,
  type Pid,
} from '@switchboard/actor';
import { asyncCall, asyncStop, doCall, doStop, flush, startWorker, watch, watcher } from '../behaviours.js';
import { logWhenDone, pause, startOutcome, type Ctx, type Scenario } from '../trace.js';

type Server<S> = GenServer<S, AnyProtocol, unknown>;

function startOk<S>(ctx: Ctx, behaviour: Server<S>, arg?: unknown): Promise<Pid<AnyProtocol>> {
  return ctx.rt.start(behaviour, arg);
}

/** Logs every message it handles; replies to a call with the request. */
function logger(ctx: Ctx, id: string): Server<number> {
  return {
    init() {
      ctx.name(selfPid(), id);
      return Result.ok(0);
    },
    handleCall: (m, _from, n) => {
      ctx.t(`call ${ctx.s(m)}`);
      return Result.reply(m, n + 1);
    },
    handleCast: (m, n) => {
      ctx.t(`cast ${ctx.s(m)}`);
      return Result.noreply(n + 1);
    },
    handleInfo: (m, n) => {
      ctx.t(`info ${ctx.s(m)}`);
      return Result.noreply(n + 1);
    },
    terminate: (r) => void ctx.t(`terminate ${ctx.s(r)}`),
  };
}

/** terminate logs `terminate begin R`, takes `ms`, then logs `terminate end`. */
function slowTerminate(ctx: Ctx, ms: number): (reason: unknown) => Promise<void> {
  return async (reason) => {
    ctx.t(`terminate begin ${ctx.s(reason)}`);
    await pause(ctx, ms);
    ctx.t('terminate end');
  };
}

function isTag<K extends string>(m: unknown, key: K): m is Record<K, unknown> {
  return typeof m === 'object' && m !== null && key in m;
}

export const genServerScenarios: Record<string, Scenario> = {
  async call_reply(ctx) {
    const add = (n: number, m: unknown): number => n + (isTag(m, 'add') ? Number(m.add) : 0);
    const p = await startOk<number>(
      ctx,
      {
        init: (n) => Result.ok(Number(n)),
        handleCall: (req, _from, n): CallResult<number, unknown> => (req === 'get' ? Result.reply(n, n) : Result.reply(add(n, req), add(n, req))),
        handleCast: (m, n) => Result.noreply(add(n, m)),
        handleInfo: (m, n) => Result.noreply(add(n, m)),
        terminate: (r, n) => void ctx.t(`terminate ${ctx.s(r)} at ${n}`),
      },
      0,
    );
    ctx.t(`call ${await doCall(ctx, p, 'get')}`);
    ctx.t(`call ${await doCall(ctx, p, { add: 1 })}`);
    cast(p, { add: 2 });
    send(p, { add: 3 });
    ctx.t(`call ${await doCall(ctx, p, 'get')}`);
    ctx.t(`stop ${await doStop(ctx, p)}`);
  },

  async call_cast_info_order(ctx) {
    const p = await startOk(ctx, logger(ctx, 'srv'), 'x');
    cast(p, 'a');
    send(p, 'b');
    ctx.t(`call ${await doCall(ctx, p, 'c')}`);
  },

  async call_timeout_late_reply(ctx) {
    const p = await startOk<unknown>(
      ctx,
      {
        handleCall(req, from, s) {
          if (req === 'slow') {
            sendAfterSelf('answer', 300);
            return Result.noreply(from);
          }
          return Result.reply('pong', s);
        },
        handleInfo(_answer, from) {
          replyTo(from, 'late');
          ctx.t('late reply sent');
          return Result.noreply('none');
        },
      },
      'none',
    );
    ctx.t(`call ${await doCall(ctx, p, 'slow', 100)}`);
    await ctx.sleep(300);
    ctx.t(`call ${await doCall(ctx, p, 'ping')}`);
  },

  async call_timeout_zero(ctx) {
    const p = await startOk<number>(
      ctx,
      { handleCall: (req, _from, n) => (req === 'ping' ? Result.reply('pong', n + 1) : Result.reply(n, n)) },
      0,
    );
    ctx.t(`call ${await doCall(ctx, p, 'ping', 0)}`);
    await ctx.sleep(100);
    ctx.t(`call ${await doCall(ctx, p, 'count')}`);
  },

  async call_noproc_cast_dead(ctx) {
    const p = await startWorker(ctx, 'a');
    ctx.t(`stop ${await doStop(ctx, p)}`);
    ctx.t(`call ${await doCall(ctx, p, 'ping')}`);
    cast(p as Pid<AnyProtocol>, 'hello');
    ctx.t('cast ok');
    try {
      send(p as Pid<AnyProtocol>, 'hello');
      ctx.t('send ok');
    } catch {
      ctx.t('send raised');
    }
  },

  async call_server_stops_without_reply(ctx) {
    const p = await startOk<unknown>(
      ctx,
      {
        async handleCall(req, _from, s) {
          if (req === 'die') {
            await pause(ctx, 200);
            return Result.stop('boom', s);
          }
          return Result.reply('pong', s);
        },
        terminate: (r) => void ctx.t(`terminate ${ctx.s(r)}`),
      },
      'none',
    );
    const a1 = asyncCall(ctx, p, 'die');
    await ctx.sleep(50);
    const a2 = asyncCall(ctx, p, 'ping');
    await ctx.sleep(300);
    ctx.t(`call die ${await a1}`);
    ctx.t(`call ping ${await a2}`);
  },

  async call_server_crashes(ctx) {
    const p = await startOk<unknown>(
      ctx,
      {
        handleCall() {
          throw new Error('boom');
        },
        terminate: (r) => void ctx.t(`terminate ${ctx.s(r)}`),
      },
      'none',
    );
    ctx.t(`call ${await doCall(ctx, p, 'crash')}`);
  },

  async call_deferred_reply(ctx) {
    const p = await startOk<unknown>(
      ctx,
      {
        handleCall: (_wait, from) => Result.noreply(from),
        handleCast(_release, from) {
          replyTo(from, 42);
          ctx.t('replied');
          return Result.noreply('none');
        },
      },
      'none',
    );
    const a = asyncCall(ctx, p, 'wait');
    await ctx.sleep(100);
    cast(p, 'release');
    ctx.t(`call ${await a}`);
  },

  async stop_reply_after_terminate(ctx) {
    const p = await startOk<unknown>(
      ctx,
      { handleCall: (_bye, _from, s) => Result.stopReply('normal', 'bye', s), terminate: slowTerminate(ctx, 50) },
      'none',
    );
    const a = logWhenDone(ctx, 'call', asyncCall(ctx, p, 'bye'));
    await ctx.sleep(100);
    await a;
  },

  async stop_queued_behind_messages(ctx) {
    const p = await startOk(ctx, logger(ctx, 'srv'), 'x');
    cast(p, 'a');
    cast(p, 'b');
    ctx.t(`stop ${await doStop(ctx, p)}`);
  },

  async stop_with_shutdown_reason(ctx) {
    const w = await watcher(ctx, 'w');
    const p = await startOk(ctx, logger(ctx, 'srv'), 'x');
    await watch(w, p);
    ctx.t(`stop ${await doStop(ctx, p, { shutdown: 'bye' })}`);
    await ctx.sleep(100);
    await flush(ctx, w);
  },

  async stop_noproc(ctx) {
    const p = await startOk(ctx, logger(ctx, 'srv'), 'x');
    ctx.t(`stop ${await doStop(ctx, p)}`);
    ctx.t(`stop ${await doStop(ctx, p)}`);
  },

  async stop_terminate_crashes(ctx) {
    const p = await startOk<unknown>(
      ctx,
      {
        terminate(r) {
          ctx.t(`terminate ${ctx.s(r)}`);
          throw new Error('oops');
        },
      },
      'none',
    );
    ctx.t(`stop ${await doStop(ctx, p)}`);
  },

  async stop_timeout(ctx) {
    const p = await startOk<unknown>(ctx, { terminate: slowTerminate(ctx, 300) }, 'none');
    ctx.t(`stop ${await doStop(ctx, p, 'normal', 100)}`);
    await ctx.sleep(400);
    ctx.t(`alive ${isAlive(p)}`);
  },

  async stop_concurrent_second(ctx) {
    const p = await startOk<unknown>(ctx, { terminate: slowTerminate(ctx, 300) }, 'none');
    const a1 = asyncStop(ctx, p);
    await ctx.sleep(50);
    const a2 = asyncStop(ctx, p, 'shutdown');
    await ctx.sleep(400);
    ctx.t(`stop1 ${await a1}`);
    ctx.t(`stop2 ${await a2}`);
  },

  async stop_concurrent_same_reason(ctx) {
    const p = await startOk<unknown>(ctx, { terminate: slowTerminate(ctx, 300) }, 'none');
    const a1 = asyncStop(ctx, p);
    await ctx.sleep(50);
    const a2 = asyncStop(ctx, p);
    await ctx.sleep(400);
    ctx.t(`stop1 ${await a1}`);
    ctx.t(`stop2 ${await a2}`);
  },

  async call_while_terminating(ctx) {
    const w = await watcher(ctx, 'w');
    const p = await startOk<unknown>(
      ctx,
      {
        init(s) {
          ctx.name(selfPid(), 'srv');
          return Result.ok(s);
        },
        handleCall: (_ping, _from, s) => Result.reply('pong', s),
        terminate: slowTerminate(ctx, 300),
      },
      'none',
    );
    const a1 = asyncStop(ctx, p);
    await ctx.sleep(50);
    await watch(w, p);
    const a2 = asyncCall(ctx, p, 'ping');
    await ctx.sleep(400);
    ctx.t(`stop ${await a1}`);
    ctx.t(`call ${await a2}`);
    await flush(ctx, w);
  },

  async init_stop(ctx) {
    const r = await startOutcome(ctx, () =>
      startOk<unknown>(ctx, { init: () => Result.stop('bad', null), terminate: (r) => void ctx.t(`terminate ${ctx.s(r)}`) }, 'none'),
    );
    ctx.t(`start ${r}`);
  },

  async init_ignore(ctx) {
    const r = await startOutcome(ctx, () => startOk<unknown>(ctx, { init: () => Result.ignore(), terminate: (r) => void ctx.t(`terminate ${ctx.s(r)}`) }, 'none'));
    ctx.t(`start ${r}`);
  },

  async init_crash(ctx) {
    const r = await startOutcome(ctx, () =>
      startOk<unknown>(
        ctx,
        {
          init() {
            throw new Error('boom');
          },
          terminate: (r) => void ctx.t(`terminate ${ctx.s(r)}`),
        },
        'none',
      ),
    );
    ctx.t(`start ${r}`);
  },

  async init_timeout(ctx) {
    const r = await startOutcome(ctx, () =>
      startOk<unknown>(
        ctx,
        {
          init: (s) => Result.ok(s, { timeout: 100 }),
          handleInfo: (m, s) => {
            ctx.t(`info ${ctx.s(m)}`);
            return Result.noreply(s);
          },
        },
        'none',
      ),
    );
    ctx.t(`start ${r}`);
    await ctx.sleep(300);
  },

  async init_continue_chain(ctx) {
    const p = await startOk<unknown>(
      ctx,
      {
        init: (s) => Result.ok(s, { continue: 'one' }),
        handleContinue(c, s): NoticeResult<unknown> {
          if (c === 'one') {
            ctx.t('continue one');
            return Result.noreply(s, { continue: 'two' });
          }
          ctx.t('continue two');
          return Result.noreply(s);
        },
        handleInfo: (m, s) => {
          ctx.t(`info ${ctx.s(m)}`);
          return Result.noreply(s);
        },
      },
      'none',
    );
    send(p, 'hello');
    await ctx.sleep(100);
  },

  async continue_after_reply(ctx) {
    const p = await startOk<unknown>(
      ctx,
      {
        handleCall: (_go, _from, s) => {
          ctx.t('call go');
          return Result.reply('ok', s, { continue: 'c' });
        },
        handleContinue: (_c, s) => {
          ctx.t('continue c');
          return Result.noreply(s);
        },
        handleCast: (m, s) => {
          ctx.t(`cast ${ctx.s(m)}`);
          return Result.noreply(s);
        },
      },
      'none',
    );
    const r = await doCall(ctx, p, 'go');
    cast(p, 'probe');
    await ctx.sleep(100);
    ctx.t(`call ${r}`);
  },

  async continue_stop(ctx) {
    let pid: Pid | undefined;
    const r = startOutcome(ctx, async () => {
      pid = await startOk<unknown>(
        ctx,
        {
          init: (s) => Result.ok(s, { continue: 'quit' }),
          handleContinue: (_quit, s) => {
            ctx.t('continue quit');
            return Result.stop('normal', s);
          },
          terminate: (why) => void ctx.t(`terminate ${ctx.s(why)}`),
        },
        'none',
      );
    });
    await ctx.sleep(100);
    ctx.t(`start ${await r}`);
    ctx.t(`alive ${pid === undefined ? 'undefined' : isAlive(pid)}`);
  },

  async idle_timeout_reset(ctx) {
    const p = await startOk<unknown>(
      ctx,
      {
        handleCast: (_arm, s) => {
          ctx.t('cast arm');
          return Result.noreply(s, { timeout: 400 });
        },
        handleInfo: (m, s) => {
          if (ctx.s(m) === 'timeout') {
            ctx.t('info timeout');
            return Result.noreply(s);
          }
          ctx.t(`info ${ctx.s(m)}`);
          return Result.noreply(s, { timeout: 400 });
        },
      },
      'none',
    );
    cast(p, 'arm');
    await ctx.sleep(200);
    send(p, 'ping');
    await ctx.sleep(300);
    ctx.t('check at 500');
    await ctx.sleep(200);
    ctx.t('check at 700');
  },

  async idle_timeout_zero(ctx) {
    const p = await startOk<unknown>(
      ctx,
      {
        async handleCast(m, s) {
          if (m === 'block') {
            ctx.t('cast block');
            await pause(ctx, 100);
            return Result.noreply(s);
          }
          ctx.t(`cast ${ctx.s(m)}`);
          return Result.noreply(s, { timeout: 0 });
        },
        handleInfo: (m, s) => {
          ctx.t(`info ${ctx.s(m)}`);
          return Result.noreply(s);
        },
      },
      'none',
    );
    cast(p, 'block');
    cast(p, 'a');
    cast(p, 'b');
    await ctx.sleep(300);
  },

  async bad_return(ctx) {
    const w = await watcher(ctx, 'w');
    const p = await startOk<unknown>(
      ctx,
      {
        init(s) {
          ctx.name(selfPid(), 'srv');
          return Result.ok(s);
        },
        handleCast: () => 'weird' as unknown as NoticeResult<unknown>,
        terminate: (r) => void ctx.t(`terminate ${ctx.s(r)}`),
      },
      'none',
    );
    await watch(w, p);
    cast(p, 'weird');
    await ctx.sleep(100);
    await flush(ctx, w);
  },
};

// Small mirrors of Erlang built-ins used above.
function sendAfterSelf(message: unknown, ms: number): void {
  sendAfter(selfPid<AnyProtocol>(), message, ms);
}

function replyTo(from: unknown, value: unknown): void {
  reply(from as From<unknown>, value);
}
