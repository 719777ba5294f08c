// A client transaction as a process (RFC 3261 §17.1): it sends the request, hosts the INVITE or
// non-INVITE client machine, hands responses to the core, ACKs non-2xx final responses, and
// reports timeouts and transport errors through the core's receiveError. In Completed only Timer K
// or D is left: it hands the transaction to the table and ends (hand-over.ts).
import createDebug from 'debug';
import { EmbeddedMachine, MachineTimeout, Result, self, sendAfter, isNormalExit, type GenServer, type MachineAction, type NoticeResult } from '@switchboard/actor';
import type { SipResponse } from '../message/message.js';
import { serializeMessage } from '../message/serializer.js';
import { isReliable } from '../transport/endpoint.js';
import type { SipTransportError } from '../transport/errors.js';
import { ackForFailure } from './ack.js';
import type { TransactionEnvironment } from './environment.js';
import { continueUntilDone, responseEvent } from './step.js';
import { TransactionAbortedError, TransactionTimeoutError } from './errors.js';
import { HandOver, canHold, holdCompletedClient, scheduleHandOver } from './hand-over.js';
import type { ClientTransaction } from './handles.js';
import { inviteClientMachine } from './invite-client.js';
import { CoreError, CoreResponse, ResponseReceived, TerminateTransaction, TransportFailed, type ClientTransactionProtocol } from './messages.js';
import { nonInviteClientMachine } from './non-invite-client.js';
import type { TransactionTimers } from './timers.js';

const log = createDebug('switchboard:sip:transaction');

export interface ClientTransactionArgs {
  readonly env: TransactionEnvironment;
  readonly handle: ClientTransaction;
  /** The request as serialized (the size check that picked the transport made it already). */
  readonly bytes: Buffer;
}

type AnyClientMachine = typeof inviteClientMachine | typeof nonInviteClientMachine;

interface State {
  readonly env: TransactionEnvironment;
  readonly handle: ClientTransaction;
  readonly bytes: Buffer;
  readonly invite: boolean;
  readonly timers: TransactionTimers;
  machine: EmbeddedMachine<AnyClientMachine>;
  current: SipResponse | null;
  transportError: SipTransportError | null;
  ackBytes: Buffer | null;
  /** The first ACK of a non-2xx final, left for the held transaction to send (hand-over.ts). */
  unsent: Buffer | null;
  /** A HandOver is on its way to this process. */
  handingOver: boolean;
}

type Protocol = ClientTransactionProtocol;

export const ClientTransactionProcess: GenServer<State, Protocol, ClientTransactionArgs> = {
  behaviourName: 'sip_client_transaction',

  init({ env, handle, bytes }) {
    handle.pid = self<Protocol>();
    const timers = isReliable(handle.destination.transport) ? env.reliableTimers : env.unreliableTimers;
    const invite = handle.request.method === 'INVITE';
    const state = { env, handle, bytes, invite, timers, current: null, transportError: null, ackBytes: null, unsent: null, handingOver: false } as unknown as State;
    const onAction = (action: MachineAction): void => act(state, action);
    state.machine =
      invite
        ? (new EmbeddedMachine(inviteClientMachine, { input: { timers }, onAction, shareSnapshots: true }) as EmbeddedMachine<AnyClientMachine>)
        : (new EmbeddedMachine(nonInviteClientMachine, { input: { timers }, onAction, shareSnapshots: true }) as EmbeddedMachine<AnyClientMachine>);
    transmit(state, bytes);
    return Result.ok(state);
  },

  handleCast(message, state) {
    if (message instanceof ResponseReceived) {
      state.current = message.response;
      const status = message.response.status;
      state.machine.send(responseEvent(state.invite, status) as never);
      state.current = null;
    } else if (message instanceof TransportFailed) {
      failed(state, message.error);
    } else if (message instanceof TerminateTransaction) {
      return Result.stop('normal', state);
    }
    return settle(state);
  },

  handleInfo(message, state) {
    if (message instanceof HandOver) return handOver(state);
    if (message instanceof MachineTimeout) state.machine.deliver(message);
    else if (message instanceof TransportFailed) failed(state, message.error);
    return settle(state);
  },

  terminate(reason, state) {
    const { env, handle } = state;
    // Ended before its HandOver (a terminate, a crash): the ACK still goes out.
    if (state.unsent !== null) transmit(state, state.unsent);
    if (env.table.clients.get(handle.key) === handle) env.table.clients.delete(handle.key);
    state.machine.stop();
    if (!isNormalExit(reason)) env.toCore(new CoreError(new TransactionAbortedError(handle.method, reason), handle));
  },
};



/** The last timer of Completed: K for a non-INVITE (§17.1.2.2), D for an INVITE (§17.1.1.2). */
function completedTimer(state: State): number {
  return state.invite ? state.timers.D : state.timers.K;
}

/** Goes on (asking for a HandOver once the machine is in Completed), or stops once done. */
function settle(state: State): NoticeResult<State> {
  if (!state.handingOver && state.machine.value === 'completed' && canHold(state.env, completedTimer(state))) {
    state.handingOver = true;
    scheduleHandOver();
  }
  return continueUntilDone(state);
}

/** The HandOver: the table holds the transaction from now on, and the process ends; or, if it cannot, goes on. */
function handOver(state: State): NoticeResult<State> {
  const unsent = state.unsent;
  state.unsent = null;
  if (state.machine.value === 'completed' && holdCompletedClient(state.env, state.handle, state.ackBytes, unsent, completedTimer(state))) return Result.stop('normal', state);
  if (unsent !== null) transmit(state, unsent);
  return continueUntilDone(state);
}

function failed(state: State, error: SipTransportError): void {
  state.transportError = error;
  state.machine.send({ type: 'transportError' });
}

function transmit(state: State, bytes: Buffer): void {
  const me = self<Protocol>();
  state.env.transports.send(state.handle.destination, bytes, (error) => sendAfter(me, new TransportFailed(error), 0));
}

function act(state: State, action: MachineAction): void {
  switch (action.type) {
    case 'retransmit':
      transmit(state, state.bytes);
      return;
    case 'passToCore':
      state.env.toCore(new CoreResponse(state.current!, state.handle));
      return;
    case 'sendAck':
      // Retransmitted final responses get the same ACK again.
      if (state.ackBytes === null) {
        state.ackBytes = serializeMessage(ackForFailure(state.handle.request, state.current!));
        // The first ACK, entering Completed: the held transaction sends it when D is all that is left.
        if (canHold(state.env, state.timers.D)) {
          state.unsent = state.ackBytes;
          return;
        }
      }
      transmit(state, state.ackBytes);
      return;
    case 'timeout':
      state.env.toCore(new CoreError(new TransactionTimeoutError(state.handle.method === 'INVITE' ? 'B' : 'F', state.handle.method), state.handle));
      return;
    case 'transportError':
      state.env.toCore(new CoreError(state.transportError!, state.handle));
      return;
    case 'unexpected':
      log('%s client transaction %s: no transition in %o; ignored', state.handle.method, state.handle.key, state.machine.value);
      return;
  }
}
