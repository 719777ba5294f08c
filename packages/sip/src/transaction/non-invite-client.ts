// The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6): Trying, Proceeding, Completed,
// Terminated. Timer E runs across Trying and Proceeding (a parallel region), doubling up to T2 in
// Trying and reset to T2 in Proceeding; Timer F bounds both.
import { assign, setup } from 'xstate';
import type { TransactionTimers } from './timers.js';

/** Responses and transport events, as classified by the owner process. */
export type NonInviteClientEvent =
  | {
      /** A 1xx response arrived. */
      readonly type: 'provisional';
    }
  | {
      /** A 200–699 response arrived. */
      readonly type: 'final';
    }
  | {
      /** The transport could not send the request (RFC 3261 §17.1.4). */
      readonly type: 'transportError';
    };

/**
 * The context of {@link nonInviteClientMachine}: the transaction's timers, the current Timer E
 * interval, and whether a provisional response has been seen (which pins Timer E to T2).
 */
export interface NonInviteClientContext {
  /** The transaction's timer values, fixed when the transaction starts. */
  readonly timers: TransactionTimers;
  /** The current Timer E interval. */
  readonly interval: number;
  /** In Proceeding: Timer E is reset to T2 from now on. */
  readonly proceeding: boolean;
}

/**
 * The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6), as an xstate machine: `active`
 * (Trying then Proceeding, with Timer E retransmitting on unreliable transports, doubling up to T2
 * in Trying and at T2 in Proceeding, and Timer F timing out), `completed` (retransmitted responses
 * absorbed until Timer K) and the final `terminated`.
 *
 * The machine decides and its owner acts: it names the actions `retransmit`, `passToCore`,
 * `timeout`, `transportError` and `unexpected`, which the owner carries out on the message it is
 * handling. Its input is `{ timers }`, from {@link transactionTimers}. The stack runs one per
 * client request other than INVITE and ACK; use it directly only to build your own transaction
 * layer or to test.
 *
 * @example
 * ```ts
 * const machine = new EmbeddedMachine(nonInviteClientMachine, {
 *   input: { timers: transactionTimers(DEFAULT_TIMERS, false) },
 *   onAction: (action) => console.log(action.type),
 * });
 * machine.send({ type: 'final' }); // logs passToCore; the state is now `completed` until Timer K
 * ```
 */
export const nonInviteClientMachine = setup({
  types: { context: {} as NonInviteClientContext, events: {} as NonInviteClientEvent, input: {} as { timers: TransactionTimers } },
  actions: {
    /** Send the request again. */
    retransmit: () => {},
    /** Hand the response being handled to the core. */
    passToCore: () => {},
    /** Timer F fired. */
    timeout: () => {},
    /** Tell the core the transport failed. */
    transportError: () => {},
    /** An event the current state has no transition for: log it. */
    unexpected: () => {},
  },
  guards: { retransmits: ({ context }) => context.timers.retransmit },
  delays: {
    E: ({ context }) => context.interval,
    F: ({ context }) => context.timers.F,
    K: ({ context }) => context.timers.K,
  },
}).createMachine({
  id: 'non-invite-client',
  initial: 'active',
  context: ({ input }) => ({ timers: input.timers, interval: input.timers.E, proceeding: false }),
  on: { '*': { actions: 'unexpected' } },
  states: {
    active: {
      type: 'parallel',
      after: { F: { target: 'terminated', actions: 'timeout' } },
      on: {
        final: { target: 'completed', actions: 'passToCore' },
        transportError: { target: 'terminated', actions: 'transportError' },
      },
      states: {
        phase: {
          initial: 'trying',
          states: {
            trying: { on: { provisional: { target: 'proceeding', actions: ['passToCore', assign({ proceeding: true })] } } },
            proceeding: { on: { provisional: { actions: 'passToCore' } } },
          },
        },
        timerE: {
          initial: 'start',
          states: {
            start: { always: [{ guard: 'retransmits', target: 'armed' }, { target: 'off' }] },
            armed: {
              after: {
                E: {
                  target: 'armed',
                  reenter: true,
                  actions: [
                    'retransmit',
                    // §17.1.2.2: MIN(2·interval, T2) in Trying; T2 once in Proceeding.
                    assign({ interval: ({ context }) => (context.proceeding ? context.timers.T2 : Math.min(context.interval * 2, context.timers.T2)) }),
                  ],
                },
              },
            },
            off: {},
          },
        },
      },
    },
    // §17.1.2.2: absorb retransmitted responses until Timer K.
    completed: {
      after: { K: 'terminated' },
      on: { provisional: {}, final: {}, transportError: {} },
    },
    terminated: { type: 'final' },
  },
});
