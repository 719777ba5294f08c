// The bind request an ESME sends: which way messages may flow and who it is (SMPP v3.4 §4.1),
// and the bind PDU those make.
import { createPdu } from './pdu/build.js';
import type { Pdu } from './pdu/types.js';

/**
 * Which bind to send, so the MC knows which way messages may flow: `transmitter` only submits,
 * `receiver` only takes deliveries, `transceiver` does both (SMPP v3.4 §4.1.1, §4.1.3, §4.1.5).
 */
export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

/**
 * The fields of a bind request: who the ESME is, how it authenticates and which addresses it
 * serves (SMPP v3.4 §4.1.1). Unset optional fields go out empty or 0, as the spec's defaults.
 */
export interface BindParams {
  /** Which bind PDU to send: bind_transmitter, bind_receiver or bind_transceiver. */
  readonly mode: BindMode;
  /** The ESME's identity at the MC, at most 15 characters (SMPP v3.4 §5.2.1). */
  readonly system_id: string;
  /** The password the MC checks with `system_id`, at most 8 characters (SMPP v3.4 §5.2.2). */
  readonly password: string;
  /** The kind of ESME, e.g. `VMS`, when the MC asks for one; default empty (SMPP v3.4 §5.2.3). */
  readonly system_type?: string;
  /** Default 0x34 (SMPP 3.4); 0x50 for SMPP 5.0. */
  readonly interface_version?: number;
  /** Type of number of the addresses in `address_range`; default 0, unknown (SMPP v3.4 §5.2.5). */
  readonly addr_ton?: number;
  /** Numbering plan of the addresses in `address_range`; default 0, unknown (SMPP v3.4 §5.2.6). */
  readonly addr_npi?: number;
  /**
   * The addresses this ESME serves, as a regular expression (SMPP v3.4 §5.2.7), so a receiver
   * gets only their deliveries; default empty (the MC decides).
   */
  readonly address_range?: string;
}

const BIND_COMMAND = { transmitter: 'bind_transmitter', receiver: 'bind_receiver', transceiver: 'bind_transceiver' } as const;

/** The bind_transmitter, bind_receiver or bind_transceiver PDU of `params`. */
export function bindPdu(params: BindParams): Pdu {
  const { mode, ...fields } = params;
  return createPdu(BIND_COMMAND[mode], { interface_version: 0x34, ...fields }) as Pdu;
}
