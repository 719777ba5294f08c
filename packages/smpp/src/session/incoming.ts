// Receiving: bytes are framed and decoded; requests are checked against the bind state and
// answered or handed to handlePdu; responses are matched to their requests.
import createDebug from 'debug';
import { reply, type ExitReason } from '@switchboard/actor';
import { CommandStatus } from '../pdu/command-status.js';
import { createGenericNack, createPdu, createResponse } from '../pdu/build.js';
import { commandName, isResponseId, responseNameOf } from '../pdu/command-id.js';
import { decodePdu } from '../pdu/decode.js';
import { FrameError, PduDecodeError } from '../pdu/errors.js';
import type { Pdu } from '../pdu/types.js';
import { allows, boundStateOf, isBound } from './bind-state.js';
import { CommandStatusError } from './errors.js';
import { applyResult, pump, refusal, sendOut, write } from './outgoing.js';
import { SessionReturn } from './session.js';
import { READ_AHEAD, SUBMITS, bindEvent, isRequest, type State } from './state.js';

const log = createDebug('switchboard:smpp:session');

/** A step's outcome: a stop reason or nothing, now — or later, when a callback returned a promise. */
export type Step = ExitReason | undefined;
export type MaybePromise<T> = T | PromiseLike<T>;

export function isThenable<T>(value: MaybePromise<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Runs `next` on the outcome of `value`, synchronously when it is not a promise. */
function then<T>(value: MaybePromise<T>, next: (value: T) => MaybePromise<Step>): MaybePromise<Step> {
  return isThenable(value) ? value.then(next) : next(value);
}

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
export function resumeReading(state: State): void {
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
