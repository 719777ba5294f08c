// A server transaction as a process (RFC 3261 §17.2): it hosts the INVITE or non-INVITE server
// machine, hands the request to the core, sends the core's responses to the §18.2.2 target, and
// carries out the machine's actions. For a UAS's 2xx to an INVITE it can also run the §13.3.1.4
// retransmissions on the core's behalf. Once only the last timer is left (a non-INVITE in
// Completed, an INVITE in Confirmed, or in Accepted with no 2xx of its own to retransmit), it hands
// the transaction to the table and ends (hand-over.ts).
import createDebug from 'debug';
import { EmbeddedMachine, MachineTimeout, Result, cancelTimer, self, sendAfter, isNormalExit, type GenServer, type MachineAction, type NoticeResult, type TimerRef } from '@switchboard/actor';
import { createResponse } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { paramValue } from '../message/params.js';
import { serializeMessage } from '../message/serializer.js';
import { isReliable, type Destination } from '../transport/endpoint.js';
import type { SipTransportError } from '../transport/errors.js';
import { responseTarget } from '../transport/response-target.js';
import type { TransactionEnvironment } from './environment.js';
import { continueUntilDone, responseEvent } from './step.js';
import { TransactionAbortedError, TransactionTimeoutError } from './errors.js';
import { HandOver, canHold, holdAcceptedServer, holdCompletedServer, holdConfirmedServer, scheduleHandOver } from './hand-over.js';
import type { ServerTransaction } from './handles.js';
import { inviteServerMachine } from './invite-server.js';
import { AckForSuccess, AckReceived, CoreError, CoreRequest, Retransmission, TerminateTransaction, TransportFailed, TuResponse, type ServerTransactionProtocol } from './messages.js';
import { nonInviteServerMachine } from './non-invite-server.js';
import { TransactionTable } from './table.js';
import type { TransactionTimers } from './timers.js';

const log = createDebug('switchboard:sip:transaction');

export interface ServerTransactionArgs {
  readonly env: TransactionEnvironment;
  readonly handle: ServerTransaction;
  /** Answer at once with this instead of handing the request to the core (CANCEL: 200 or 481). */
  readonly answer?: SipResponse;
}

/** §13.3.1.4: a 2xx the transaction retransmits for its core until the ACK. */
class SuccessRetransmit {}

/**
 * A non-INVITE request still without a final answer when its client has given up (Timer F,
 * 64·T1, §17.1.2.2): the transaction ends, so a core that never answers cannot pile them up.
 */
class Unanswered {}

type AnyServerMachine = typeof inviteServerMachine | typeof nonInviteServerMachine;

interface State {
  readonly env: TransactionEnvironment;
  readonly handle: ServerTransaction;
  readonly invite: boolean;
  readonly timers: TransactionTimers;
  readonly target: Destination;
  machine: EmbeddedMachine<AnyServerMachine>;
  /** The last response sent, for retransmissions. */
  last: Buffer | null;
  /** A final response left for the held transaction to send (hand-over.ts). */
  unsent: Buffer | null;
  /** A HandOver is on its way to this process. */
  handingOver: boolean;
  /** When the INVITE's first 2xx went out (the machine entered Accepted and armed Timer L), ms. */
  acceptedAt: number;
  /** The core's response being handled. */
  current: SipResponse | null;
  currentAck: SipRequest | null;
  transportError: SipTransportError | null;
  success: { readonly bytes: Buffer; interval: number; timer: TimerRef | null; readonly ackKey: string } | null;
}

type Protocol = ServerTransactionProtocol;

