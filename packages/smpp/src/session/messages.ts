// The messages a session process sends itself, and those its API sends it.
import type { Pdu } from '../pdu/types.js';
import type { BindState } from './bind-state.js';

/** Internal messages of the transport process. */
export class SocketData {
  constructor(readonly chunk: Buffer) {}
}
export class SocketEvent {
  constructor(
    readonly kind: 'close' | 'error' | 'drain',
    readonly error?: Error,
  ) {}
}
export class Written {
  constructor(
    readonly pdu: Pdu,
    readonly error: Error | null | undefined,
  ) {}
}
export class Tick {
  constructor(readonly kind: 'responses' | 'enquire_link' | 'inactivity' | 'pump' | 'stall') {}
}
/** The one Tick of each kind: a tick carries nothing else, so none is made per timer. */
export const TICKS: { readonly [K in Tick['kind']]: Tick } = {
  responses: new Tick('responses'),
  enquire_link: new Tick('enquire_link'),
  inactivity: new Tick('inactivity'),
  pump: new Tick('pump'),
  stall: new Tick('stall'),
};
/** `sendPdu` travels as a cast of this. */
export class SendPdu {
  constructor(readonly pdu: Pdu) {}
}
/** `requestPdu` travels as a call of this: the reply is the response (or why there is none). */
export class RequestPdu {
  constructor(readonly pdu: Pdu) {}
}
/** `closeSession`: unbind when bound (and stop on unbind_resp), else stop at once. */
export class GracefulClose {}
/** What a `RequestPdu` call is answered with. */
export type RequestOutcome =
  | {
      /** A response came (its command_status may still be non-zero). */
      readonly ok: true;
      /** The response PDU. */
      readonly response: Pdu;
    }
  | {
      /** No response: the request was not sent, timed out, or the session closed. */
      readonly ok: false;
      /** Why: a `ResponseTimeoutError`, `SessionClosedError`, `BindStateError`, `QueueFullError`, … */
      readonly error: Error;
    };
/** Asks the session for its counters. */
export class StatsRequest {}

/** What `sessionStats` returns. */
export interface SessionStats {
  /** The session's bind state now. */
  readonly bindState: BindState;
  /** Requests sent and not answered. */
  readonly inFlight: number;
  /** Requests waiting for a window slot, the throttle or the write buffer (at most `maxQueued`). */
  readonly waiting: number;
  /** The `maxQueued` option: a request beyond it fails with QueueFullError. */
  readonly maxQueued: number;
  /** The `window` option: most requests in flight at once. */
  readonly window: number;
  /** Bytes written and not yet taken by the kernel (the peer is slow to read when this grows). */
  readonly writeBuffered: number;
  /** Reading is paused: the process is busy or the write buffer is above the high-water mark. */
  readonly readPaused: boolean;
}
