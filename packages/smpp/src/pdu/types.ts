// The typed PDU objects, derived from the layouts: a `submit_sm` has the fields of a submit_sm.
import type { CommandName } from './command-id.js';
import type { LAYOUTS } from './layouts.js';
import type { Tlvs } from './tlv-registry.js';

/** One destination of a submit_multi: an SME address (dest_flag 1) or a distribution list (2). */
export type DestAddress =
  | { readonly dest_flag: 1; readonly dest_addr_ton: number; readonly dest_addr_npi: number; readonly destination_addr: string }
  | { readonly dest_flag: 2; readonly dl_name: string };

/** A destination a submit_multi could not reach, with the error (submit_multi_resp). */
export interface UnsuccessSme {
  readonly dest_addr_ton: number;
  readonly dest_addr_npi: number;
  readonly destination_addr: string;
  readonly error_status_code: number;
}

type FieldValue<F> = F extends { type: 'u8' | 'u32' }
  ? number
  : F extends { type: 'cstring' | 'time' }
    ? string
    : F extends { type: 'sm' }
      ? Buffer
      : F extends { type: 'dests' }
        ? DestAddress[]
        : F extends { type: 'unsuccess' }
          ? UnsuccessSme[]
          : never;

type FieldsOf<L extends readonly unknown[]> = { [F in L[number] as F extends { name: infer N extends string } ? N : never]: FieldValue<F> };

/** The PDU of one command: header fields, its mandatory fields, and its TLVs. */
export type PduOf<N extends CommandName> = {
  readonly command: N;
  command_status: number;
  sequence_number: number;
  tlvs: Tlvs;
} & FieldsOf<(typeof LAYOUTS)[N]>;

/** Any PDU; narrow it on `command`. */
export type Pdu = { [N in CommandName]: PduOf<N> }[CommandName];
