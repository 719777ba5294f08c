// The transport session: one process per connection that owns the socket (SMPPEX's
// TransportSession). This module is the process itself — start, the messages it handles, the end;
// receiving is in incoming.ts, sending and the window in outgoing.ts, timers in ticks.ts. The
// user's Session callbacks only ever return PDUs to send.
import createDebug from 'debug';
import { EmbeddedMachine, MachineTimeout, Result, RingQueue, onExit, reply, runAs, self, sendAfter, trackAwaits, type ExitReason, type From, type GenServer } from '@switchboard/actor';
import { encodePdu } from '../pdu/encode.js';
import { PduFramer } from '../pdu/framer.js';
import type { Pdu } from '../pdu/types.js';
import { bindStateMachine, type BindState } from './bind-state.js';
import { PeerStalledError, SessionClosedError } from './errors.js';
import { InFlightTable } from './in-flight.js';
import { onData } from './incoming.js';
import { andThen, isThenable, type MaybePromise } from './maybe-promise.js';
import { stalledTooLong } from './flow-control.js';
import { GracefulClose, RequestPdu, SendPdu, SocketData, SocketEvent, StatsRequest, Tick, TICKS, Written, type RequestOutcome, type SessionStats } from './messages.js';
import { resolveSessionOptions } from './options.js';
import { applyResult, closeGracefully, pump, sendOut } from './outgoing.js';
import { SessionReturn, type ConnectionInfo, type SendResult, type Session, type SessionCallResult, type SessionInitResult } from './session.js';
import { NO_WAITING, countInFlight, isRequest, nextSequence, type State, type TransportArgs } from './state.js';
import { listenTo } from './socket-listeners.js';
import { onTick } from './ticks.js';

const log = createDebug('switchboard:smpp:session');

/** A session's ExitHandler: the socket is closed here unless terminate has closed it. */
function closeSocketOnExit(this: State): void {
  if (!this.terminated && !this.socket.destroyed) this.socket.destroy();
}

