// The Session the client runs on its connection: requests from the MC go to the onDeliver
// handler (client-deliveries.ts); binds and closes are reported to the client.
import { self } from '@switchboard/actor';
import { CommandStatus } from './pdu/command-status.js';
import { SessionReturn, type Session } from './session/session.js';
import { FLUSH_READY, MAX_PENDING_DELIVERIES, deliver, type ClientState } from './client-deliveries.js';

/** The client's own Session: requests from the MC go to the handler; binds and closes are reported. */
export const ClientSession: Session<ClientState, ClientState> = {
  handlePdu(pdu, state) {
    // At the cap, reading waits (the session awaits this) until a running handler ends; the
    // responses of those that end meanwhile go out as soon as it goes on.
    // (the session's pid is taken now: its code after an await is not tracked, see transport.ts)
    const session = self();
    if (state.handler !== undefined && state.deliveries.pending >= MAX_PENDING_DELIVERIES) return state.deliveries.slot().then(() => deliver(pdu, state, session));
    return deliver(pdu, state, session);
  },
  handleCast(message, state) {
    if (message === FLUSH_READY) return SessionReturn.ok(state, state.deliveries.takeReady(self()));
    return SessionReturn.ok(state);
  },
  handleResp(resp, _original, state) {
    if (resp.command.startsWith('bind_') && resp.command_status === CommandStatus.ESME_ROK) state.onBound(resp);
    return SessionReturn.ok(state);
  },
  terminate(reason, _lost, state) {
    state.onClosed(reason);
  },
};
