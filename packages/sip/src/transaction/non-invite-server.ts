// The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8): Trying, Proceeding, Completed,
// Terminated. No timers but J; retransmitted requests are answered with the last response.
import { setup } from 'xstate';
import type { TransactionTimers } from './timers.js';

export type NonInviteServerEvent =
  | { readonly type: 'provisional' }
  | { readonly type: 'final' }
  | { readonly type: 'request' }
  | { readonly type: 'transportError' };

export const nonInviteServerMachine = setup({
  types: { context: {} as { readonly timers: TransactionTimers }, events: {} as NonInviteServerEvent, input: {} as { timers: TransactionTimers } },
  actions: {
    send: () => {},
    resend: () => {},
    transportError: () => {},
    unexpected: () => {},
  },
  delays: { J: ({ context }) => context.timers.J },
}).createMachine({
  id: 'non-invite-server',
  initial: 'trying',
  context: ({ input }) => ({ timers: input.timers }),
  on: { '*': { actions: 'unexpected' } },
  states: {
    trying: {
      on: {
        provisional: { target: 'proceeding', actions: 'send' },
        final: { target: 'completed', actions: 'send' },
        // §17.2.2: retransmissions in Trying are discarded.
        request: {},
        transportError: { target: 'terminated', actions: 'transportError' },
      },
    },
    proceeding: {
      on: {
        provisional: { actions: 'send' },
        final: { target: 'completed', actions: 'send' },
        request: { actions: 'resend' },
        transportError: { target: 'terminated', actions: 'transportError' },
      },
    },
    completed: {
      after: { J: 'terminated' },
      on: {
        request: { actions: 'resend' },
        transportError: { target: 'terminated', actions: 'transportError' },
      },
    },
    terminated: { type: 'final' },
  },
});
