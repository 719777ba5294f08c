// Command ids of SMPP v3.4 (§5.1.2.1) and v5.0 (§4.7.5): every operation, request and response.

/**
 * Every SMPP command_id by operation name, requests and responses (v3.4 §5.1.2.1, v5.0 §4.7.5).
 * A response's id is its request's with bit 31 set; generic_nack has no request.
 *
 * @example
 * CommandId.submit_sm; // 0x00000004
 * commandName(0x80000004); // 'submit_sm_resp'
 */
export const CommandId = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  replace_sm: 0x00000007,
  replace_sm_resp: 0x80000007,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  outbind: 0x0000000b,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  submit_multi: 0x00000021,
  submit_multi_resp: 0x80000021,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
  broadcast_sm: 0x00000111,
  broadcast_sm_resp: 0x80000111,
  query_broadcast_sm: 0x00000112,
  query_broadcast_sm_resp: 0x80000112,
  cancel_broadcast_sm: 0x00000113,
  cancel_broadcast_sm_resp: 0x80000113,
} as const;

/** The name of an SMPP operation, e.g. `'submit_sm'` or `'submit_sm_resp'`. */
export type CommandName = keyof typeof CommandId;

const byId = new Map<number, CommandName>(Object.entries(CommandId).map(([name, id]) => [id, name as CommandName]));

/** The command name for a command id, or undefined for an unknown id. */
export function commandName(id: number): CommandName | undefined {
  return byId.get(id);
}

/** True for response command ids (bit 31 set). */
export function isResponseId(id: number): boolean {
  return id >= 0x80000000;
}

/** The response to a request, e.g. `submit_sm` → `submit_sm_resp`; undefined when it has none. */
export function responseNameOf(name: CommandName): CommandName | undefined {
  const id = CommandId[name];
  if (isResponseId(id)) return undefined;
  return byId.get((id | 0x80000000) >>> 0);
}
