// The INVITE server transaction (RFC 3261 §17.2.1, Figure 7, as amended by RFC 6026 §7.1):
// Proceeding, Accepted, Completed, Confirmed, Terminated. Events are the core's responses and the
// peer's retransmissions and ACKs; the owner process carries out the named actions.
import { assign, setup } from 'xstate';
import type { TransactionTimers } from './timers.js';

/**
 * The core's responses and the peer's retransmissions, ACKs and transport failures, as classified
 * by the owner process.
 */
export type InviteServerEvent =
  | {
      /** The core sends a 1xx. */
      readonly type: 'provisional';
    }
  | {
      /** The core sends a 2xx (or retransmits one, RFC 6026 §7.1). */
      readonly type: 'success';
    }
  | {
      /** The core sends a 300–699. */
      readonly type: 'failure';
    }
  | {
      /** The INVITE again: a retransmission from the client. */
      readonly type: 'request';
    }
  | {
      /** An ACK matching the transaction (for a non-2xx final, or a 2xx in Accepted). */
      readonly type: 'ack';
    }
  | {
      /** The transport could not send a response (RFC 3261 §17.2.4). */
      readonly type: 'transportError';
    };

/**
 * The context of {@link inviteServerMachine}: the transaction's timers and the current Timer G
 * interval, which doubles up to T2 with each retransmission of the final response.
 */
export interface InviteServerContext {
  /** The transaction's timer values, fixed when the transaction starts. */
  readonly timers: TransactionTimers;
  /** The current Timer G interval. */
  readonly interval: number;
}

/**
 * The INVITE server transaction (RFC 3261 §17.2.1, Figure 7, as amended by RFC 6026 §7.1), as an
 * xstate machine: `proceeding` (a 100 Trying goes out if the core has not answered within 200 ms),
 * `accepted` (the core's 2xx retransmissions go out and INVITE retransmissions are absorbed until
 * Timer L), `completed` (the final response is retransmitted on Timer G until the ACK or Timer H),
 * `confirmed` (ACK retransmissions are absorbed until Timer I) and the final `terminated`.
 *
 * The machine decides and its owner acts: it names the actions `send`, `resend`, `sendTrying`,
 * `passAckToCore`, `timeout`, `transportError` and `unexpected`, which the owner carries out on the
 * message it is handling. Its input is `{ timers }`, from {@link transactionTimers}. The stack runs
 * one per received INVITE; use it directly only to build your own transaction layer or to test.
 *
 * @example
 * ```ts
 * const machine = new EmbeddedMachine(inviteServerMachine, {
 *   input: { timers: transactionTimers(DEFAULT_TIMERS, false) },
 *   onAction: (action) => console.log(action.type),
 * });
 * machine.send({ type: 'failure' }); // logs send; the state is now `completed`, Timer G armed
 * ```
 */
export const inviteServerMachine = setup({
  types: { context: {} as InviteServerContext, events: {} as InviteServerEvent, input: {} as { timers: TransactionTimers } },
  actions: {
    /** Send the core's response being handled (and remember it as the last one). */
    send: () => {},
    /** Send the last response again. */
    resend: () => {},
    /** §17.2.1: the core did not answer in 200 ms: send 100 Trying. */
    sendTrying: () => {},
    /** RFC 6026 §7.1: an ACK matching the transaction in Accepted goes to the core. */
    passAckToCore: () => {},
    /** Timer H fired: no ACK came. */
    timeout: () => {},
    /** Tell the core the transport failed. */
    transportError: () => {},
    /** An event the current state has no transition for: log it. */
    unexpected: () => {},
  },
  guards: { retransmits: ({ context }) => context.timers.retransmit },
  delays: {
    TRYING: ({ context }) => context.timers.TRYING,
    G: ({ context }) => context.interval,
    H: ({ context }) => context.timers.H,
    I: ({ context }) => context.timers.I,
    L: ({ context }) => context.timers.L,
  },
}).createMachine({
  id: 'invite-server',
  initial: 'proceeding',
  context: ({ input }) => ({ timers: input.timers, interval: input.timers.G }),
  on: { '*': { actions: 'unexpected' } },
  states: {
    proceeding: {
      initial: 'waiting',
      states: {
        waiting: { after: { TRYING: { target: 'answered', actions: 'sendTrying' } } },
        answered: {},
      },
      on: {
        provisional: { target: '.answered', actions: 'send' },
        success: { target: 'accepted', actions: 'send' },
        failure: { target: 'completed', actions: 'send' },
        // The most recent provisional response, if there is one, goes out again.
        request: { actions: 'resend' },
        transportError: { target: 'terminated', actions: 'transportError' },
      },
    },
    // RFC 6026 §7.1: the core retransmits its 2xx; INVITE retransmissions are absorbed; Timer L.
    accepted: {
      after: { L: 'terminated' },
      on: {
        success: { actions: 'send' },
        request: {},
        ack: { actions: 'passAckToCore' },
        // RFC 6026 §8.7: a transport error here does not end the transaction.
        transportError: {},
      },
    },
    // §17.2.1: retransmit the final response on Timer G (unreliable only) until the ACK or Timer H.
    completed: {
      initial: 'start',
      after: { H: { target: 'terminated', actions: 'timeout' } },
      states: {
        start: { always: [{ guard: 'retransmits', target: 'retransmitting' }, { target: 'quiet' }] },
        retransmitting: {
          after: {
            G: { target: 'retransmitting', reenter: true, actions: ['resend', assign({ interval: ({ context }) => Math.min(context.interval * 2, context.timers.T2) })] },
          },
        },
        quiet: {},
      },
      on: {
        request: { actions: 'resend' },
        ack: 'confirmed',
        transportError: { target: 'terminated', actions: 'transportError' },
      },
    },
    // §17.2.1: absorb ACK retransmissions until Timer I.
    confirmed: {
      after: { I: 'terminated' },
      on: { ack: {}, request: {} },
    },
    terminated: { type: 'final' },
  },
});