export const ServerTransactionProcess: GenServer<State, Protocol, ServerTransactionArgs> = {
  behaviourName: 'sip_server_transaction',

  init({ env, handle, answer }) {
    const me = self<Protocol>();
    handle.pid = me;
    const invite = handle.request.method === 'INVITE';
    const timers = isReliable(handle.source.transport) ? env.reliableTimers : env.unreliableTimers;
    const state = {
      env,
      handle,
      invite,
      timers,
      target: responseTarget(handle.request.topVia!, handle.source),
      last: null,
      unsent: null,
      handingOver: false,
      acceptedAt: -1,
      current: null,
      currentAck: null,
      transportError: null,
      success: null,
    } as unknown as State;
    const onAction = (action: MachineAction): void => act(state, action);
    state.machine = invite
      ? (new EmbeddedMachine(inviteServerMachine, { input: { timers }, onAction, shareSnapshots: true }) as EmbeddedMachine<AnyServerMachine>)
      : (new EmbeddedMachine(nonInviteServerMachine, { input: { timers }, onAction, shareSnapshots: true }) as EmbeddedMachine<AnyServerMachine>);
    if (answer !== undefined) {
      respond(state, answer);
      prepareHandOver(state);
    } else {
      env.toCore(new CoreRequest(handle.request, handle));
      if (!invite) sendAfter(me, new Unanswered(), timers.F);
    }
    return Result.ok(state);
  },

  handleCast(message, state) {
    if (message instanceof TuResponse) {
      const sent = respond(state, message.response);
      if (sent && message.options.retransmitUntilAck === true && message.response.status >= 200 && message.response.status < 300) startSuccessRetransmit(state);
    } else if (message instanceof Retransmission) {
      state.machine.send({ type: 'request' });
    } else if (message instanceof AckReceived) {
      state.currentAck = message.request;
      state.machine.send({ type: 'ack' });
      state.currentAck = null;
    } else if (message instanceof AckForSuccess) {
      stopSuccessRetransmit(state);
    } else if (message instanceof TransportFailed) {
      state.transportError = message.error;
      state.machine.send({ type: 'transportError' });
    } else if (message instanceof TerminateTransaction) {
      return Result.stop('normal', state);
    }
    return settle(state);
  },

  handleInfo(message, state) {
    if (message instanceof HandOver) return handOver(state);
    if (message instanceof MachineTimeout) state.machine.deliver(message);
    else if (message instanceof SuccessRetransmit) onSuccessRetransmit(state);
    else if (message instanceof Unanswered) {
      const value = state.machine.value;
      if (value === 'trying' || value === 'proceeding') {
        log('%s server transaction %s: no final response within Timer F; ended', state.handle.method, state.handle.key);
        state.env.toCore(new CoreError(new TransactionTimeoutError('F', state.handle.method), state.handle));
        return Result.stop('normal', state);
      }
    } else if (message instanceof TransportFailed) {
      state.transportError = message.error;
      state.machine.send({ type: 'transportError' });
    }
    return settle(state);
  },

  terminate(reason, state) {
    const { env, handle } = state;
    // Ended before its HandOver (a terminate, a crash): the final response still goes out.
    if (state.unsent !== null) transmit(state, state.unsent);
    if (env.table.servers.get(handle.key) === handle) env.table.servers.delete(handle.key);
    if (state.success !== null) {
      // §13.3.1.4: the 2xx was retransmitted until the end and no ACK came.
      stopSuccessRetransmit(state);
      env.toCore(new CoreError(new TransactionTimeoutError('L', handle.method), handle));
    }
    state.machine.stop();
    if (!isNormalExit(reason)) env.toCore(new CoreError(new TransactionAbortedError(handle.method, reason), handle));
  },
};



/** Goes on (asking for a HandOver once the machine is where a held transaction can take over), or stops once done. */
function settle(state: State): NoticeResult<State> {
  prepareHandOver(state);
  return continueUntilDone(state);
}

/**
 * §17.2.2 Completed (Timer J), §17.2.1 Confirmed (Timer I) and RFC 6026's Accepted (Timer L) with
 * no 2xx to retransmit for the core (§13.3.1.4) are all a held transaction does.
 */
function prepareHandOver(state: State): void {
  if (state.handingOver || !holdable(state)) return;
  state.handingOver = true;
  scheduleHandOver();
}

function holdable(state: State): boolean {
  const { env, timers } = state;
  switch (state.machine.value) {
    case 'completed':
      return !state.invite && canHold(env, timers.J);
    case 'confirmed':
      return canHold(env, timers.I);
    case 'accepted':
      return state.success === null && canHold(env, timerLLeft(state));
    default:
      return false;
  }
}

/** What is left of Timer L, which the machine armed when it entered Accepted. */
function timerLLeft(state: State): number {
  return state.timers.L - (state.env.held.now() - state.acceptedAt);
}