export const TransportSession: GenServer<State, { call: unknown; reply: unknown; cast: unknown; info: unknown }, TransportArgs<unknown>> = {
  behaviourName: 'smpp_session',

  // No await of its own needs tracking (GenServer.tracksAwaits): what it does after a user
  // callback's promise names its pid, and the next frames' callbacks run through runAs. The user's
  // own async callbacks do need it: init turns it on when the Session has one.
  tracksAwaits: false,

  init(args) {
    const me = self();
    const options = resolveSessionOptions(args.options);
    const clock = args.clock;
    // Embedded: pure transitions inside this process; its session_init timer comes back through the mailbox.
    const bind = new EmbeddedMachine(bindStateMachine, { input: { sessionInitTime: options.sessionInitTime }, shareSnapshots: true });
    const state: State = {
      self: me,
      socket: args.socket,
      role: args.role,
      session: args.session as Session<unknown, unknown>,
      user: undefined,
      options,
      clock,
      framer: new PduFramer({ maxCommandLength: options.maxCommandLength }),
      bind,
      bindState: 'OPEN',
      inFlight: new InFlightTable(),
      waiting: NO_WAITING, // most sessions never queue: their own queue comes with the first
      sequence: 0,
      responsesAt: null,
      responsesTimer: null,
      pumpArmed: false,
      lastReceived: Math.floor(clock.now()),
      recentSubmits: options.throttle === Infinity ? null : new RingQueue(),
      recentIncoming: options.incomingThrottle === Infinity ? null : new RingQueue(),
      autoBind: undefined,
      stopping: undefined,
      enquireLinkPending: false,
      enquireLinkDeadline: 0,
      unread: 0,
      stalledSince: undefined,
      stallArmed: false,
      terminated: false,
      bindGuard: args.role === 'mc' ? args.bindGuard : undefined,
      processExited: closeSocketOnExit,
    };

    const socket = args.socket;
    socket.setNoDelay(true);
    // A session killed without terminate (a supervisor's shutdown signal, a kill) still owns its
    // socket: close it, or the connection — and the MC's server.close — would wait forever.
    // (Not through abortSignal() and adopt(): an AbortController and four bound listeners cost
    // 11 kB per session, measured with 1,000 bound sessions: 18.9 kB against 7.6 kB; nor through
    // exited(me).then(): its two promises, with their async ids, cost about 500 bytes more; nor
    // through a closure: the state is the handler, with one shared method, ~100 bytes less.)
    onExit(me, state);
    listenTo(socket, state);
    if (hasAsyncCallback(state.session)) trackAwaits();

    const connection: ConnectionInfo = { role: args.role, remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, tls: args.tls };
    if (state.session.init === undefined) return started(state, SessionReturn.init(args.args), args);
    const init = state.session.init(args.args, connection);
    return isThenable(init) ? init.then((value) => runAs(me, () => started(state, value, args))) : started(state, init, args);
  },

  // handleCast, handleCall and handleInfo return a promise only when the user's callback does:
  // sends, requests and timer ticks are answered in the same turn (see maybe-promise.ts).
  handleCast(message, state) {
    if (message instanceof SendPdu) return finish(state, sendOut(state, message.pdu));
    if (message instanceof GracefulClose) return finish(state, closeGracefully(state));
    if (state.session.handleCast === undefined) return Result.noreply(state);
    return andThen(state.session.handleCast(message, state.user), (result) => finish(state, applyResult(state, result, 'handleCast')));
  },

  handleCall(request, from, state) {
    if (request instanceof StatsRequest) {
      const stats: SessionStats = {
        bindState: state.bindState,
        inFlight: countInFlight(state),
        waiting: state.waiting.length,
        maxQueued: state.options.maxQueued,
        window: state.options.window,
        writeBuffered: state.socket.writableLength,
        readPaused: state.socket.isPaused(),
      };
      return Result.reply(stats, state);
    }
    if (request instanceof RequestPdu) {
      if (!isRequest(request.pdu)) return Result.reply<State, RequestOutcome>({ ok: false, error: new TypeError(`${request.pdu.command} is not a request`) }, state);
      return finish(state, sendOut(state, request.pdu, from as From<RequestOutcome>));
    }
    if (state.session.handleCall === undefined) throw new TypeError('this session has no handleCall');
    return andThen(state.session.handleCall(request, from as From<unknown>, state.user) as MaybePromise<SessionCallResult<unknown, unknown>>, (result) => {
      if (result.type === 'reply') {
        const stop = applyResult(state, SessionReturn.ok(result.state, result.pdus), 'handleCall');
        return stop === undefined ? Result.reply(result.reply, state) : Result.stopReply(stop, result.reply, state);
      }
      return finish(state, applyResult(state, result, 'handleCall'));
    });
  },

  handleInfo(message, state) {
    if (message instanceof SocketData) {
      // The hot path stays synchronous unless a callback returns a promise.
      const stop = onData(state, message.chunk);
      return isThenable(stop) ? stop.then((reason) => finish(state, reason)) : finish(state, stop);
    }
    return handleOtherInfo(message, state);
  },

  terminate(reason, state) {
    state.terminated = true;
    const lost: Pdu[] = [];
    const closed = new SessionClosedError(reason);
    for (const entry of [...state.inFlight.values(), ...state.waiting]) {
      if ('enquireLink' in entry && entry.enquireLink) continue;
      lost.push(entry.pdu);
      if (entry.from !== undefined) reply(entry.from, { ok: false, error: closed });
    }
    state.inFlight.clear();
    state.waiting.clear();
    let last: readonly Pdu[] | void = undefined;
    try {
      last = state.session.terminate?.(reason, lost, state.user);
    } catch (error) {
      log('%s: terminate threw: %O', state.self, error);
    }
    const socket = state.socket;
    if (!socket.destroyed) {
      for (const pdu of last ?? []) {
        if (isRequest(pdu)) pdu.sequence_number = nextSequence(state);
        try {
          socket.write(encodePdu(pdu));
        } catch (error) {
          log('%s: a last PDU could not be encoded: %O', state.self, error);
        }
      }
      // Flush what is queued, then close both directions: nothing is read after terminate.
      socket.end(() => socket.destroy());
      socket.setTimeout(5000, () => socket.destroy());
    }
    state.bind.stop();
    log('%s: session ended: %O', state.self, reason);
  },
};

