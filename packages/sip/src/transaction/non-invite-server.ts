// The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8): Trying, Proceeding, Completed,
// Terminated. No timers but J; retransmitted requests are answered with the last response.
import { setup } from 'xstate';
import type { TransactionTimers } from './timers.js';

/**
 * The core's responses and the peer's retransmissions and transport failures, as classified by the
 * owner process.
 */
export type NonInviteServerEvent =
  | {
      /** The core sends a 1xx. */
      readonly type: 'provisional';
    }
  | {
      /** The core sends a 200–699. */
      readonly type: 'final';
    }
  | {
      /** The request again: a retransmission from the client. */
      readonly type: 'request';
    }
  | {
      /** The transport could not send a response (RFC 3261 §17.2.4). */
      readonly type: 'transportError';
    };

/**
 * The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8), as an xstate machine: `trying`
 * (retransmitted requests discarded), `proceeding` (the last provisional response resent for each
 * retransmission), `completed` (the final response resent for each retransmission until Timer J)
 * and the final `terminated`.
 *
 * The machine decides and its owner acts: it names the actions `send`, `resend`, `transportError`
 * and `unexpected`, which the owner carries out on the message it is handling. Its input is
 * `{ timers }`, from {@link transactionTimers}. The stack runs one per received request other
 * than INVITE and ACK; use it directly only to build your own transaction layer or to test.
 *
 * @example
 * ```ts
 * const machine = new EmbeddedMachine(nonInviteServerMachine, {
 *   input: { timers: transactionTimers(DEFAULT_TIMERS, false) },
 *   onAction: (action) => console.log(action.type),
 * });
 * machine.send({ type: 'final' }); // logs send; the state is now `completed` until Timer J
 * ```
 */
export const nonInviteServerMachine = setup({
  types: { context: {} as { readonly timers: TransactionTimers }, events: {} as NonInviteServerEvent, input: {} as { timers: TransactionTimers } },
  actions: {
    /** Send the core's response being handled (and remember it as the last one). */
    send: () => {},
    /** Send the last response again. */
    resend: () => {},
    /** Tell the core the transport failed. */
    transportError: () => {},
    /** An event the current state has no transition for: log it. */
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
