// The transport session: one process per connection that owns the socket (SMPPEX's
// TransportSession). It frames and decodes what arrives, enforces the bind states, answers
// enquire_link and unbind, numbers and tracks outgoing requests in a window with response
// deadlines, and calls the user's Session callbacks, which only ever return PDUs to send.
import type { Socket } from 'node:net';
import createDebug from 'debug';
import { EmbeddedMachine, MachineTimeout, Result, reply, self, send, sendAfter, type Clock, type ExitReason, type From, type GenServer, type Pid } from '@switchboard/actor';
import { CommandId, commandName, isResponseId, responseNameOf } from '../pdu/command-id.js';
import { CommandStatus } from '../pdu/command-status.js';
import { createGenericNack, createPdu, createResponse } from '../pdu/build.js';
import { decodePdu } from '../pdu/decode.js';
import { encodePdu } from '../pdu/encode.js';
import { FrameError, PduDecodeError } from '../pdu/errors.js';
import { PduFramer } from '../pdu/framer.js';
import type { Pdu } from '../pdu/types.js';
import { allows, bindStateMachine, boundStateOf, isBound, type BindEvent, type BindState } from './bind-state.js';
import { resolveSessionOptions, type ResolvedSessionOptions, type SessionOptions } from './options.js';
import { SessionReturn, type ConnectionInfo, type SendResult, type Session, type SessionCallResult, type SessionResult } from './session.js';
import { BindStateError, CommandStatusError, ResponseTimeoutError, SessionClosedError, WindowTimeoutError } from './errors.js';

const log = createDebug('switchboard:smpp:session');

/** Internal messages of the transport process. */
class SocketData {
  constructor(readonly chunk: Buffer) {}
}
class SocketEvent {
  constructor(
    readonly kind: 'close' | 'error' | 'drain',
    readonly error?: Error,
  ) {}
}
class Written {
  constructor(
    readonly pdu: Pdu,
    readonly error: Error | null | undefined,
  ) {}
}
class Tick {
  constructor(readonly kind: 'responses' | 'enquire_link' | 'inactivity' | 'pump') {}
}
/** `sendPdu` travels as a cast of this. */
export class SendPdu {
  constructor(readonly pdu: Pdu) {}
}
/** `requestPdu` travels as a call of this: the reply is the response (or why there is none). */
export class RequestPdu {
  constructor(readonly pdu: Pdu) {}
}
/** `closeSession`: unbind when bound (and stop on unbind_resp), else stop at once. */
export class GracefulClose {}
/** What a `RequestPdu` call is answered with. */
export type RequestOutcome = { readonly ok: true; readonly response: Pdu } | { readonly ok: false; readonly error: Error };
/** Asks the session for its counters. */
export class StatsRequest {}

/** What `sessionStats` returns. */
export interface SessionStats {
  readonly bindState: BindState;
  /** Requests sent and not answered. */
  readonly inFlight: number;
  /** Requests waiting for a window slot (or the throttle). */
  readonly waiting: number;
  readonly window: number;
  /** Bytes written and not yet taken by the kernel (the peer is slow to read when this grows). */
  readonly writeBuffered: number;
  /** Reading is paused: the process is busy or the write buffer is above the high-water mark. */
  readonly readPaused: boolean;
}

interface InFlight {
  readonly pdu: Pdu;
  readonly deadline: number;
  /** An automatic enquire_link: its timeout closes the session. */
  readonly enquireLink: boolean;
  /** A `requestPdu` caller waiting for the response (it then bypasses handleResp). */
  readonly from: From<RequestOutcome> | undefined;
}

interface Waiting {
  readonly pdu: Pdu;
  readonly since: number;
  readonly from: From<RequestOutcome> | undefined;
}

export interface TransportArgs<A> {
  readonly socket: Socket;
  readonly role: 'esme' | 'mc';
  readonly tls: boolean;
  readonly session: Session<unknown, A>;
  readonly args: A;
  readonly options: SessionOptions;
  readonly clock: Clock;
  /** A bind to send as soon as the session starts; a refused bind stops it with a CommandStatusError. */
  readonly bind?: Pdu;
}

