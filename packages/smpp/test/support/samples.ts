// One realistic PDU of every command, with TLVs where the command uses them: the fixtures of the
// round-trip, framing and oracle tests.
import { CommandId, CommandStatus, createPdu, type CommandName, type Pdu } from '@switchboard/smpp';

const sm = Buffer.from('Hello from Switchboard', 'latin1');
const address = { source_addr_ton: 5, source_addr_npi: 0, source_addr: 'Switchbrd' };
const dest = { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900123' };

let sequence = 1;
function make<N extends CommandName>(command: N, fields: Parameters<typeof createPdu<N>>[1] = {}): Pdu {
  return createPdu(command, { sequence_number: sequence++, ...fields }) as Pdu;
}

const bind = { system_id: 'esme01', password: 'secret', system_type: 'VMA', interface_version: 0x34, addr_ton: 1, addr_npi: 1, address_range: '^44' };
const submit = {
  service_type: 'CMT',
  ...address,
  ...dest,
  esm_class: 0,
  protocol_id: 0,
  priority_flag: 1,
  schedule_delivery_time: '',
  validity_period: '000001000000000R',
  registered_delivery: 1,
  replace_if_present_flag: 0,
  data_coding: 0,
  sm_default_msg_id: 0,
  short_message: sm,
};

function withoutDestination<T extends object>(fields: T): Omit<T, 'dest_addr_ton' | 'dest_addr_npi' | 'destination_addr'> {
  const { dest_addr_ton: _ton, dest_addr_npi: _npi, destination_addr: _addr, ...rest } = fields as T & typeof dest;
  return rest;
}

export const SAMPLES: Pdu[] = [
  make('generic_nack', { command_status: CommandStatus.ESME_RINVCMDID }),
  make('bind_receiver', bind),
  make('bind_receiver_resp', { system_id: 'SMSC', tlvs: { sc_interface_version: 0x34 } }),
  make('bind_transmitter', bind),
  make('bind_transmitter_resp', { system_id: 'SMSC' }),
  make('bind_transceiver', { ...bind, interface_version: 0x50 }),
  make('bind_transceiver_resp', { system_id: 'SMSC', tlvs: { sc_interface_version: 0x50 } }),
  make('outbind', { system_id: 'SMSC', password: 'pw' }),
  make('unbind'),
  make('unbind_resp'),
  make('enquire_link'),
  make('enquire_link_resp'),
  make('submit_sm', {
    ...submit,
    tlvs: { sar_msg_ref_num: 0x1234, sar_total_segments: 3, sar_segment_seqnum: 1, user_message_reference: 42, source_port: 2948, destination_port: 2948 },
  }),
  make('submit_sm_resp', { message_id: '5f2c9a1e' }),
  make('deliver_sm', {
    ...submit,
    esm_class: 0x04,
    validity_period: '',
    short_message: Buffer.from('id:5f2c9a1e sub:001 dlvrd:001 submit date:2611211200 done date:2611211201 stat:DELIVRD err:000 text:Hello', 'latin1'),
    tlvs: { receipted_message_id: '5f2c9a1e', message_state: 2, network_error_code: { network_type: 3, error_code: 0 } },
  }),
  make('deliver_sm_resp', { message_id: '' }),
  make('data_sm', { service_type: 'WAP', ...address, source_addr: 'a-long-data-sm-source-address-up-to-64', ...dest, esm_class: 0, registered_delivery: 0, data_coding: 4, tlvs: { message_payload: Buffer.alloc(300, 0xab), qos_time_to_live: 3600, more_messages_to_send: 0 } }),
  make('data_sm_resp', { message_id: 'd1', tlvs: { delivery_failure_reason: 1, additional_status_info_text: 'handset busy', dpf_result: 1 } }),
  make('query_sm', { message_id: '5f2c9a1e', ...address }),
  make('query_sm_resp', { message_id: '5f2c9a1e', final_date: '261121120100000+', message_state: 2, error_code: 0 }),
  make('cancel_sm', { service_type: '', message_id: '5f2c9a1e', ...address, ...dest }),
  make('cancel_sm_resp'),
  make('replace_sm', { message_id: '5f2c9a1e', ...address, schedule_delivery_time: '', validity_period: '', registered_delivery: 1, sm_default_msg_id: 0, short_message: Buffer.from('Replaced') }),
  make('replace_sm_resp'),
  make('submit_multi', {
    ...withoutDestination(submit),
    dest_address: [
      { dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900001' },
      { dest_flag: 2, dl_name: 'friends' },
      { dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900002' },
    ],
  }),
  make('submit_multi_resp', {
    message_id: 'm77',
    unsuccess_sme: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900002', error_status_code: CommandStatus.ESME_RINVDSTADR }],
  }),
  make('alert_notification', { ...address, esme_addr_ton: 1, esme_addr_npi: 1, esme_addr: '447700900123', tlvs: { ms_availability_status: 0 } }),
  make('broadcast_sm', {
    service_type: '',
    ...address,
    message_id: '',
    priority_flag: 0,
    schedule_delivery_time: '',
    validity_period: '',
    replace_if_present_flag: 0,
    data_coding: 0,
    sm_default_msg_id: 0,
    tlvs: {
      broadcast_area_identifier: [
        { format: 0, area: Buffer.from('London') },
        { format: 0, area: Buffer.from('Leeds') },
      ],
      broadcast_content_type: { network_type: 1, content_type: 0x0010 },
      broadcast_rep_num: 3,
      broadcast_frequency_interval: { unit: 0x09, value: 10 },
      message_payload: Buffer.from('Flood warning'),
    },
  }),
  make('broadcast_sm_resp', { message_id: 'b1' }),
  make('query_broadcast_sm', { message_id: 'b1', ...address, tlvs: { user_message_reference: 7 } }),
  make('query_broadcast_sm_resp', { message_id: 'b1', tlvs: { message_state: 1, broadcast_area_identifier: [{ format: 0, area: Buffer.from('London') }], broadcast_area_success: [100] } }),
  make('cancel_broadcast_sm', { service_type: '', message_id: 'b1', ...address }),
  make('cancel_broadcast_sm_resp'),
];

/** Every command appears once. */
export const SAMPLE_COMMANDS = new Set(SAMPLES.map((p) => p.command));
export const ALL_COMMANDS = Object.keys(CommandId) as CommandName[];
