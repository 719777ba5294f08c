// The typed PDU objects, derived from the layouts: a `submit_sm` has the fields of a submit_sm.
import type { CommandName } from './command-id.js';
import type { LAYOUTS } from './layouts.js';
import type { Tlvs } from './tlv-registry.js';

/** One destination of a submit_multi: an SME address (dest_flag 1) or a distribution list (2). */
export type DestAddress =
  | {
      /** 1: an SME address follows (v3.4 §4.5.1). */
      readonly dest_flag: 1;
      /** Type of number of the destination (0 unknown, 1 international, …). */
      readonly dest_addr_ton: number;
      /** Numbering plan of the destination (0 unknown, 1 E.164, …). */
      readonly dest_addr_npi: number;
      /** The destination address, at most 20 characters. */
      readonly destination_addr: string;
    }
  | {
      /** 2: a distribution list name follows (v3.4 §4.5.1). */
      readonly dest_flag: 2;
      /** The name of a distribution list provisioned on the MC, at most 20 characters. */
      readonly dl_name: string;
    };

/** A destination a submit_multi could not reach, with the error (submit_multi_resp). */
export interface UnsuccessSme {
  /** Type of number of the failed destination. */
  readonly dest_addr_ton: number;
  /** Numbering plan of the failed destination. */
  readonly dest_addr_npi: number;
  /** The failed destination address. */
  readonly destination_addr: string;
  /** Why it failed: a command_status value (see {@link CommandStatus}). */
  readonly error_status_code: number;
}

/** The TypeScript type a decoded mandatory field of layout `F` holds (see {@link Field}). */
export type FieldValue<F> = F extends {
    /** Integers, decoded to a number. */
    type: 'u8' | 'u32';
  }
  ? number
  : F extends {
      /** C-Octet Strings and times, decoded to a string. */
      type: 'cstring' | 'time';
    }
    ? string
    : F extends {
        /** short_message, kept as a Buffer. */
        type: 'sm';
      }
      ? Buffer
      : F extends {
          /** submit_multi's destinations, decoded to a list. */
          type: 'dests';
        }
        ? DestAddress[]
        : F extends {
            /** submit_multi_resp's failed destinations, decoded to a list. */
            type: 'unsuccess';
          }
          ? UnsuccessSme[]
          : never;

/** The body of a PDU whose layout is `L`: one property per mandatory field, named as in the layout. */
export type FieldsOf<L extends readonly unknown[]> = {
  [F in L[number] as F extends {
    /** The field's name, which becomes the property's key. */
    name: infer N extends string;
  }
    ? N
    : never]: FieldValue<F>;
};

/** The PDU of one command: header fields, its mandatory fields, and its TLVs. */
export type PduOf<N extends CommandName> = {
  /** The command's name, from the header's command_id; narrow a {@link Pdu} on it. */
  readonly command: N;
  /** The header's command_status: 0 in requests, the result in responses (see {@link CommandStatus}). */
  command_status: number;
  /** The header's sequence_number, which pairs a response with its request (1 to 0x7FFFFFFF). */
  sequence_number: number;
  /** The optional parameters, in wire order. */
  tlvs: Tlvs;
} & FieldsOf<(typeof LAYOUTS)[N]>;

/** Any PDU; narrow it on `command`. */
export type Pdu = { [N in CommandName]: PduOf<N> }[CommandName];