/** Every info message but socket data: writes done, timers, socket events, the user's own. */
function handleOtherInfo(message: unknown, state: State): MaybePromise<InfoResult> {
  if (message instanceof Written) {
    if (state.session.handleSendPduResult) {
      const result: SendResult = message.error ? { ok: false, error: message.error } : { ok: true };
      state.user = state.session.handleSendPduResult(message.pdu, result, state.user);
    }
    return Result.noreply(state);
  }
  if (message instanceof MachineTimeout) {
    if (state.bind.deliver(message)) state.bindState = state.bind.value as BindState;
    if (state.bindState === 'CLOSED' && state.stopping === undefined) return Result.stop('session_init_timeout', state);
    return Result.noreply(state);
  }
  if (message instanceof Tick) {
    if (message.kind === 'stall') {
      if (!stalledTooLong(state)) return Result.noreply(state);
      const error = new PeerStalledError(state.options.stallTimeout, state.socket.writableLength, state.waiting.length);
      log('%s: %s', state.self, error.message);
      return Result.stop(error, state);
    }
    return andThen(onTick(state, message.kind), (stop) => finish(state, stop));
  }
  if (message instanceof SocketEvent) {
    if (message.kind === 'drain') {
      // Room again: queued requests go out, then reading resumes if nothing else holds it.
      return finish(state, pump(state));
    }
    if (state.stopping !== undefined) return Result.stop(state.stopping, state);
    const reason =
      message.kind === 'close'
        ? (state.session.handleSocketClosed?.(state.user) ?? 'socket_closed')
        : (state.session.handleSocketError?.(message.error!, state.user) ?? message.error!);
    return Result.stop(reason, state);
  }
  if (state.session.handleInfo === undefined) return Result.noreply(state);
  return andThen(state.session.handleInfo(message, state.user), (result) => finish(state, applyResult(state, result, 'handleInfo')));
}

/** The user's init has answered: the session runs (timers armed, an ESME's bind sent) or stops. */
function started(state: State, init: SessionInitResult<unknown>, args: TransportArgs<unknown>): ReturnType<typeof Result.ok<State>> | ReturnType<typeof Result.stop<State>> {
  if (init.type === 'stop') {
    state.socket.destroy();
    state.bind.stop();
    return Result.stop(init.reason, state);
  }
  state.user = init.state;
  const options = state.options;
  if (options.enquireLinkInterval !== Infinity) sendAfter(state.self, TICKS.enquire_link as never, options.enquireLinkInterval);
  if (options.inactivityTimeout !== Infinity) sendAfter(state.self, TICKS.inactivity as never, options.inactivityTimeout);
  if (args.bind !== undefined) {
    const bindPdu = { ...args.bind }; // a restarted session reuses the spec's PDU: number a copy
    sendOut(state, bindPdu);
    state.autoBind = bindPdu.sequence_number;
  }
  return Result.ok(state);
}

const AsyncFunction = (async () => {}).constructor;
/** The Session callbacks that may return a promise. */
const AWAITABLE = ['init', 'handlePdu', 'handleResp', 'handleRespTimeout', 'handleUnparsedPdu', 'handleCall', 'handleCast', 'handleInfo'] as const;

/** Whether a Session callback is an `async` function: its awaits need tracking for `self()` to work after them. */
function hasAsyncCallback(session: Session<unknown, unknown>): boolean {
  return AWAITABLE.some((name) => session[name] instanceof AsyncFunction);
}

/** Turns an optional stop reason into the callback result. */
type InfoResult = ReturnType<typeof Result.noreply<State>> | ReturnType<typeof Result.stop<State>>;

function finish(state: State, stop: ExitReason | undefined): InfoResult {
  return stop === undefined ? Result.noreply(state) : Result.stop(stop, state);
}