/** The HandOver: the table holds the transaction from now on, and the process ends; or, if it cannot, goes on. */
function handOver(state: State): NoticeResult<State> {
  const { env, handle, timers } = state;
  const unsent = state.unsent;
  state.unsent = null;
  state.handingOver = false;
  // what came after the HandOver was asked for may have moved the machine on (or restarted a 2xx's retransmissions)
  let held = false;
  if (holdable(state)) {
    switch (state.machine.value) {
      case 'completed':
        held = holdCompletedServer(env, handle, state.last!, state.target, unsent, timers.J);
        break;
      case 'confirmed':
        held = holdConfirmedServer(env, handle, timers.I);
        break;
      case 'accepted':
        held = holdAcceptedServer(env, handle, state.target, timerLLeft(state));
        break;
    }
  }
  if (held) return Result.stop('normal', state);
  if (unsent !== null) transmit(state, unsent);
  return continueUntilDone(state);
}

/** Runs the core's response through the machine; true when it was sent (the state allowed it). */
function respond(state: State, response: SipResponse): boolean {
  const before = state.last;
  state.current = response;
  const status = response.status;
  state.machine.send(responseEvent(state.invite, status) as never);
  state.current = null;
  return state.last !== before;
}

function transmit(state: State, bytes: Buffer): void {
  const me = self<Protocol>();
  state.env.transports.send(state.target, bytes, (error) => sendAfter(me, new TransportFailed(error), 0));
}

function act(state: State, action: MachineAction): void {
  switch (action.type) {
    case 'send': {
      const response = state.current!;
      if (response.status >= 200) state.handle.toTag = paramValue(response.to?.params ?? [], 'tag') ?? undefined;
      if (state.invite && response.status < 300 && response.status >= 200 && state.acceptedAt < 0) state.acceptedAt = state.env.held.now();
      state.last = serializeMessage(response);
      // §17.2.2: a non-INVITE's final response leaves only Timer J; the held transaction sends it.
      if (!state.invite && response.status >= 200 && !state.handingOver && canHold(state.env, state.timers.J)) state.unsent = state.last;
      else transmit(state, state.last);
      return;
    }
    case 'resend':
      if (state.last !== null) transmit(state, state.last);
      return;
    case 'sendTrying':
      state.last = serializeMessage(createResponse(state.handle.request, 100));
      transmit(state, state.last);
      return;
    case 'passAckToCore':
      state.env.toCore(new CoreRequest<ServerTransaction>(state.currentAck!, null));
      return;
    case 'timeout':
      state.env.toCore(new CoreError(new TransactionTimeoutError('H', state.handle.method), state.handle));
      return;
    case 'transportError':
      state.env.toCore(new CoreError(state.transportError!, state.handle));
      return;
    case 'unexpected':
      log('%s server transaction %s: no transition in %o; ignored', state.handle.method, state.handle.key, state.machine.value);
      return;
  }
}

/** §13.3.1.4 for the 2xx just sent (the bytes `send` serialized, not a second copy). */
function startSuccessRetransmit(state: State): void {
  if (!state.timers.retransmit || state.success !== null || state.last === null) return;
  const request = state.handle.request;
  const ackKey = TransactionTable.ackKey(request.callId, request.cseq?.seq, paramValue(request.from?.params ?? [], 'tag'));
  state.success = { bytes: state.last, interval: state.timers.G, timer: sendAfter(self<Protocol>(), new SuccessRetransmit(), state.timers.G), ackKey };
  state.env.table.awaitingAck.set(ackKey, state.handle);
}

function onSuccessRetransmit(state: State): void {
  const success = state.success;
  if (success === null) return;
  transmit(state, success.bytes);
  success.interval = Math.min(success.interval * 2, state.timers.T2);
  success.timer = sendAfter(self<Protocol>(), new SuccessRetransmit(), success.interval);
}

function stopSuccessRetransmit(state: State): void {
  const success = state.success;
  if (success === null) return;
  if (success.timer !== null) cancelTimer(success.timer);
  if (state.env.table.awaitingAck.get(success.ackKey) === state.handle) state.env.table.awaitingAck.delete(success.ackKey);
  state.success = null;
}
