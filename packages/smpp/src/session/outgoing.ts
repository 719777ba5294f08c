// Sending: requests are numbered, held to the window and the throttle, tracked for their
// responses; responses go straight out; callbacks' results are applied here.
import type { Socket } from 'node:net';
import createDebug from 'debug';
import { cancelTimer, reply, send, sendAfter, type ExitReason, type From } from '@switchboard/actor';
import { CommandStatus } from '../pdu/command-status.js';
import { createGenericNack, createPdu, createResponse } from '../pdu/build.js';
import { responseNameOf } from '../pdu/command-id.js';
import { encodePdu } from '../pdu/encode.js';
import type { Pdu } from '../pdu/types.js';
import { allows, boundStateOf, isBound } from './bind-state.js';
import { BindStateError, QueueFullError, SessionClosedError, WindowTimeoutError } from './errors.js';
import { updateReading } from './flow-control.js';
import { TICKS, Written, type RequestOutcome } from './messages.js';
import type { SessionResult } from './session.js';
import { SUBMITS, bindEvent, countInFlight, isRequest, nextSequence, queueRequest, type State } from './state.js';

const log = createDebug('switchboard:smpp:session');

/** The PDU answering `pdu` with `status`: its own response type, or generic_nack. */
export function refusal(pdu: Pdu, status: number): Pdu {
  return responseNameOf(pdu.command) !== undefined
    ? createResponse(pdu as never, { command_status: status } as never)
    : createGenericNack(pdu.sequence_number, status);
}

/** Applies a callback's result: new state, PDUs to send; returns a stop reason, if any. */
export function applyResult(state: State, result: SessionResult<unknown> | undefined, callback: string): ExitReason | undefined {
  if (typeof result !== 'object' || result === null || (result.type !== 'ok' && result.type !== 'stop') || !Array.isArray(result.pdus)) {
    throw new TypeError(`${callback} returned an invalid session result: ${String(result)}`);
  }
  state.user = result.state;
  let stop: ExitReason | undefined;
  for (const pdu of result.pdus) stop ??= sendOut(state, pdu);
  return result.type === 'stop' ? result.reason : stop;
}

export function notifyResult(state: State, pdu: Pdu, error: Error, from?: From<RequestOutcome>): void {
  log('%s: %s not sent: %s', state.self, pdu.command, error.message);
  if (from !== undefined) {
    reply(from, { ok: false, error });
    return;
  }
  if (state.session.handleSendPduResult) state.user = state.session.handleSendPduResult(pdu, { ok: false, error }, state.user);
}

