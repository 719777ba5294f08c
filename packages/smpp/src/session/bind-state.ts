// Session states of SMPP v5.0 §2.3 (v3.4 §2.2): OPEN, BOUND_TX, BOUND_RX, BOUND_TRX, UNBOUND,
// CLOSED and OUTBOUND, as an xstate machine. Binds, their responses and unbinds move it; which
// request may be sent or received in which state is answered by `allows`.
import { setup } from 'xstate';
import type { CommandName } from '../pdu/command-id.js';

/**
 * An SMPP session state (v5.0 §2.3, v3.4 §2.2): `OPEN` connected and not bound yet; `BOUND_TX`,
 * `BOUND_RX`, `BOUND_TRX` bound as transmitter, receiver or transceiver; `OUTBOUND` an MC sent
 * outbind and awaits the ESME's bind; `UNBOUND` an unbind was sent or received; `CLOSED` the
 * connection is gone.
 */
export type BindState = 'OPEN' | 'BOUND_TX' | 'BOUND_RX' | 'BOUND_TRX' | 'UNBOUND' | 'CLOSED' | 'OUTBOUND';
/** Which way a PDU goes, for {@link allows}: `in` received from the peer, `out` sent to it. */
export type Direction = 'in' | 'out';

/** What moves the session between states: PDUs seen (successful responses only), and the socket. */
export type BindEvent =
  | {
      /** A successful bind response was sent or received. */
      readonly type: 'bound';
      /** The bound state it leads to: transmitter, receiver or transceiver, by the bind. */
      readonly as: 'BOUND_TX' | 'BOUND_RX' | 'BOUND_TRX';
    }
  | {
      /** An outbind was sent or received (v3.4 §4.1.7). */
      readonly type: 'outbind';
    }
  | {
      /** An unbind was sent or received. */
      readonly type: 'unbind';
    }
  | {
      /** An unbind_resp was sent or received. */
      readonly type: 'unbound';
    }
  | {
      /** The socket closed. */
      readonly type: 'close';
    };

const BOUND_AS: Record<string, 'BOUND_TX' | 'BOUND_RX' | 'BOUND_TRX'> = {
  bind_transmitter_resp: 'BOUND_TX',
  bind_receiver_resp: 'BOUND_RX',
  bind_transceiver_resp: 'BOUND_TRX',
};

/** The bound state a successful bind response leads to. */
export function boundStateOf(response: CommandName): 'BOUND_TX' | 'BOUND_RX' | 'BOUND_TRX' | undefined {
  return BOUND_AS[response];
}

/**
 * The session-state machine of v5.0 §2.3 (v3.4 §2.2) in xstate: bind responses, outbind and
 * unbinds move it, and it starts in `OPEN`. Each session embeds one (an `EmbeddedMachine`).
 *
 * The machine's only timer is session_init: a connection that is not bound within
 * `sessionInitTime` ms goes to CLOSED (SMPP v5.0 §2.3.1, SMPPEX's session_init_limit).
 */
export const bindStateMachine = setup({
  types: { events: {} as BindEvent, context: {} as { sessionInitTime: number }, input: {} as { sessionInitTime: number } },
  delays: { sessionInit: ({ context }) => context.sessionInitTime },
}).createMachine({
  id: 'smpp-bind',
  initial: 'OPEN',
  context: ({ input }) => ({ sessionInitTime: input.sessionInitTime }),
  on: { close: '.CLOSED' },
  states: {
    OPEN: {
      after: { sessionInit: 'CLOSED' },
      on: {
        bound: [
          { guard: ({ event }) => event.as === 'BOUND_TX', target: 'BOUND_TX' },
          { guard: ({ event }) => event.as === 'BOUND_RX', target: 'BOUND_RX' },
          { target: 'BOUND_TRX' },
        ],
        outbind: 'OUTBOUND',
      },
    },
    OUTBOUND: {
      after: { sessionInit: 'CLOSED' },
      on: {
        bound: [{ guard: ({ event }) => event.as === 'BOUND_RX', target: 'BOUND_RX' }, { target: 'BOUND_TRX' }],
      },
    },
    BOUND_TX: { on: { unbind: 'UNBOUND', unbound: 'UNBOUND' } },
    BOUND_RX: { on: { unbind: 'UNBOUND', unbound: 'UNBOUND' } },
    BOUND_TRX: { on: { unbind: 'UNBOUND', unbound: 'UNBOUND' } },
    UNBOUND: {},
    CLOSED: { type: 'final' },
  },
});

const ANY_BOUND: readonly BindState[] = ['BOUND_TX', 'BOUND_RX', 'BOUND_TRX'];
const BINDS = new Set(['bind_transmitter', 'bind_receiver', 'bind_transceiver']);

/**
 * Requests an ESME may send (and an MC receive) in each state; and those an MC may send (an ESME
 * receive). Responses always pass: they answer a request that was allowed.
 */
const ESME_SENDS: Partial<Record<CommandName, readonly BindState[]>> = {
  submit_sm: ['BOUND_TX', 'BOUND_TRX'],
  submit_multi: ['BOUND_TX', 'BOUND_TRX'],
  data_sm: ['BOUND_TX', 'BOUND_TRX'],
  query_sm: ['BOUND_TX', 'BOUND_TRX'],
  cancel_sm: ['BOUND_TX', 'BOUND_TRX'],
  replace_sm: ['BOUND_TX', 'BOUND_TRX'],
  broadcast_sm: ['BOUND_TX', 'BOUND_TRX'],
  query_broadcast_sm: ['BOUND_TX', 'BOUND_TRX'],
  cancel_broadcast_sm: ['BOUND_TX', 'BOUND_TRX'],
  unbind: ANY_BOUND,
  enquire_link: ['OPEN', 'OUTBOUND', ...ANY_BOUND],
  generic_nack: ['OPEN', 'OUTBOUND', ...ANY_BOUND, 'UNBOUND'],
};
const MC_SENDS: Partial<Record<CommandName, readonly BindState[]>> = {
  deliver_sm: ['BOUND_RX', 'BOUND_TRX'],
  data_sm: ['BOUND_RX', 'BOUND_TRX'],
  alert_notification: ['BOUND_RX', 'BOUND_TRX'],
  outbind: ['OPEN'],
  unbind: ANY_BOUND,
  enquire_link: ['OPEN', 'OUTBOUND', ...ANY_BOUND],
  generic_nack: ['OPEN', 'OUTBOUND', ...ANY_BOUND, 'UNBOUND'],
};

/**
 * Whether `command` may be sent (`out`) or received (`in`) by a session of `role` in `state`.
 * Binds are allowed only in OPEN (and OUTBOUND for the receiver / transceiver binds).
 */
export function allows(role: 'esme' | 'mc', direction: Direction, command: CommandName, state: BindState): boolean {
  if (command.endsWith('_resp')) return state !== 'CLOSED';
  if (BINDS.has(command)) {
    const bindFromEsme = (role === 'esme') === (direction === 'out');
    return bindFromEsme && (state === 'OPEN' || (state === 'OUTBOUND' && command !== 'bind_transmitter'));
  }
  const senderIsEsme = (role === 'esme') === (direction === 'out');
  const table = senderIsEsme ? ESME_SENDS : MC_SENDS;
  return table[command]?.includes(state) ?? false;
}

/** True in the three bound states. */
export function isBound(state: BindState): boolean {
  return ANY_BOUND.includes(state);
}
