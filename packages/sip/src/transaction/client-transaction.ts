// A client transaction as a process (RFC 3261 §17.1): it sends the request, hosts the INVITE or
// non-INVITE client machine, hands responses to the core, ACKs non-2xx final responses, and
// reports timeouts and transport errors through the core's receiveError.
import createDebug from 'debug';
import { EmbeddedMachine, MachineTimeout, Result, self, sendAfter, isNormalExit, type GenServer, type MachineAction } from '@switchboard/actor';
import type { SipResponse } from '../message/message.js';
import { serializeMessage } from '../message/serializer.js';
import { isReliable } from '../transport/endpoint.js';
import type { SipTransportError } from '../transport/errors.js';
import { ackForFailure } from './ack.js';
import type { TransactionEnvironment } from './environment.js';
import { continueUntilDone, responseEvent } from './step.js';
import { TransactionAbortedError, TransactionTimeoutError } from './errors.js';
import type { ClientTransaction } from './handles.js';
import { inviteClientMachine } from './invite-client.js';
import { CoreError, CoreResponse, ResponseReceived, TerminateTransaction, TransportFailed, type ClientTransactionProtocol } from './messages.js';
import { nonInviteClientMachine } from './non-invite-client.js';

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
  machine: EmbeddedMachine<AnyClientMachine>;
  current: SipResponse | null;
  transportError: SipTransportError | null;
  ackBytes: Buffer | null;
}

type Protocol = ClientTransactionProtocol;

export const ClientTransactionProcess: GenServer<State, Protocol, ClientTransactionArgs> = {
  behaviourName: 'sip_client_transaction',

  init({ env, handle, bytes }) {
    handle.pid = self<Protocol>();
    const timers = isReliable(handle.destination.transport) ? env.reliableTimers : env.unreliableTimers;
    const state = { env, handle, bytes, current: null, transportError: null, ackBytes: null } as unknown as State;
    const onAction = (action: MachineAction): void => act(state, action);
    state.machine =
      handle.request.method === 'INVITE'
        ? (new EmbeddedMachine(inviteClientMachine, { input: { timers }, onAction }) as EmbeddedMachine<AnyClientMachine>)
        : (new EmbeddedMachine(nonInviteClientMachine, { input: { timers }, onAction }) as EmbeddedMachine<AnyClientMachine>);
    transmit(state, bytes);
    return Result.ok(state);
  },

  handleCast(message, state) {
    if (message instanceof ResponseReceived) {
      state.current = message.response;
      const status = message.response.status;
      state.machine.send(responseEvent(state.handle.request.method === 'INVITE', status) as never);
      state.current = null;
    } else if (message instanceof TransportFailed) {
      failed(state, message.error);
    } else if (message instanceof TerminateTransaction) {
      return Result.stop('normal', state);
    }
    return continueUntilDone(state);
  },

  handleInfo(message, state) {
    if (message instanceof MachineTimeout) state.machine.deliver(message);
    else if (message instanceof TransportFailed) failed(state, message.error);
    return continueUntilDone(state);
  },

  terminate(reason, state) {
    const { env, handle } = state;
    if (env.table.clients.get(handle.key) === handle) env.table.clients.delete(handle.key);
    state.machine.stop();
    if (!isNormalExit(reason)) env.toCore(new CoreError(new TransactionAbortedError(handle.method, reason), handle));
  },
};



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
      state.ackBytes ??= serializeMessage(ackForFailure(state.handle.request, state.current!));
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
