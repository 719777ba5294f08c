// The state of a session process, and the small facts derived from it.
import type { Socket } from 'node:net';
import { RingQueue, type Clock, type EmbeddedMachine, type ExitHandler, type ExitReason, type From, type Pid, type TimerRef } from '@switchboard/actor';
import { CommandId, isResponseId } from '../pdu/command-id.js';
import type { PduFramer } from '../pdu/framer.js';
import type { Pdu } from '../pdu/types.js';
import type { BindEvent, BindState, bindStateMachine } from './bind-state.js';
import type { BindGuard } from './bind-guard.js';
import type { InFlightTable } from './in-flight.js';
import type { RequestOutcome } from './messages.js';
import type { ResolvedSessionOptions, SessionOptions } from './options.js';
import type { Session } from './session.js';

export interface InFlight {
  readonly pdu: Pdu;
  /** When it times out: a whole millisecond of the runtime clock (rounded up). */
  readonly deadline: number;
  /** An automatic enquire_link: its timeout closes the session. */
  readonly enquireLink: boolean;
  /** A `requestPdu` caller waiting for the response (it then bypasses handleResp). */
  readonly from: From<RequestOutcome> | undefined;
}

export interface Waiting {
  readonly pdu: Pdu;
  readonly since: number;
  readonly from: From<RequestOutcome> | undefined;
}

export interface TransportArgs<A> {
  readonly socket: Socket;
  readonly role: 'esme' | 'mc';
  readonly tls: boolean;
  readonly session: Session<unknown, A>;
  readonly args: A;
  readonly options: SessionOptions;
  readonly clock: Clock;
  /** A bind to send as soon as the session starts; a refused bind stops it with a CommandStatusError. */
  readonly bind?: Pdu;
  /** MC side: the failed-bind table shared by the MC's sessions (delays, lockouts). */
  readonly bindGuard?: BindGuard;
}

/** A session's state; as an ExitHandler, it closes its socket when its process exits without terminate. */
export interface State extends ExitHandler {
  readonly self: Pid;
  readonly socket: Socket;
  readonly role: 'esme' | 'mc';
  readonly session: Session<unknown, unknown>;
  user: unknown;
  readonly options: ResolvedSessionOptions;
  readonly clock: Clock;
  readonly framer: PduFramer;
  readonly bind: EmbeddedMachine<typeof bindStateMachine>;
  bindState: BindState;
  readonly inFlight: InFlightTable;
  /** Requests waiting for a slot: NO_WAITING, shared, until the session first queues one. */
  waiting: RingQueue<Waiting>;
  sequence: number;
  /** The response-deadline timer: when it fires (runtime clock, ms), or null when none is armed. */
  responsesAt: number | null;
  responsesTimer: TimerRef | null;
  pumpArmed: boolean;
  /** When the last PDU came: a whole millisecond of the runtime clock (rounded down). */
  lastReceived: number;
  /** Send times of recent submits, for the throttle (null when `throttle` is off). */
  readonly recentSubmits: RingQueue<number> | null;
  /** Arrival times of recent incoming submits, for `incomingThrottle` (null when it is off). */
  readonly recentIncoming: RingQueue<number> | null;
  /** The sequence number of the automatic bind, while it is in flight. */
  autoBind: number | undefined;
  stopping: ExitReason | undefined;
  /** An automatic enquire_link is in flight (at most one). */
  enquireLinkPending: boolean;
  /** When the automatic enquire_link in flight times out (a whole millisecond, rounded up). */
  enquireLinkDeadline: number;
  /** Bytes read from the socket and still in the mailbox. */
  unread: number;
  /** Since when the peer has kept us stuck (write buffer full or queue full); undefined when it does not. */
  stalledSince: number | undefined;
  /** A 'stall' tick is pending. */
  stallArmed: boolean;
  /** terminate has run (it closes the socket gracefully itself). */
  terminated: boolean;
  readonly bindGuard: BindGuard | undefined;
}

/**
 * The waiting queue of every session that has not queued a request yet (most never do): shared
 * and never pushed to (`queueRequest` gives a session its own first), 56 bytes less per session.
 */
export const NO_WAITING: RingQueue<Waiting> = new RingQueue<Waiting>(1);

/** Puts a request in the session's waiting queue, made at its first use. */
export function queueRequest(state: State, waiting: Waiting): void {
  if (state.waiting === NO_WAITING) state.waiting = new RingQueue(4); // small: most queues stay short
  state.waiting.push(waiting);
}

/** Bytes read ahead into the mailbox before reading pauses. */
export const READ_AHEAD = 64 * 1024;

export const SUBMITS = new Set(['submit_sm', 'submit_multi', 'data_sm', 'broadcast_sm']);

export function isRequest(pdu: Pdu): boolean {
  return pdu.command !== 'generic_nack' && !isResponseId(CommandId[pdu.command]);
}

/** Moves the bind-state machine. */
export function bindEvent(state: State, event: BindEvent): void {
  state.bind.send(event);
  state.bindState = state.bind.value as BindState;
}

/** Requests in flight that count against the window (the automatic enquire_link does not). */
export function countInFlight(state: State): number {
  return state.inFlight.size - (state.enquireLinkPending ? 1 : 0);
}

/** The sequence number after `current`: 1..0x7FFFFFFF, wrapping, skipping numbers still in flight. */
export function nextSequenceNumber(current: number, inFlight: { has(sequence: number): boolean }): number {
  let next = current >= 0x7fffffff ? 1 : current + 1;
  while (inFlight.has(next)) next = next >= 0x7fffffff ? 1 : next + 1;
  return next;
}

export function nextSequence(state: State): number {
  return (state.sequence = nextSequenceNumber(state.sequence, state.inFlight));
}
