// The client's handling of requests from the MC (deliver_sm, data_sm…): the application's
// onDeliver handlers run detached from the session, up to MAX_PENDING_DELIVERIES at once, and their
// responses are written by the session that owes them as soon as it may.
import { cast, detach, type Pid } from '@switchboard/actor';
import createDebug from 'debug';
import { CommandStatus } from './pdu/command-status.js';
import { createResponse } from './pdu/build.js';
import type { Pdu } from './pdu/types.js';
import { SessionReturn, type Session } from './session/session.js';

const log = createDebug('switchboard:smpp:client');

/** Requests from the MC whose asynchronous handler runs at once, at most; more wait, in order. */
export const MAX_PENDING_DELIVERIES = 64;

/**
 * What the MC sent (deliver_sm, data_sm, alert_notification…). Return the command_status to answer
 * (default ESME_ROK). A handler that returns a promise does not hold up the frames behind its PDU
 * (the submit_sm_resp its own submits wait for, say): up to {@link MAX_PENDING_DELIVERIES} run at
 * once, each answered when it settles (responses may go out of order: SMPP v3.4 §2.6 matches them by
 * sequence_number); past that, reading waits until one ends. Handlers run detached from the session
 * process (their work outlives it). `close` and `unbind` wait for the running ones, so their
 * responses go out before the unbind; an unbind from the MC is answered at once, and a response
 * owed then is lost with the session (the MC delivers that request again).
 */
export type DeliverHandler = (pdu: Pdu) => number | void | Promise<number | void>;

/** What the client's session is started with: the handler, the deliveries in progress, and the client's bind and close reports. */
export interface ClientState {
  readonly handler: DeliverHandler | undefined;
  /** Asynchronous handlers still running, answered when each settles (a bound for the whole client, across reconnects). */
  readonly deliveries: PendingDeliveries;
  readonly onBound: (response: Pdu) => void;
  readonly onClosed: (reason: unknown) => void;
}

/**
 * The asynchronous onDeliver handlers running for a client, whose responses are still owed: a
 * slot frees when one settles (its response is then cast to its session), and `close` waits for
 * them all, so an unbind never overtakes a response owed for a message the handler kept.
 */
export class PendingDeliveries {
  pending = 0;
  /** Responses whose handler settled, by the session that owes them, waiting to be written by it. */
  readonly ready: { readonly session: Pid; readonly pdu: Pdu }[] = [];
  private readonly slotWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  /** Resolves once fewer than MAX_PENDING_DELIVERIES run. */
  slot(): Promise<void> {
    return this.pending < MAX_PENDING_DELIVERIES ? Promise.resolve() : new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  /** Resolves once none runs. */
  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  started(): void {
    this.pending++;
  }

  /** The responses `session` owes that are ready, taken out (those of other, older sessions are dropped: their connection is gone). */
  takeReady(session: Pid): Pdu[] {
    const mine = this.ready.filter((r) => r.session === session).map((r) => r.pdu);
    this.ready.length = 0;
    return mine;
  }

  settled(): void {
    this.pending--;
    this.slotWaiters.shift()?.();
    if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Hands a request from the MC to the handler. The handler is the application's code, not the
 * session's: it runs detached from the session process, so what it starts (a store write, a SIP
 * MESSAGE to a user) is not ended by the session's exit. A synchronous answer goes out at once; an
 * asynchronous one when it settles, while the frames behind this one go on.
 */
export function deliver(pdu: Pdu, state: ClientState, session: Pid): ReturnType<NonNullable<Session<ClientState, ClientState>['handlePdu']>> {
  const answerable = pdu.command !== 'outbind' && pdu.command !== 'alert_notification';
  const answer = (status: number | void): Pdu[] => (answerable ? [createResponse(pdu as never, { command_status: status ?? CommandStatus.ESME_ROK } as never) as Pdu] : []);
  const handler = state.handler;
  if (handler === undefined) return SessionReturn.ok(state, [...state.deliveries.takeReady(session), ...answer(CommandStatus.ESME_ROK)]);
  let handled: number | void | PromiseLike<number | void>;
  try {
    handled = detach(() => handler(pdu));
  } catch (error) {
    log('onDeliver threw for %s #%d: %O', pdu.command, pdu.sequence_number, error);
    return SessionReturn.ok(state, [...state.deliveries.takeReady(session), ...answer(CommandStatus.ESME_RSYSERR)]);
  }
  if (!isPromiseLike<number | void>(handled)) return SessionReturn.ok(state, [...state.deliveries.takeReady(session), ...answer(handled)]);
  state.deliveries.started();
  Promise.resolve(handled)
    .then(
      (status) => status,
      (error: unknown) => {
        log('onDeliver failed for %s #%d: %O', pdu.command, pdu.sequence_number, error);
        return CommandStatus.ESME_RSYSERR;
      },
    )
    .then((status) => {
      // Ready for the session to write: at its next request (when it is waiting at the cap, that is
      // when a slot frees), or at the flush cast, whichever comes first. The cast goes in this same
      // turn, before the code waiting for the slot or for idleness runs: a close that waited for the
      // last handler finds the flush ahead of its unbind in the session's mailbox.
      for (const response of answer(status)) state.deliveries.ready.push({ session, pdu: response });
      state.deliveries.settled();
      detach(() => cast(session as Pid<{ cast: typeof FLUSH_READY }>, FLUSH_READY));
    });
  return SessionReturn.ok(state, state.deliveries.takeReady(session));
}

/** Cast to a session when responses are ready to be written. */
export const FLUSH_READY = 'flush-ready-responses';

