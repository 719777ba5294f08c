// Mandatory-field layouts of every PDU (SMPP v3.4 §4, v5.0 §4.1–4.6), as data: the decoder, the
// encoder and the PDU types are all derived from this one table.
import type { CommandName } from './command-id.js';

export type Field =
  | { readonly name: string; readonly type: 'u8' | 'u32' }
  | { readonly name: string; readonly type: 'cstring'; readonly max: number }
  /** A C-Octet string of 17: empty, or a 16-character absolute or relative time. */
  | { readonly name: string; readonly type: 'time' }
  /** sm_length (1 octet) then short_message (0–254 octets). */
  | { readonly name: 'short_message'; readonly type: 'sm' }
  /** number_of_dests then that many SME addresses or distribution list names (submit_multi). */
  | { readonly name: 'dest_address'; readonly type: 'dests' }
  /** no_unsuccess then that many failed addresses with their error (submit_multi_resp). */
  | { readonly name: 'unsuccess_sme'; readonly type: 'unsuccess' };

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

