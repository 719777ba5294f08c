// The INVITE client transaction (RFC 3261 §17.1.1, Figure 5, as amended by RFC 6026 §7.2): Calling,
// Proceeding, Accepted, Completed, Terminated. The machine decides; its owner process carries out
// the named actions (retransmit, passToCore, sendAck, timeout, transportError) on the message it
// is handling.
import { assign, setup } from 'xstate';
import type { TransactionTimers } from './timers.js';

/** Responses and transport events, as classified by the owner process. */
export type InviteClientEvent =
  | {
      /** A 1xx response arrived. */
      readonly type: 'provisional';
    }
  | {
      /** A 2xx response arrived (the first, a retransmission, or one from another fork). */
      readonly type: 'success';
    }
  | {
      /** A 300–699 response arrived. */
      readonly type: 'failure';
    }
  | {
      /** The transport could not send the request or the ACK (RFC 3261 §17.1.4). */
      readonly type: 'transportError';
    };

/**
 * The context of {@link inviteClientMachine}: the transaction's timers and the current Timer A
 * interval, which doubles with each retransmission.
 */
export interface ClientContext {
  /** The transaction's timer values, fixed when the transaction starts. */
  readonly timers: TransactionTimers;
  /** The current retransmission interval (Timer A or E). */
  readonly interval: number;
}

/**
 * The INVITE client transaction (RFC 3261 §17.1.1, Figure 5, as amended by RFC 6026 §7.2), as an
 * xstate machine: `calling` (Timer A retransmits on unreliable transports, Timer B times out),
 * `proceeding`, `accepted` (2xx retransmissions go to the core until Timer M), `completed` (each
 * retransmitted failure is ACKed until Timer D) and the final `terminated`.
 *
 * The machine decides and its owner acts: it names the actions `retransmit`, `passToCore`,
 * `sendAck`, `timeout`, `transportError` and `unexpected` (an event the state has no transition
 * for), and the owner carries each out on the message it is handling. Its input is
 * `{ timers }`, from {@link transactionTimers}. The stack runs one per client INVITE; use it
 * directly only to build your own transaction layer or to test against the RFC's figure.
 *
 * @example
 * ```ts
 * const machine = new EmbeddedMachine(inviteClientMachine, {
 *   input: { timers: transactionTimers(DEFAULT_TIMERS, false) },
 *   onAction: (action) => console.log(action.type), // 'retransmit', 'passToCore', 'sendAck'…
 * });
 * machine.send({ type: 'failure' }); // logs passToCore, sendAck; the state is now `completed`
 * ```
 */
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
