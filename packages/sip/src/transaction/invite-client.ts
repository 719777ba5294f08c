// The INVITE client transaction (RFC 3261 §17.1.1, Figure 5, as amended by RFC 6026 §7.2): Calling,
// Proceeding, Accepted, Completed, Terminated. The machine decides; its owner process carries out
// the named actions (retransmit, passToCore, sendAck, timeout, transportError) on the message it
// is handling.
import { assign, setup } from 'xstate';
import type { TransactionTimers } from './timers.js';

/** Responses and transport events, as classified by the owner process. */
export type InviteClientEvent =
  | { readonly type: 'provisional' }
  | { readonly type: 'success' }
  | { readonly type: 'failure' }
  | { readonly type: 'transportError' };

export interface ClientContext {
  readonly timers: TransactionTimers;
  /** The current retransmission interval (Timer A or E). */
  readonly interval: number;
}

export const inviteClientMachine = setup({
  types: { context: {} as ClientContext, events: {} as InviteClientEvent, input: {} as { timers: TransactionTimers } },
  actions: {
    /** Send the request again. */
    retransmit: () => {},
    /** Hand the response being handled to the core. */
    passToCore: () => {},
    /** §17.1.1.3: ACK the non-2xx final response being handled. */
    sendAck: () => {},
    /** Timer B fired: tell the core the request timed out. */
    timeout: () => {},
    /** Tell the core the transport failed. */
    transportError: () => {},
    /** An event the current state has no transition for: log it. */
    unexpected: () => {},
  },
  guards: { retransmits: ({ context }) => context.timers.retransmit },
  delays: {
    A: ({ context }) => context.interval,
    B: ({ context }) => context.timers.B,
    D: ({ context }) => context.timers.D,
    M: ({ context }) => context.timers.M,
  },
}).createMachine({
  id: 'invite-client',
  initial: 'calling',
  context: ({ input }) => ({ timers: input.timers, interval: input.timers.A }),
  on: { '*': { actions: 'unexpected' } },
  states: {
    calling: {
      // §17.1.1.2: Timer B runs from the start of Calling; Timer A retransmits, doubling, unreliable transports only.
      initial: 'start',
      after: { B: { target: 'terminated', actions: 'timeout' } },
      states: {
        start: { always: [{ guard: 'retransmits', target: 'retransmitting' }, { target: 'quiet' }] },
        retransmitting: {
          after: { A: { target: 'retransmitting', reenter: true, actions: ['retransmit', assign({ interval: ({ context }) => context.interval * 2 })] } },
        },
        quiet: {},
      },
      on: {
        provisional: { target: 'proceeding', actions: 'passToCore' },
        success: { target: 'accepted', actions: 'passToCore' },
        failure: { target: 'completed', actions: ['passToCore', 'sendAck'] },
        transportError: { target: 'terminated', actions: 'transportError' },
      },
    },
    proceeding: {
      on: {
        provisional: { actions: 'passToCore' },
        success: { target: 'accepted', actions: 'passToCore' },
        failure: { target: 'completed', actions: ['passToCore', 'sendAck'] },
        transportError: { target: 'terminated', actions: 'transportError' },
      },
    },
    // RFC 6026 §7.2: 2xx retransmissions (and 2xx from other forks) go to the core until Timer M.
    accepted: {
      after: { M: 'terminated' },
      on: {
        success: { actions: 'passToCore' },
        provisional: {},
        failure: {},
        transportError: {},
      },
    },
    // §17.1.1.2: absorb retransmitted final responses, ACKing each, until Timer D.
    completed: {
      after: { D: 'terminated' },
      on: {
        failure: { actions: 'sendAck' },
        provisional: {},
        success: {},
        transportError: { target: 'terminated', actions: 'transportError' },
      },
    },
    terminated: { type: 'final' },
  },
});
