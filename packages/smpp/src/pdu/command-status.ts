// command_status values of SMPP v3.4 (§5.1.3) and v5.0 (§4.7.6, table 4-45), with the spec's
// descriptions, so errors and logs can say what a status means.

/**
 * Every standard command_status of v3.4 (§5.1.3) and v5.0 (§4.7.6): name → `[value, the spec's
 * description]`. {@link CommandStatus} and {@link describeStatus} are derived from it.
 *
 * @example
 * COMMAND_STATUSES.ESME_RTHROTTLED; // [0x58, 'Throttling error (ESME has exceeded allowed message limits)']
 */
export const COMMAND_STATUSES = {
  ESME_ROK: [0x00000000, 'No error'],
  ESME_RINVMSGLEN: [0x00000001, 'Message length is invalid'],
  ESME_RINVCMDLEN: [0x00000002, 'Command length is invalid'],
  ESME_RINVCMDID: [0x00000003, 'Invalid command id'],
  ESME_RINVBNDSTS: [0x00000004, 'Incorrect bind status for given command'],
  ESME_RALYBND: [0x00000005, 'ESME already in bound state'],
  ESME_RINVPRTFLG: [0x00000006, 'Invalid priority flag'],
  ESME_RINVREGDLVFLG: [0x00000007, 'Invalid registered delivery flag'],
  ESME_RSYSERR: [0x00000008, 'System error'],
  ESME_RINVSRCADR: [0x0000000a, 'Invalid source address'],
  ESME_RINVDSTADR: [0x0000000b, 'Invalid destination address'],
  ESME_RINVMSGID: [0x0000000c, 'Message id is invalid'],
  ESME_RBINDFAIL: [0x0000000d, 'Bind failed'],
  ESME_RINVPASWD: [0x0000000e, 'Invalid password'],
  ESME_RINVSYSID: [0x0000000f, 'Invalid system id'],
  ESME_RCANCELFAIL: [0x00000011, 'cancel_sm failed'],
  ESME_RREPLACEFAIL: [0x00000013, 'replace_sm failed'],
  ESME_RMSGQFUL: [0x00000014, 'Message queue full'],
  ESME_RINVSERTYP: [0x00000015, 'Invalid service type'],
  ESME_RINVNUMDESTS: [0x00000033, 'Invalid number of destinations'],
  ESME_RINVDLNAME: [0x00000034, 'Invalid distribution list name'],
  ESME_RINVDESTFLAG: [0x00000040, 'Destination flag is invalid (submit_multi)'],
  ESME_RINVSUBREP: [0x00000042, "Invalid 'submit with replace' request (replace_if_present_flag set)"],
  ESME_RINVESMCLASS: [0x00000043, 'Invalid esm_class field data'],
  ESME_RCNTSUBDL: [0x00000044, 'Cannot submit to distribution list'],
  ESME_RSUBMITFAIL: [0x00000045, 'submit_sm or submit_multi failed'],
  ESME_RINVSRCTON: [0x00000048, 'Invalid source address TON'],
  ESME_RINVSRCNPI: [0x00000049, 'Invalid source address NPI'],
  ESME_RINVDSTTON: [0x00000050, 'Invalid destination address TON'],
  ESME_RINVDSTNPI: [0x00000051, 'Invalid destination address NPI'],
  ESME_RINVSYSTYP: [0x00000053, 'Invalid system_type field'],
  ESME_RINVREPFLAG: [0x00000054, 'Invalid replace_if_present flag'],
  ESME_RINVNUMMSGS: [0x00000055, 'Invalid number of messages'],
  ESME_RTHROTTLED: [0x00000058, 'Throttling error (ESME has exceeded allowed message limits)'],
  ESME_RINVSCHED: [0x00000061, 'Invalid scheduled delivery time'],
  ESME_RINVEXPIRY: [0x00000062, 'Invalid message validity period (expiry time)'],
  ESME_RINVDFTMSGID: [0x00000063, 'Predefined message invalid or not found'],
  ESME_RX_T_APPN: [0x00000064, 'ESME receiver temporary application error'],
  ESME_RX_P_APPN: [0x00000065, 'ESME receiver permanent application error'],
  ESME_RX_R_APPN: [0x00000066, 'ESME receiver reject message error'],
  ESME_RQUERYFAIL: [0x00000067, 'query_sm request failed'],
  ESME_RINVTLVSTREAM: [0x000000c0, 'Error in the optional part of the PDU body'],
  ESME_RTLVNOTALLWD: [0x000000c1, 'TLV not allowed'],
  ESME_RINVTLVLEN: [0x000000c2, 'Invalid parameter length'],
  ESME_RMISSINGTLV: [0x000000c3, 'Expected TLV missing'],
  ESME_RINVTLVVAL: [0x000000c4, 'Invalid TLV value'],
  ESME_RDELIVERYFAILURE: [0x000000fe, 'Transaction delivery failure (used for data_sm_resp)'],
  ESME_RUNKNOWNERR: [0x000000ff, 'Unknown error'],
  ESME_RSERTYPUNAUTH: [0x00000100, 'ESME not authorised to use specified service_type'],
  ESME_RPROHIBITED: [0x00000101, 'ESME prohibited from using specified operation'],
  ESME_RSERTYPUNAVAIL: [0x00000102, 'Specified service_type is unavailable'],
  ESME_RSERTYPDENIED: [0x00000103, 'Specified service_type is denied'],
  ESME_RINVDCS: [0x00000104, 'Invalid data coding scheme'],
  ESME_RINVSRCADDRSUBUNIT: [0x00000105, 'Source address subunit is invalid'],
  ESME_RINVDSTADDRSUBUNIT: [0x00000106, 'Destination address subunit is invalid'],
  ESME_RINVBCASTFREQINT: [0x00000107, 'Broadcast frequency interval is invalid'],
  ESME_RINVBCASTALIAS_NAME: [0x00000108, 'Broadcast alias name is invalid'],
  ESME_RINVBCASTAREAFMT: [0x00000109, 'Broadcast area format is invalid'],
  ESME_RINVNUMBCAST_AREAS: [0x0000010a, 'Number of broadcast areas is invalid'],
  ESME_RINVBCASTCNTTYPE: [0x0000010b, 'Broadcast content type is invalid'],
  ESME_RINVBCASTMSGCLASS: [0x0000010c, 'Broadcast message class is invalid'],
  ESME_RBCASTFAIL: [0x0000010d, 'broadcast_sm operation failed'],
  ESME_RBCASTQUERYFAIL: [0x0000010e, 'query_broadcast_sm operation failed'],
  ESME_RBCASTCANCELFAIL: [0x0000010f, 'cancel_broadcast_sm operation failed'],
  ESME_RINVBCAST_REP: [0x00000110, 'Number of repeated broadcasts is invalid'],
  ESME_RINVBCASTSRVGRP: [0x00000111, 'Broadcast service group is invalid'],
  ESME_RINVBCASTCHANIND: [0x00000112, 'Broadcast channel indicator is invalid'],
} as const;

