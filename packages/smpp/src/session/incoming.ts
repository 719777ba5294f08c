// Receiving: bytes are framed and decoded; requests are checked against the bind state and
// answered or handed to handlePdu; responses are matched to their requests.
import createDebug from 'debug';
import { reply, runAs } from '@switchboard/actor';
import { CommandStatus } from '../pdu/command-status.js';
import { createGenericNack, createPdu, createResponse } from '../pdu/build.js';
import { commandName, isResponseId, responseNameOf } from '../pdu/command-id.js';
import { decodePdu } from '../pdu/decode.js';
import { FrameError, PduDecodeError } from '../pdu/errors.js';
import type { Pdu, PduOf } from '../pdu/types.js';
import type { BindGuard } from './bind-guard.js';
import { allows, boundStateOf, isBound } from './bind-state.js';
import { CommandStatusError } from './errors.js';
import { applyResult, pump, refusal, sendOut, write } from './outgoing.js';
import { SessionReturn } from './session.js';
import { SUBMITS, bindEvent, isRequest, type State } from './state.js';
import { updateReading } from './flow-control.js';
import { andThen, isThenable, type MaybePromise, type Step } from './maybe-promise.js';

const log = createDebug('switchboard:smpp:session');

export function onData(state: State, chunk: Buffer): MaybePromise<Step> {
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
    // the next frames' callbacks run as the session (its awaits are not tracked: see transport.ts)
    if (isThenable(stop)) return stop.then((reason) => reason ?? runAs(state.self, () => onFrames(state, frames, i + 1, frameError)));
    if (stop !== undefined) return stop;
  }
  if (frameError !== undefined) {
    log('%s: broken frame: %s', state.self, frameError.message);
    write(state, createGenericNack(frameError.sequenceNumber ?? 0, CommandStatus.ESME_RINVCMDLEN));
    return frameError;
  }
  updateReading(state);
  return undefined;
}

function onFrame(state: State, frame: Buffer): MaybePromise<Step> {
  state.lastReceived = Math.floor(state.clock.now()); // whole milliseconds: a small integer to V8, not a heap number
  let pdu: Pdu;
  try {
    pdu = decodePdu(frame);
  } catch (error) {
    if (!(error instanceof PduDecodeError)) throw error;
    log('%s: unparsed PDU: %s', state.self, error.message);
    if (error.field === 'sequence_number') {
      // SMPP v3.4 §3.2: sequence_number is 0x00000001..0x7FFFFFFF. A request outside that range
      // cannot be answered with its own response (which would repeat the bad number); the header is
      // invalid, so it gets generic_nack (§4.3) echoing the number as received. Responses with such
      // numbers match nothing we sent: dropped.
      if (!isResponseId(error.commandId)) write(state, createGenericNack(error.sequenceNumber, error.commandStatus));
      return undefined;
    }
    if (state.session.handleUnparsedPdu) {
      return andThen(state.session.handleUnparsedPdu(Buffer.from(frame), error, state.user), (result) => applyResult(state, result, 'handleUnparsedPdu'));
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
  return andThen(result, (value) => {
    const stop = applyResult(state, value, 'handleResp');
    if (stop !== undefined) return stop;
    if (resp.command === 'unbind_resp') return 'normal';
    return pump(state);
  });
}

/** True when an incoming submit exceeds the MC's `incomingThrottle` rate. */
function overIncomingRate(state: State, pdu: Pdu): boolean {
  const recent = state.recentIncoming;
  if (recent === null || !SUBMITS.has(pdu.command)) return false;
  const now = state.clock.now();
  while (recent.length > 0 && recent.peek()! <= now - 1000) recent.shift();
  if (recent.length >= state.options.incomingThrottle) return true;
  recent.push(now);
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
  if (state.bindGuard !== undefined && state.role === 'mc' && isBindRequest(pdu)) return guardedBind(state, pdu, state.bindGuard);
  if (state.session.handlePdu === undefined) {
    const answer = responseNameOf(pdu.command) !== undefined ? createResponse(pdu as never) : undefined;
    if (answer !== undefined) sendOut(state, answer);
    return undefined;
  }
  return andThen(state.session.handlePdu(pdu, state.user), (result) => applyResult(state, result, 'handlePdu'));
}

type BindRequest = PduOf<'bind_transmitter'> | PduOf<'bind_receiver'> | PduOf<'bind_transceiver'>;

function isBindRequest(pdu: Pdu): pdu is BindRequest {
  return pdu.command === 'bind_transmitter' || pdu.command === 'bind_receiver' || pdu.command === 'bind_transceiver';
}

/** Waits `ms` on the session's clock. */
function pauseFor(state: State, ms: number): Promise<void> {
  return new Promise((resolve) => state.clock.setTimeout(resolve, ms));
}

/**
 * A bind under the MC's guard. A locked-out system_id or address is refused with ESME_RBINDFAIL
 * without reaching handlePdu; a bind the session refuses is answered late. The session process
 * waits meanwhile: nothing more is read from this peer (its mailbox fills, reading pauses), so
 * pipelined guesses are answered one delay at a time.
 */
function guardedBind(state: State, pdu: BindRequest, guard: BindGuard): MaybePromise<Step> {
  const address = state.socket.remoteAddress;
  if (guard.check(pdu.system_id, address).locked) {
    const wait = guard.failed(pdu.system_id, address);
    log('%s: %s as %s from %s refused: locked out', state.self, pdu.command, pdu.system_id, address);
    return pauseFor(state, wait).then(() => {
      write(state, refusal(pdu, CommandStatus.ESME_RBINDFAIL));
      return undefined;
    });
  }
  const handled = state.session.handlePdu === undefined ? SessionReturn.ok(state.user, [createResponse(pdu)]) : state.session.handlePdu(pdu, state.user);
  return andThen(handled, (result) => {
    const answer = Array.isArray(result?.pdus) ? result.pdus.find((p) => p.command === `${pdu.command}_resp` && p.sequence_number === pdu.sequence_number) : undefined;
    if (answer === undefined || answer.command_status === CommandStatus.ESME_ROK) {
      if (answer !== undefined) guard.succeeded(pdu.system_id);
      return applyResult(state, result, 'handlePdu');
    }
    const wait = guard.failed(pdu.system_id, address);
    return pauseFor(state, wait).then(() => applyResult(state, result, 'handlePdu'));
  });
}