interface State {
  readonly self: Pid;
  readonly socket: Socket;
  readonly role: 'esme' | 'mc';
  readonly session: Session<unknown, unknown>;
  user: unknown;
  readonly options: ResolvedSessionOptions;
  readonly clock: Clock;
  readonly framer: PduFramer;
  readonly bind: EmbeddedMachine<typeof bindStateMachine>;
  bindState: BindState;
  readonly inFlight: Map<number, InFlight>;
  readonly waiting: Waiting[];
  sequence: number;
  responsesArmed: boolean;
  pumpArmed: boolean;
  lastReceived: number;
  /** Send times of recent submits, for the throttle. */
  readonly recentSubmits: number[];
  /** Arrival times of recent incoming submits, for `incomingThrottle`. */
  readonly recentIncoming: number[];
  /** The sequence number of the automatic bind, while it is in flight. */
  autoBind: number | undefined;
  stopping: ExitReason | undefined;
  /** An automatic enquire_link is in flight (at most one). */
  enquireLinkPending: boolean;
  /** Bytes read from the socket and still in the mailbox. */
  unread: number;
}

/** Bytes read ahead into the mailbox before reading pauses. */
const READ_AHEAD = 64 * 1024;

const SUBMITS = new Set(['submit_sm', 'submit_multi', 'data_sm', 'broadcast_sm']);

function isRequest(pdu: Pdu): boolean {
  return pdu.command !== 'generic_nack' && !isResponseId(CommandId[pdu.command]);
}

/** The PDU answering `pdu` with `status`: its own response type, or generic_nack. */
export function refusal(pdu: Pdu, status: number): Pdu {
  return responseNameOf(pdu.command) !== undefined
    ? createResponse(pdu as never, { command_status: status } as never)
    : createGenericNack(pdu.sequence_number, status);
}