/** Sends a PDU: requests are numbered, windowed and tracked; responses go straight out. */
export function sendOut(state: State, pdu: Pdu, from?: From<RequestOutcome>): ExitReason | undefined {
  if (isRequest(pdu)) {
    if (!allows(state.role, 'out', pdu.command, state.bindState) && !awaitsBind(state, pdu)) {
      notifyResult(state, pdu, new BindStateError(pdu.command, state.bindState), from);
      return undefined;
    }
    if (state.waiting.length > 0 || !hasSlot(state, pdu)) {
      // Bounded: a peer that neither reads nor answers must not grow our memory. Reading goes on
      // (flow-control.ts): the responses it brings are what drain the queue.
      if (state.waiting.length >= state.options.maxQueued) {
        notifyResult(state, pdu, new QueueFullError(pdu.command, state.options.maxQueued), from);
        return undefined;
      }
      queueRequest(state, { pdu, since: state.clock.now(), from });
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
export function awaitsBind(state: State, pdu: Pdu): boolean {
  return state.autoBind !== undefined && state.bindState === 'OPEN' && allows(state.role, 'out', pdu.command, 'BOUND_TRX');
}

export function hasSlot(state: State, pdu: Pdu): boolean {
  if (countInFlight(state) >= state.options.window) return false;
  // A peer that does not read gets no more requests written: they wait (bounded) instead.
  if (state.socket.writableLength >= state.options.highWaterMark) return false;
  const recent = state.recentSubmits;
  if (recent !== null && SUBMITS.has(pdu.command)) {
    const horizon = state.clock.now() - 1000;
    while (recent.length > 0 && recent.peek()! <= horizon) recent.shift();
    if (recent.length >= state.options.throttle) return false;
  }
  return true;
}

export function transmitRequest(state: State, pdu: Pdu, from: From<RequestOutcome> | undefined): ExitReason | undefined {
  pdu.sequence_number = nextSequence(state);
  const now = state.clock.now();
  if (!write(state, pdu, from)) return undefined;
  // whole milliseconds, rounded up: V8 keeps a small integer in the entry, not a heap number
  state.inFlight.set(pdu.sequence_number, { pdu, deadline: Math.ceil(now + state.options.responseTimeout), enquireLink: false, from });
  if (state.recentSubmits !== null && SUBMITS.has(pdu.command)) state.recentSubmits.push(now);
  if (pdu.command === 'unbind') bindEvent(state, { type: 'unbind' });
  armResponses(state);
  return undefined;
}

/** Encodes and writes; false (and a send result) when the PDU cannot be encoded. */
export function write(state: State, pdu: Pdu, from?: From<RequestOutcome>): boolean {
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
  const socket = state.socket;
  if (from === undefined && state.session.handleSendPduResult) {
    const me = state.self;
    socket.write(bytes, (error) => send(me, new Written(pdu, error) as never));
  } else socket.write(bytes);
  // the turn's first PDU has left; the rest of the turn's go together (see uncork)
  if (socket.writableCorked === 0) {
    socket.cork();
    process.nextTick(uncork, socket);
  }
  return true;
}

/**
 * Ends the cork put on the socket after the turn's first write. That first PDU leaves at once, so
 * the peer can start on it while this side goes on; the PDUs written after it in the same turn of
 * the event loop (the rest of a window's responses to one read, the rest of a burst of submits)
 * leave together in one writev instead of a write each: a socket write costs the writer tens of
 * microseconds of system time on a VM, and the reader a wake-up per write. The tick runs once the
 * turn's microtasks (every process's work) are done, so nothing waits for a later turn.
 *
 * Corking from the turn's first write saved a little more CPU (a gateway node at 3,000 MESSAGE/s:
 * 232 µs per MESSAGE against 245), but on two idle cores it held each side's first PDU back until
 * the other had finished its turn: window 10 over loopback made 54 k submits a second against
 * 79–83 k with the first PDU sent at once (or with no cork at all).
 */
function uncork(socket: Socket): void {
  socket.uncork();
}

/**
 * Arms the response timer for the earliest deadline in flight, so each request times out at its
 * deadline, not at the next periodic check (SMPPEX checks every 100 ms; a timer per deadline is
 * exact and costs less). Requests enter `inFlight` in send order with one responseTimeout, so the
 * first one that is not the automatic enquire_link holds the earliest request deadline (the
 * enquire_link's own deadline is watched by the enquire_link timer). A timer already armed for an
 * earlier or equal time is kept.
 */
export function armResponses(state: State): void {
  let next = Infinity;
  for (const entry of state.inFlight.values()) {
    if (entry.enquireLink) continue;
    next = entry.deadline;
    break;
  }
  if (next === Infinity) return;
  if (state.responsesAt !== null && state.responsesAt <= next) return;
  if (state.responsesTimer !== null) cancelTimer(state.responsesTimer);
  state.responsesAt = next;
  state.responsesTimer = sendAfter(state.self, TICKS.responses as never, Math.max(0, next - state.clock.now()));
}

export function armPump(state: State): void {
  if (state.pumpArmed) return;
  state.pumpArmed = true;
  sendAfter(state.self, TICKS.pump as never, Math.min(state.options.responseCheckInterval, 100));
}

/** Sends waiting requests while there is room; fails those that waited too long. O(1) per request. */
export function pump(state: State): ExitReason | undefined {
  const stop = pumpQueue(state);
  updateReading(state);
  return stop;
}

function pumpQueue(state: State): ExitReason | undefined {
  const now = state.clock.now();
  while (state.waiting.length > 0) {
    const next = state.waiting.peek()!;
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

/** Unbinds a bound session (it stops on the unbind_resp, or when that times out); stops any other. */
export function closeGracefully(state: State): ExitReason | undefined {
  if (!isBound(state.bindState)) return state.bindState === 'UNBOUND' ? undefined : 'shutdown';
  // A peer that has filled our queue would never see the unbind: stop at once.
  if (state.waiting.length >= state.options.maxQueued) return 'shutdown';
  return sendOut(state, createPdu('unbind'));
}
