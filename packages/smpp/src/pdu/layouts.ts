// Mandatory-field layouts of every PDU (SMPP v3.4 §4, v5.0 §4.1–4.6), as data: the decoder, the
// encoder and the PDU types are all derived from this one table.
import type { CommandName } from './command-id.js';

/**
 * One mandatory field of a PDU body, in wire order: its name (the spec's, also the key in the
 * decoded body) and how it is encoded (v3.4 §4, v5.0 §4). {@link LAYOUTS} lists them per command.
 */
export type Field =
  | {
      /** The field's name as the spec spells it, e.g. `'esm_class'`. */
      readonly name: string;
      /** An Integer of 1 or 4 octets, big-endian. */
      readonly type: 'u8' | 'u32';
    }
  | {
      /** The field's name as the spec spells it, e.g. `'system_id'`. */
      readonly name: string;
      /** A C-Octet String: ASCII text ended by a NUL octet. */
      readonly type: 'cstring';
      /** The spec's maximum size in octets, the NUL included; longer values are refused. */
      readonly max: number;
    }
  /** A C-Octet string of 17: empty, or a 16-character absolute or relative time. */
  | {
      /** The field's name, e.g. `'validity_period'`. */
      readonly name: string;
      /** An SMPP absolute or relative time (v3.4 §7.1). */
      readonly type: 'time';
    }
  /** sm_length (1 octet) then short_message (0–254 octets). */
  | {
      /** Always `short_message`; sm_length is implied by its length. */
      readonly name: 'short_message';
      /** A length octet then that many octets. */
      readonly type: 'sm';
    }
  /** number_of_dests then that many SME addresses or distribution list names (submit_multi). */
  | {
      /** Always `dest_address`; number_of_dests is implied by the list's length. */
      readonly name: 'dest_address';
      /** A count octet then that many destinations (v3.4 §4.5.1). */
      readonly type: 'dests';
    }
  /** no_unsuccess then that many failed addresses with their error (submit_multi_resp). */
  | {
      /** Always `unsuccess_sme`; no_unsuccess is implied by the list's length. */
      readonly name: 'unsuccess_sme';
      /** A count octet then that many failed destinations (v3.4 §4.5.2). */
      readonly type: 'unsuccess';
    };

const u8 = <N extends string>(name: N) => ({ name, type: 'u8' }) as const;

const c = <N extends string, M extends number>(name: N, max: M) => ({ name, type: 'cstring', max }) as const;
const time = <N extends string>(name: N) => ({ name, type: 'time' }) as const;
const sm = { name: 'short_message', type: 'sm' } as const;

const bind = [c('system_id', 16), c('password', 9), c('system_type', 13), u8('interface_version'), u8('addr_ton'), u8('addr_npi'), c('address_range', 41)] as const;
const bindResp = [c('system_id', 16)] as const;
const messageIdResp = [c('message_id', 65)] as const;
const source21 = [u8('source_addr_ton'), u8('source_addr_npi'), c('source_addr', 21)] as const;
const dest21 = [u8('dest_addr_ton'), u8('dest_addr_npi'), c('destination_addr', 21)] as const;
/** What submit_sm, deliver_sm and submit_multi share after their addresses. */
const submitTail = [
  u8('esm_class'),
  u8('protocol_id'),
  u8('priority_flag'),
  time('schedule_delivery_time'),
  time('validity_period'),
  u8('registered_delivery'),
  u8('replace_if_present_flag'),
  u8('data_coding'),
  u8('sm_default_msg_id'),
  sm,
] as const;
const submit = [c('service_type', 6), ...source21, ...dest21, ...submitTail] as const;
const none = [] as const;

/**
 * The mandatory fields of every PDU body, per command, in wire order (v3.4 §4, v5.0 §4.1–4.6).
 * The decoder, the encoder and the typed PDU bodies are all derived from this one table, so a
 * field is added or fixed in one place.
 *
 * @example
 * LAYOUTS.submit_sm_resp; // [{ name: 'message_id', type: 'cstring', max: 65 }]
 */
export const LAYOUTS = {
  generic_nack: none,
  bind_receiver: bind,
  bind_receiver_resp: bindResp,
  bind_transmitter: bind,
  bind_transmitter_resp: bindResp,
  bind_transceiver: bind,
  bind_transceiver_resp: bindResp,
  outbind: [c('system_id', 16), c('password', 9)],
  unbind: none,
  unbind_resp: none,
  enquire_link: none,
  enquire_link_resp: none,
  submit_sm: submit,
  submit_sm_resp: messageIdResp,
  deliver_sm: submit,
  deliver_sm_resp: messageIdResp,
  data_sm: [
    c('service_type', 6),
    u8('source_addr_ton'),
    u8('source_addr_npi'),
    c('source_addr', 65),
    u8('dest_addr_ton'),
    u8('dest_addr_npi'),
    c('destination_addr', 65),
    u8('esm_class'),
    u8('registered_delivery'),
    u8('data_coding'),
  ],
  data_sm_resp: messageIdResp,
  query_sm: [c('message_id', 65), ...source21],
  query_sm_resp: [c('message_id', 65), time('final_date'), u8('message_state'), u8('error_code')],
  cancel_sm: [c('service_type', 6), c('message_id', 65), ...source21, ...dest21],
  cancel_sm_resp: none,
  replace_sm: [c('message_id', 65), ...source21, time('schedule_delivery_time'), time('validity_period'), u8('registered_delivery'), u8('sm_default_msg_id'), sm],
  replace_sm_resp: none,
  submit_multi: [c('service_type', 6), ...source21, { name: 'dest_address', type: 'dests' }, ...submitTail],
  submit_multi_resp: [c('message_id', 65), { name: 'unsuccess_sme', type: 'unsuccess' }],
  alert_notification: [u8('source_addr_ton'), u8('source_addr_npi'), c('source_addr', 65), u8('esme_addr_ton'), u8('esme_addr_npi'), c('esme_addr', 65)],
  broadcast_sm: [
    c('service_type', 6),
    ...source21,
    c('message_id', 65),
    u8('priority_flag'),
    time('schedule_delivery_time'),
    time('validity_period'),
    u8('replace_if_present_flag'),
    u8('data_coding'),
    u8('sm_default_msg_id'),
  ],
  broadcast_sm_resp: messageIdResp,
  query_broadcast_sm: [c('message_id', 65), ...source21],
  query_broadcast_sm_resp: messageIdResp,
  cancel_broadcast_sm: [c('service_type', 6), c('message_id', 65), ...source21],
  cancel_broadcast_sm_resp: none,
} as const satisfies Record<CommandName, readonly Field[]>;