/** The name of a standard command_status, e.g. `'ESME_RTHROTTLED'`. */
export type CommandStatusName = keyof typeof COMMAND_STATUSES;

/**
 * command_status values by name. v3.4 calls 0xC0–0xC4 ESME_RINVOPTPARSTREAM, ESME_ROPTPARNOTALLWD,
 * ESME_RINVPARLEN, ESME_RMISSINGOPTPARAM and ESME_RINVOPTPARAMVAL; v5.0 renamed them (the names
 * here); `CommandStatusAlias` maps the old names.
 */
export const CommandStatus = Object.fromEntries(Object.entries(COMMAND_STATUSES).map(([name, [value]]) => [name, value])) as {
  readonly [K in CommandStatusName]: (typeof COMMAND_STATUSES)[K][0];
};

/** v3.4 names of statuses v5.0 renamed, mapped to their values, for peers that log the old names. */
export const CommandStatusAlias = {
  ESME_RINVOPTPARSTREAM: CommandStatus.ESME_RINVTLVSTREAM,
  ESME_ROPTPARNOTALLWD: CommandStatus.ESME_RTLVNOTALLWD,
  ESME_RINVPARLEN: CommandStatus.ESME_RINVTLVLEN,
  ESME_RMISSINGOPTPARAM: CommandStatus.ESME_RMISSINGTLV,
  ESME_RINVOPTPARAMVAL: CommandStatus.ESME_RINVTLVVAL,
} as const;

const byValue = new Map<number, { name: CommandStatusName; description: string }>(
  Object.entries(COMMAND_STATUSES).map(([name, [value, description]]) => [value, { name: name as CommandStatusName, description }]),
);

/**
 * Describes a command_status: its name and the spec's description. Values 0x400–0x4FF are
 * reserved for MC vendors; anything else unknown is reported as such.
 */
export function describeStatus(status: number): {
  /** The status's name (`'ESME_RTHROTTLED'`), `vendor_0x…` for a vendor code, or its hex value. */
  name: string;
  /** The spec's description of the status, or what kind of unknown status it is. */
  description: string;
} {
  const known = byValue.get(status);
  if (known !== undefined) return known;
  if (status >= 0x400 && status <= 0x4ff) return { name: `vendor_0x${status.toString(16)}`, description: 'MC vendor-specific error' };
  return { name: `0x${status.toString(16).padStart(8, '0')}`, description: 'Unknown command status' };
}
