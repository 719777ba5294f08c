// The Session behaviour (SMPPEX's Session): what a user implements to speak SMPP on one
// connection. Callbacks return the new state and, optionally, PDUs to send — they never write to
// the socket themselves (the transport session owns it).
import type { Awaitable, ExitReason, From } from '@switchboard/actor';
import type { PduDecodeError } from '../pdu/errors.js';
import type { Pdu } from '../pdu/types.js';

/** What a callback returns: go on with `state` (sending `pdus`), or stop. */
export type SessionResult<S> =
  | { readonly type: 'ok'; readonly state: S; readonly pdus: readonly Pdu[] }
  | { readonly type: 'stop'; readonly reason: ExitReason; readonly state: S; readonly pdus: readonly Pdu[] };

/** What `handleCall` returns: like SessionResult, plus a reply or an explicit noreply. */
export type SessionCallResult<S, R> =
  | { readonly type: 'reply'; readonly reply: R; readonly state: S; readonly pdus: readonly Pdu[] }
  | SessionResult<S>;

/** What `init` returns. */
export type SessionInitResult<S> = { readonly type: 'ok'; readonly state: S } | { readonly type: 'stop'; readonly reason: ExitReason };

/** Builders for session results. */
export const SessionReturn = {
  ok<S>(state: S, pdus: readonly Pdu[] = []): SessionResult<S> {
    return { type: 'ok', state, pdus };
  },
  stop<S>(reason: ExitReason, state: S, pdus: readonly Pdu[] = []): SessionResult<S> {
    return { type: 'stop', reason, state, pdus };
  },
  reply<S, R>(reply: R, state: S, pdus: readonly Pdu[] = []): SessionCallResult<S, R> {
    return { type: 'reply', reply, state, pdus };
  },
  init<S>(state: S): SessionInitResult<S> {
    return { type: 'ok', state };
  },
  refuse(reason: ExitReason): SessionInitResult<never> {
    return { type: 'stop', reason };
  },
};

/** The outcome of writing a PDU: written to the socket, or why it was not. */
export type SendResult = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/** Facts about the connection, given to `init`. */
export interface ConnectionInfo {
  readonly role: 'esme' | 'mc';
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
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
  init?(args: A, connection: ConnectionInfo): SessionInitResult<S> | Promise<SessionInitResult<S>>;
  handlePdu?(pdu: Pdu, state: S): Awaitable<SessionResult<S>>;
  handleResp?(resp: Pdu, original: Pdu, state: S): Awaitable<SessionResult<S>>;
  handleRespTimeout?(pdus: readonly Pdu[], state: S): Awaitable<SessionResult<S>>;
  handleUnparsedPdu?(raw: Buffer, error: PduDecodeError, state: S): Awaitable<SessionResult<S>>;
  handleSendPduResult?(pdu: Pdu, result: SendResult, state: S): S;
  handleSocketClosed?(state: S): ExitReason;
  handleSocketError?(error: Error, state: S): ExitReason;
  handleCall?(request: Call, from: From<Reply>, state: S): Awaitable<SessionCallResult<S, Reply>>;
  handleCast?(message: Cast, state: S): Awaitable<SessionResult<S>>;
  handleInfo?(message: Info, state: S): Awaitable<SessionResult<S>>;
  /**
   * Called once, whatever ended the session. `lostPdus`: the requests sent and still unanswered,
   * then those still waiting for a window slot (never sent) — each exactly once. May return last
   * PDUs to send before the socket closes (an unbind, say).
   */
  terminate?(reason: ExitReason, lostPdus: readonly Pdu[], state: S): readonly Pdu[] | void;
}
