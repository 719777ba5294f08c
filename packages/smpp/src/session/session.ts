// The Session behaviour (SMPPEX's Session): what a user implements to speak SMPP on one
// connection. Callbacks return the new state and, optionally, PDUs to send — they never write to
// the socket themselves (the transport session owns it).
import type { Awaitable, ExitReason, From } from '@switchboard/actor';
import type { PduDecodeError } from '../pdu/errors.js';
import type { Pdu } from '../pdu/types.js';

/** What a callback returns: go on with `state` (sending `pdus`), or stop. */
export type SessionResult<S> =
  | {
      /** Go on. */
      readonly type: 'ok';
      /** The session's new state. */
      readonly state: S;
      /** PDUs to send, in order: requests get sequence numbers and enter the window. */
      readonly pdus: readonly Pdu[];
    }
  | {
      /** Send `pdus`, then end the session: `terminate` runs and the socket is closed. */
      readonly type: 'stop';
      /** The session process's exit reason. */
      readonly reason: ExitReason;
      /** The state `terminate` receives. */
      readonly state: S;
      /** PDUs to send before stopping (a last response, say). */
      readonly pdus: readonly Pdu[];
    };

/** What `handleCall` returns: like SessionResult, plus a reply or an explicit noreply. */
export type SessionCallResult<S, R> =
  | {
      /** Answer the caller now. */
      readonly type: 'reply';
      /** The value the caller's `call` resolves with. */
      readonly reply: R;
      /** The session's new state. */
      readonly state: S;
      /** PDUs to send, as in {@link SessionResult}. */
      readonly pdus: readonly Pdu[];
    }
  | SessionResult<S>;

/** What `init` returns. */
export type SessionInitResult<S> =
  | {
      /** Accept the connection. */
      readonly type: 'ok';
      /** The session's first state. */
      readonly state: S;
    }
  | {
      /** Refuse the connection: the socket is destroyed and the process exits. */
      readonly type: 'stop';
      /** The session process's exit reason. */
      readonly reason: ExitReason;
    };

/**
 * Builders for session results, one per return shape of the {@link Session} callbacks.
 *
 * @example
 * handlePdu(pdu, state) {
 *   if (pdu.command === 'deliver_sm') return SessionReturn.ok(state, [createResponse(pdu)]);
 *   return SessionReturn.ok(state);
 * }
 */
export const SessionReturn = {
  /** Go on with `state`, sending `pdus` (default none). */
  ok<S>(state: S, pdus: readonly Pdu[] = []): SessionResult<S> {
    return { type: 'ok', state, pdus };
  },
  /** Send `pdus` (default none), then stop with `reason`; `terminate` runs. */
  stop<S>(reason: ExitReason, state: S, pdus: readonly Pdu[] = []): SessionResult<S> {
    return { type: 'stop', reason, state, pdus };
  },
  /** From `handleCall`: answer the caller with `reply`, go on with `state`, send `pdus`. */
  reply<S, R>(reply: R, state: S, pdus: readonly Pdu[] = []): SessionCallResult<S, R> {
    return { type: 'reply', reply, state, pdus };
  },
  /** From `init`: accept the connection with `state`. */
  init<S>(state: S): SessionInitResult<S> {
    return { type: 'ok', state };
  },
  /** From `init`: refuse the connection; the session exits with `reason`. */
  refuse(reason: ExitReason): SessionInitResult<never> {
    return { type: 'stop', reason };
  },
};

/** The outcome of writing a PDU: written to the socket, or why it was not. */
export type SendResult =
  | {
      /** The PDU was handed to the socket and written. */
      readonly ok: true;
    }
  | {
      /** The PDU was not written. */
      readonly ok: false;
      /** Why: an encoding error, a `BindStateError`, a `QueueFullError`, a closed socket, … */
      readonly error: Error;
    };

/** Facts about the connection, given to `init`. */
export interface ConnectionInfo {
  /** Which side this session plays: the ESME (client) or the MC (server). */
  readonly role: 'esme' | 'mc';
  /** The peer's IP address, as the socket reports it (undefined once it is closed). */
  readonly remoteAddress: string | undefined;
  /** The peer's TCP port, as the socket reports it. */
  readonly remotePort: number | undefined;
  /** Whether the connection is TLS. */
  readonly tls: boolean;
}

/**
 * A session's callbacks. Every one is optional: a session that implements only `handlePdu` works.
 * Defaults: `init` keeps `args` as state; `handlePdu` answers a request with its response
 * (ESME_ROK) — or does nothing for a PDU that has none; `handleResp` and `handleRespTimeout` keep
 * the state; `handleUnparsedPdu` answers the request's own response (or generic_nack) with the
 * status the decoder gave; `handleSocketClosed` returns 'socket_closed', `handleSocketError` the
 * error; `terminate` sends nothing more.
 */
