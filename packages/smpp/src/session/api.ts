// Talking to a session process from outside: send a PDU through it, await a response, close it,
// read its counters. A session is a GenServer, so the actor's `call`, `cast`, `reply` and `stop`
// also work on it (they reach the Session's handleCall / handleCast).
import { call, cast, type Pid } from '@switchboard/actor';
import type { RequestName, ResponseName } from '../pdu/build.js';
import type { Pdu, PduOf } from '../pdu/types.js';
import { GracefulClose, RequestPdu, SendPdu, StatsRequest, type RequestOutcome, type SessionStats } from './messages.js';

/** A session's pid. */
export type SessionPid = Pid;

/**
 * Sends a PDU through the session (SMPPEX's send_pdu): a request gets the next sequence number,
 * waits for a window slot if needed, and its response reaches `handleResp`; the outcome of the
 * write reaches `handleSendPduResult`.
 */
export function sendPdu(session: SessionPid, pdu: Pdu): void {
  cast(session as Pid<{ cast: SendPdu }>, new SendPdu(pdu));
}

/**
 * Sends a request through the session and resolves with its response, whatever its
 * command_status (the response goes to the caller, not to `handleResp`). Rejects with
 * BindStateError, WindowTimeoutError, ResponseTimeoutError or SessionClosedError; the session's
 * own timers bound the wait.
 */
export async function requestPdu<N extends RequestName>(session: SessionPid, pdu: PduOf<N>): Promise<PduOf<ResponseName<N>>> {
  const outcome = await call(session as Pid<{ call: RequestPdu; reply: RequestOutcome }>, new RequestPdu(pdu as Pdu), { timeout: Infinity });
  if (!outcome.ok) throw outcome.error;
  return outcome.response as PduOf<ResponseName<N>>;
}

/** Closes the session gracefully: a bound session unbinds and stops on the unbind_resp; others stop. */
export function closeSession(session: SessionPid): void {
  cast(session as Pid<{ cast: GracefulClose }>, new GracefulClose());
}

/** The session's bind state and window occupancy. */
export function sessionStats(session: SessionPid): Promise<SessionStats> {
  return call(session as Pid<{ call: StatsRequest; reply: SessionStats }>, new StatsRequest());
}