export const TransportSession: GenServer<State, { call: unknown; reply: unknown; cast: unknown; info: unknown }, TransportArgs<unknown>> = {
  behaviourName: 'smpp_session',

  async init(args) {
    const me = self();
    const options = resolveSessionOptions(args.options);
    const clock = args.clock;
    // Embedded: pure transitions inside this process; its session_init timer comes back through the mailbox.
    const bind = new EmbeddedMachine(bindStateMachine, { input: { sessionInitTime: options.sessionInitTime } });
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
      inFlight: new Map(),
      waiting: [],
      sequence: 0,
      responsesArmed: false,
      pumpArmed: false,
      lastReceived: clock.now(),
      recentSubmits: [],
      recentIncoming: [],
      autoBind: undefined,
      stopping: undefined,
      enquireLinkPending: false,
      unread: 0,
    };

    const socket = args.socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      // Flow control: past READ_AHEAD bytes waiting in the mailbox, reading waits for the process.
      state.unread += chunk.length;
      if (state.unread >= READ_AHEAD) socket.pause();
      send(me, new SocketData(chunk) as never);
    });
    socket.on('close', () => send(me, new SocketEvent('close') as never));
    socket.on('error', (error: Error) => send(me, new SocketEvent('error', error) as never));
    socket.on('drain', () => send(me, new SocketEvent('drain') as never));

    const connection: ConnectionInfo = { role: args.role, remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, tls: args.tls };
    const init = state.session.init ? await state.session.init(args.args, connection) : SessionReturn.init(args.args);
    if (init.type === 'stop') {
      socket.destroy();
      bind.stop();
      return Result.stop(init.reason, state);
    }
    state.user = init.state;
    if (options.enquireLinkInterval !== Infinity) sendAfter(me, new Tick('enquire_link') as never, options.enquireLinkInterval);
    if (options.inactivityTimeout !== Infinity) sendAfter(me, new Tick('inactivity') as never, options.inactivityTimeout);
    if (args.bind !== undefined) {
      const bindPdu = { ...args.bind }; // a restarted session reuses the spec's PDU: number a copy
      sendOut(state, bindPdu);
      state.autoBind = bindPdu.sequence_number;
    }
    return Result.ok(state);
  },

  async handleCast(message, state) {
    if (message instanceof SendPdu) return finish(state, sendOut(state, message.pdu));
    if (message instanceof GracefulClose) return finish(state, closeGracefully(state));
    if (state.session.handleCast === undefined) return Result.noreply(state);
    return finish(state, applyResult(state, await state.session.handleCast(message, state.user), 'handleCast'));
  },

  async handleCall(request, from, state) {
    if (request instanceof StatsRequest) {
      const stats: SessionStats = {
        bindState: state.bindState,
        inFlight: countInFlight(state),
        waiting: state.waiting.length,
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
    const result = (await state.session.handleCall(request, from as From<unknown>, state.user)) as SessionCallResult<unknown, unknown>;
    if (result.type === 'reply') {
      const stop = applyResult(state, SessionReturn.ok(result.state, result.pdus), 'handleCall');
      return stop === undefined ? Result.reply(result.reply, state) : Result.stopReply(stop, result.reply, state);
    }
    return finish(state, applyResult(state, result, 'handleCall'));
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
    const lost: Pdu[] = [];
    const closed = new SessionClosedError(reason);
    for (const entry of [...state.inFlight.values(), ...state.waiting]) {
      if ('enquireLink' in entry && entry.enquireLink) continue;
      lost.push(entry.pdu);
      if (entry.from !== undefined) reply(entry.from, { ok: false, error: closed });
    }
    state.inFlight.clear();
    state.waiting.length = 0;
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
async function handleOtherInfo(message: unknown, state: State): Promise<InfoResult> {
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
  if (message instanceof Tick) return finish(state, await onTick(state, message.kind));
  if (message instanceof SocketEvent) {
    if (message.kind === 'drain') {
      resumeReading(state);
      return Result.noreply(state);
    }
    if (state.stopping !== undefined) return Result.stop(state.stopping, state);
    const reason =
      message.kind === 'close'
        ? (state.session.handleSocketClosed?.(state.user) ?? 'socket_closed')
        : (state.session.handleSocketError?.(message.error!, state.user) ?? message.error!);
    return Result.stop(reason, state);
  }
  if (state.session.handleInfo === undefined) return Result.noreply(state);
  return finish(state, applyResult(state, await state.session.handleInfo(message, state.user), 'handleInfo'));
}

/** Moves the bind-state machine. */
function bindEvent(state: State, event: BindEvent): void {
  state.bind.send(event);
  state.bindState = state.bind.value as BindState;
}

/** Turns an optional stop reason into the callback result. */
type InfoResult = ReturnType<typeof Result.noreply<State>> | ReturnType<typeof Result.stop<State>>;

function finish(state: State, stop: ExitReason | undefined): InfoResult {
  return stop === undefined ? Result.noreply(state) : Result.stop(stop, state);
}

/** Requests in flight that count against the window (the automatic enquire_link does not). */
function countInFlight(state: State): number {
  return state.inFlight.size - (state.enquireLinkPending ? 1 : 0);
}

/** The sequence number after `current`: 1..0x7FFFFFFF, wrapping, skipping numbers still in flight. */
export function nextSequenceNumber(current: number, inFlight: { has(sequence: number): boolean }): number {
  let next = current >= 0x7fffffff ? 1 : current + 1;
  while (inFlight.has(next)) next = next >= 0x7fffffff ? 1 : next + 1;
  return next;
}

function nextSequence(state: State): number {
  return (state.sequence = nextSequenceNumber(state.sequence, state.inFlight));
}

/** Applies a callback's result: new state, PDUs to send; returns a stop reason, if any. */
function applyResult(state: State, result: SessionResult<unknown> | undefined, callback: string): ExitReason | undefined {
  if (typeof result !== 'object' || result === null || (result.type !== 'ok' && result.type !== 'stop') || !Array.isArray(result.pdus)) {
    throw new TypeError(`${callback} returned an invalid session result: ${String(result)}`);
  }
  state.user = result.state;
  let stop: ExitReason | undefined;
  for (const pdu of result.pdus) stop ??= sendOut(state, pdu);
  return result.type === 'stop' ? result.reason : stop;
}

function notifyResult(state: State, pdu: Pdu, error: Error, from?: From<RequestOutcome>): void {
  log('%s: %s not sent: %s', state.self, pdu.command, error.message);
  if (from !== undefined) {
    reply(from, { ok: false, error });
    return;
  }
  if (state.session.handleSendPduResult) state.user = state.session.handleSendPduResult(pdu, { ok: false, error }, state.user);
}

/** Sends a PDU: requests are numbered, windowed and tracked; responses go straight out. */
function sendOut(state: State, pdu: Pdu, from?: From<RequestOutcome>): ExitReason | undefined {
  if (isRequest(pdu)) {
    if (!allows(state.role, 'out', pdu.command, state.bindState) && !awaitsBind(state, pdu)) {
      notifyResult(state, pdu, new BindStateError(pdu.command, state.bindState), from);
      return undefined;
    }
    if (state.waiting.length > 0 || !hasSlot(state, pdu)) {
      state.waiting.push({ pdu, since: state.clock.now(), from });
      armPump(state);
      return undefined;
    }
    return transmitRequest(state, pdu, from);
  }
  if (pdu.command_status === CommandStatus.ESME_ROK) {
    const bound = boundStateOf(pdu.command);
    if (bound !== undefined) bindEvent(state, { type: 'bound', as: bound });
  }
  write(state, pdu);
  return undefined;
}

/** The automatic bind is in flight and `pdu` may be sent once it succeeds: it waits for it. */
function awaitsBind(state: State, pdu: Pdu): boolean {
  return state.autoBind !== undefined && state.bindState === 'OPEN' && allows(state.role, 'out', pdu.command, 'BOUND_TRX');
}

function hasSlot(state: State, pdu: Pdu): boolean {
  if (countInFlight(state) >= state.options.window) return false;
  if (state.options.throttle !== Infinity && SUBMITS.has(pdu.command)) {
    const horizon = state.clock.now() - 1000;
    while (state.recentSubmits.length > 0 && state.recentSubmits[0]! <= horizon) state.recentSubmits.shift();
    if (state.recentSubmits.length >= state.options.throttle) return false;
  }
  return true;
}

function transmitRequest(state: State, pdu: Pdu, from: From<RequestOutcome> | undefined): ExitReason | undefined {
  pdu.sequence_number = nextSequence(state);
  const now = state.clock.now();
  if (!write(state, pdu, from)) return undefined;
  state.inFlight.set(pdu.sequence_number, { pdu, deadline: now + state.options.responseTimeout, enquireLink: false, from });
  if (SUBMITS.has(pdu.command) && state.options.throttle !== Infinity) state.recentSubmits.push(now);
  if (pdu.command === 'unbind') bindEvent(state, { type: 'unbind' });
  armResponses(state);
  return undefined;
}

/** Encodes and writes; false (and a send result) when the PDU cannot be encoded. */
function write(state: State, pdu: Pdu, from?: From<RequestOutcome>): boolean {
  let bytes: Buffer;
  try {
    bytes = encodePdu(pdu);
  } catch (error) {
    notifyResult(state, pdu, error as Error, from);
    return false;
  }
  if (state.socket.destroyed) {
    notifyResult(state, pdu, new SessionClosedError(), from);
    return false;
  }
  if (from === undefined && state.session.handleSendPduResult) {
    const me = state.self;
    state.socket.write(bytes, (error) => send(me, new Written(pdu, error) as never));
  } else state.socket.write(bytes);
  return true;
}

function armResponses(state: State): void {
  if (state.responsesArmed) return;
  state.responsesArmed = true;
  sendAfter(state.self, new Tick('responses') as never, state.options.responseCheckInterval);
}

function armPump(state: State): void {
  if (state.pumpArmed) return;
  state.pumpArmed = true;
  sendAfter(state.self, new Tick('pump') as never, Math.min(state.options.responseCheckInterval, 100));
}

/** Sends waiting requests while there is room; fails those that waited too long. */
function pump(state: State): ExitReason | undefined {
  const now = state.clock.now();
  while (state.waiting.length > 0) {
    const next = state.waiting[0]!;
    if (now - next.since >= state.options.windowTimeout) {
      state.waiting.shift();
      notifyResult(state, next.pdu, new WindowTimeoutError(state.options.windowTimeout), next.from);
      continue;
    }
    if (!allows(state.role, 'out', next.pdu.command, state.bindState)) {
      if (awaitsBind(state, next.pdu)) break;
      state.waiting.shift();
      notifyResult(state, next.pdu, new BindStateError(next.pdu.command, state.bindState), next.from);
      continue;
    }
    if (!hasSlot(state, next.pdu)) break;
    state.waiting.shift();
    const stop = transmitRequest(state, next.pdu, next.from);
    if (stop !== undefined) return stop;
  }
  if (state.waiting.length > 0) armPump(state);
  return undefined;
}

async function onTick(state: State, kind: Tick['kind']): Promise<ExitReason | undefined> {
  const now = state.clock.now();
  switch (kind) {
    case 'pump':
      state.pumpArmed = false;
      return pump(state);
    case 'responses': {
      state.responsesArmed = false;
      const expired: Pdu[] = [];
      for (const [sequence, entry] of state.inFlight) {
        if (entry.deadline > now) continue;
        state.inFlight.delete(sequence);
        if (entry.enquireLink) {
          state.enquireLinkPending = false;
          return 'enquire_link_timeout';
        }
        if (entry.pdu.command === 'unbind') return 'unbind_timeout';
        if (sequence === state.autoBind) return new ResponseTimeoutError(entry.pdu.command);
        if (entry.from !== undefined) reply(entry.from, { ok: false, error: new ResponseTimeoutError(entry.pdu.command) });
        else expired.push(entry.pdu);
      }
      if (state.inFlight.size > 0) armResponses(state);
      if (expired.length === 0) return pump(state);
      log('%s: %d request(s) timed out', state.self, expired.length);
      const result = state.session.handleRespTimeout ? await state.session.handleRespTimeout(expired, state.user) : SessionReturn.ok(state.user);
      return applyResult(state, result, 'handleRespTimeout') ?? pump(state);
    }
    case 'enquire_link': {
      const idle = now - state.lastReceived;
      const interval = state.options.enquireLinkInterval;
      if (idle >= interval && !state.enquireLinkPending && state.bindState !== 'CLOSED' && state.bindState !== 'UNBOUND') {
        const pdu = createPdu('enquire_link', { sequence_number: nextSequence(state) });
        if (write(state, pdu)) {
          state.inFlight.set(pdu.sequence_number, { pdu, deadline: now + state.options.enquireLinkRespTimeout, enquireLink: true, from: undefined });
          state.enquireLinkPending = true;
          armResponses(state);
        }
      }
      sendAfter(state.self, new Tick('enquire_link') as never, idle >= interval ? interval : interval - idle);
      return undefined;
    }
    case 'inactivity': {
      const idle = now - state.lastReceived;
      if (idle >= state.options.inactivityTimeout) return 'inactivity_timeout';
      sendAfter(state.self, new Tick('inactivity') as never, state.options.inactivityTimeout - idle);
      return undefined;
    }
  }
}

/** A step's outcome: a stop reason or nothing, now — or later, when a callback returned a promise. */
type Step = ExitReason | undefined;
type MaybePromise<T> = T | PromiseLike<T>;

function isThenable<T>(value: MaybePromise<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Runs `next` on the outcome of `value`, synchronously when it is not a promise. */
function then<T>(value: MaybePromise<T>, next: (value: T) => MaybePromise<Step>): MaybePromise<Step> {
  return isThenable(value) ? value.then(next) : next(value);
}

function onData(state: State, chunk: Buffer): MaybePromise<Step> {
  state.unread -= chunk.length;
  const frames: Buffer[] = [];
  let frameError: FrameError | undefined;
  try {
    state.framer.push(chunk, (frame) => frames.push(frame));
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    frameError = error;
  }
  return onFrames(state, frames, 0, frameError);
}

function onFrames(state: State, frames: Buffer[], from: number, frameError: FrameError | undefined): MaybePromise<Step> {
  for (let i = from; i < frames.length; i++) {
    const stop = onFrame(state, frames[i]!);
    if (isThenable(stop)) return stop.then((reason) => reason ?? onFrames(state, frames, i + 1, frameError));
    if (stop !== undefined) return stop;
  }
  if (frameError !== undefined) {
    log('%s: broken frame: %s', state.self, frameError.message);
    write(state, createGenericNack(frameError.sequenceNumber ?? 0, CommandStatus.ESME_RINVCMDLEN));
    return frameError;
  }
  resumeReading(state);
  return undefined;
}

/** Reading goes on while the mailbox holds less than READ_AHEAD bytes and the write buffer is below the high-water mark. */
function resumeReading(state: State): void {
  const socket = state.socket;
  if (socket.writableLength >= state.options.highWaterMark) socket.pause();
  else if (state.unread < READ_AHEAD && socket.isPaused()) socket.resume();
}

function onFrame(state: State, frame: Buffer): MaybePromise<Step> {
  state.lastReceived = state.clock.now();
  let pdu: Pdu;
  try {
    pdu = decodePdu(frame);
  } catch (error) {
    if (!(error instanceof PduDecodeError)) throw error;
    log('%s: unparsed PDU: %s', state.self, error.message);
    if (state.session.handleUnparsedPdu) {
      return then(state.session.handleUnparsedPdu(Buffer.from(frame), error, state.user), (result) => applyResult(state, result, 'handleUnparsedPdu'));
    }
    const name = commandName(error.commandId);
    const responseName = name !== undefined && !isResponseId(error.commandId) ? responseNameOf(name) : undefined;
    const answer: Pdu | undefined = responseName !== undefined
      ? (createPdu(responseName, { sequence_number: error.sequenceNumber, command_status: error.commandStatus } as never) as Pdu)
      : isResponseId(error.commandId)
        ? undefined
        : createGenericNack(error.sequenceNumber, error.commandStatus);
    if (answer !== undefined) write(state, answer);
    return undefined;
  }
  if (log.enabled) log('%s: <- %s #%d status %d', state.self, pdu.command, pdu.sequence_number, pdu.command_status);
  return isRequest(pdu) ? onRequest(state, pdu) : onResponse(state, pdu);
}

function onResponse(state: State, resp: Pdu): MaybePromise<Step> {
  const entry = state.inFlight.get(resp.sequence_number);
  if (entry === undefined) {
    log('%s: dropped a response nobody waits for (late or unknown): %s #%d', state.self, resp.command, resp.sequence_number);
    return undefined;
  }
  state.inFlight.delete(resp.sequence_number);
  if (entry.enquireLink) {
    state.enquireLinkPending = false;
    return pump(state);
  }
  if (resp.command_status === CommandStatus.ESME_ROK) {
    const bound = boundStateOf(resp.command);
    if (bound !== undefined) bindEvent(state, { type: 'bound', as: bound });
  }
  if (resp.command === 'unbind_resp') bindEvent(state, { type: 'unbound' });
  if (state.autoBind === resp.sequence_number) {
    state.autoBind = undefined;
    if (resp.command_status !== CommandStatus.ESME_ROK) return new CommandStatusError(entry.pdu.command, resp.command_status, resp);
  }
  if (entry.from !== undefined) {
    reply(entry.from, { ok: true, response: resp });
    return resp.command === 'unbind_resp' ? 'normal' : pump(state);
  }
  const result = state.session.handleResp ? state.session.handleResp(resp, entry.pdu, state.user) : SessionReturn.ok(state.user);
  return then(result, (value) => {
    const stop = applyResult(state, value, 'handleResp');
    if (stop !== undefined) return stop;
    if (resp.command === 'unbind_resp') return 'normal';
    return pump(state);
  });
}

/** Unbinds a bound session (it stops on the unbind_resp, or when that times out); stops any other. */
function closeGracefully(state: State): ExitReason | undefined {
  if (!isBound(state.bindState)) return state.bindState === 'UNBOUND' ? undefined : 'shutdown';
  return sendOut(state, createPdu('unbind'));
}

/** True when an incoming submit exceeds the MC's `incomingThrottle` rate. */
function overIncomingRate(state: State, pdu: Pdu): boolean {
  const limit = state.options.incomingThrottle;
  if (limit === Infinity || !SUBMITS.has(pdu.command)) return false;
  const now = state.clock.now();
  while (state.recentIncoming.length > 0 && state.recentIncoming[0]! <= now - 1000) state.recentIncoming.shift();
  if (state.recentIncoming.length >= limit) return true;
  state.recentIncoming.push(now);
  return false;
}

function onRequest(state: State, pdu: Pdu): MaybePromise<Step> {
  if (pdu.command === 'enquire_link') {
    write(state, createResponse(pdu as never));
    return undefined;
  }
  if (!allows(state.role, 'in', pdu.command, state.bindState)) {
    const isBind = pdu.command.startsWith('bind_');
    write(state, refusal(pdu, isBind && isBound(state.bindState) ? CommandStatus.ESME_RALYBND : CommandStatus.ESME_RINVBNDSTS));
    return undefined;
  }
  if (overIncomingRate(state, pdu)) {
    log('%s: %s #%d throttled', state.self, pdu.command, pdu.sequence_number);
    write(state, refusal(pdu, CommandStatus.ESME_RTHROTTLED));
    return undefined;
  }
  if (pdu.command === 'unbind') {
    write(state, createResponse(pdu as never));
    bindEvent(state, { type: 'unbind' });
    state.stopping = 'normal';
    return 'normal';
  }
  if (pdu.command === 'outbind') bindEvent(state, { type: 'outbind' });
  if (state.session.handlePdu === undefined) {
    const answer = responseNameOf(pdu.command) !== undefined ? createResponse(pdu as never) : undefined;
    if (answer !== undefined) sendOut(state, answer);
    return undefined;
  }
  return then(state.session.handlePdu(pdu, state.user), (result) => applyResult(state, result, 'handlePdu'));
}