export interface Session<S = unknown, A = unknown, Call = unknown, Reply = unknown, Cast = unknown, Info = unknown> {
  /**
   * Called once the socket is open, with the `args` given to `connectEsme` / `listenMc` and
   * facts about the connection (SMPPEX's `init/3`). Default: `SessionReturn.init(args)`.
   *
   * Returning `SessionReturn.init(state)` accepts the connection: timers start and an ESME's
   * configured bind is sent.
   *
   * Returning `SessionReturn.refuse(reason)` refuses it: the socket is destroyed, `terminate`
   * is not called, and the process exits with `reason`.
   */
  init?(args: A, connection: ConnectionInfo): SessionInitResult<S> | Promise<SessionInitResult<S>>;
  /**
   * Called for each request the peer sends that the bind state allows (v3.4 §2.3). Requests the
   * bind state forbids, requests over the incoming rate, enquire_link and unbind are answered by
   * the session itself and never get here. Default: answer with the request's response
   * (ESME_ROK), or send nothing for a PDU that has none.
   *
   * Returning `SessionReturn.ok(state, pdus)` goes on; put the request's response in `pdus`
   * (now or later, from another callback: it is matched by sequence_number).
   *
   * Returning `SessionReturn.stop(reason, state, pdus)` sends `pdus`, then ends the session.
   *
   * Any other return value crashes the session with a `TypeError` naming `handlePdu`.
   */
  handlePdu?(pdu: Pdu, state: S): Awaitable<SessionResult<S>>;
  /**
   * Called with a response and the request it answers (matched by sequence_number), for
   * requests sent from callback results or `sendPdu`; responses to `requestPdu` go to its caller
   * instead. Default: keep the state.
   *
   * Returning `SessionReturn.ok(state, pdus)` goes on, sending `pdus`.
   *
   * Returning `SessionReturn.stop(reason, state, pdus)` sends `pdus`, then ends the session.
   */
  handleResp?(resp: Pdu, original: Pdu, state: S): Awaitable<SessionResult<S>>;
  /**
   * Called with the requests whose response did not come within `responseTimeout`; they have
   * left the window. Default: keep the state.
   *
   * Returning `SessionReturn.ok(state, pdus)` goes on, sending `pdus` (retries, say).
   *
   * Returning `SessionReturn.stop(reason, state, pdus)` sends `pdus`, then ends the session.
   */
  handleRespTimeout?(pdus: readonly Pdu[], state: S): Awaitable<SessionResult<S>>;
  /**
   * Called with a PDU whose frame was sound but whose body could not be decoded; `error`
   * carries its command id, sequence number and the status to answer with. The connection goes
   * on. Default: answer with the request's own response (or generic_nack) carrying that status.
   *
   * Returning `SessionReturn.ok(state, pdus)` goes on; put the answer in `pdus`.
   *
   * Returning `SessionReturn.stop(reason, state, pdus)` sends `pdus`, then ends the session.
   */
  handleUnparsedPdu?(raw: Buffer, error: PduDecodeError, state: S): Awaitable<SessionResult<S>>;
  /**
   * Called when a PDU from a callback result or `sendPdu` was written to the socket, or could
   * not be (SMPPEX's `handle_send_pdu_result/3`). Optional: a session without it does not pay
   * for a write callback per PDU.
   *
   * Returns the new state, synchronously; it cannot send or stop.
   */
  handleSendPduResult?(pdu: Pdu, result: SendResult, state: S): S;
  /**
   * Called when the peer closed the socket.
   *
   * Returns the exit reason the session stops with (default `'socket_closed'`); `terminate`
   * then runs.
   */
  handleSocketClosed?(state: S): ExitReason;
  /**
   * Called when the socket failed.
   *
   * Returns the exit reason the session stops with (default: the error); `terminate` then runs.
   */
  handleSocketError?(error: Error, state: S): ExitReason;
  /**
   * Handles a request sent with `call(sessionPid, request)` by user code. A session without it
   * crashes on such a call.
   *
   * Returning `SessionReturn.reply(value, state, pdus)` answers the caller with `value`, sends
   * `pdus` and goes on.
   *
   * Returning `SessionReturn.ok(state, pdus)` sends `pdus` and leaves the caller waiting:
   * answer later with `reply(from, value)`.
   *
   * Returning `SessionReturn.stop(reason, state, pdus)` sends `pdus` and ends the session; the
   * caller's promise rejects with the exit reason.
   */
  handleCall?(request: Call, from: From<Reply>, state: S): Awaitable<SessionCallResult<S, Reply>>;
  /**
   * Handles a message sent with `cast(sessionPid, message)` by user code. Default: ignore it.
   *
   * Returning `SessionReturn.ok(state, pdus)` goes on, sending `pdus`.
   *
   * Returning `SessionReturn.stop(reason, state, pdus)` sends `pdus`, then ends the session.
   */
  handleCast?(message: Cast, state: S): Awaitable<SessionResult<S>>;
  /**
   * Handles any other message sent to the session process with `send` (the transport's own
   * socket and timer messages never get here). Default: ignore it.
   *
   * Returning `SessionReturn.ok(state, pdus)` goes on, sending `pdus`.
   *
   * Returning `SessionReturn.stop(reason, state, pdus)` sends `pdus`, then ends the session.
   */
  handleInfo?(message: Info, state: S): Awaitable<SessionResult<S>>;
  /**
   * Called once, whatever ended the session. `lostPdus`: the requests sent and still unanswered,
   * then those still waiting for a window slot (never sent) — each exactly once. May return last
   * PDUs to send before the socket closes (an unbind, say).
   */
  terminate?(reason: ExitReason, lostPdus: readonly Pdu[], state: S): readonly Pdu[] | void;
}
