// The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6): Trying, Proceeding, Completed,
// Terminated. Timer E runs across Trying and Proceeding (a parallel region), doubling up to T2 in
// Trying and reset to T2 in Proceeding; Timer F bounds both.
import { assign, setup } from 'xstate';
import type { TransactionTimers } from './timers.js';

export type NonInviteClientEvent =
  | { readonly type: 'provisional' }
  | { readonly type: 'final' }
  | { readonly type: 'transportError' };

interface NonInviteClientContext {
  readonly timers: TransactionTimers;
  /** The current Timer E interval. */
  readonly interval: number;
  /** In Proceeding: Timer E is reset to T2 from now on. */
  readonly proceeding: boolean;
}

export const nonInviteClientMachine = setup({
  types: { context: {} as NonInviteClientContext, events: {} as NonInviteClientEvent, input: {} as { timers: TransactionTimers } },
  actions: {
    retransmit: () => {},
    passToCore: () => {},
    /** Timer F fired. */
    timeout: () => {},
    transportError: () => {},
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
