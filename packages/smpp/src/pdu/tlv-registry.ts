// Every standard TLV of SMPP v3.4 (§5.3.2) and v5.0 (§4.8.4, table 4-60): tag, name and value
// type. Values are typed (numbers, strings, small records); everything else stays raw octets.

/** network_error_code (3 octets): the network type and its error code. */
export interface NetworkErrorCode {
  /** 1 ANSI-136, 2 IS-95, 3 GSM, 4 ANSI-41 (v3.4); v5.0 adds 5 SMPP, 6 MC, 7 GSM SS7, 8 … */
  readonly network_type: number;
  /** The error code in that network's own numbering (v3.4 §5.3.2), 2 octets. */
  readonly error_code: number;
}
/** broadcast_content_type (3 octets). */
export interface BroadcastContentType {
  /** The broadcast network: 0 generic, 1 GSM (3GPP TS 23.041), 2 TDMA (IS-824), 3 CDMA (IS-637) (v5.0 §4.8.4). */
  readonly network_type: number;
  /** The service the content belongs to (news, weather, …), in that network's numbering (2 octets). */
  readonly content_type: number;
}
/** broadcast_frequency_interval (3 octets). */
export interface BroadcastFrequencyInterval {
  /** 0x00 as frequently as possible, 0x08 seconds, 0x09 minutes, 0x0A hours, 0x0B days, … */
  readonly unit: number;
  /** How many `unit`s between repetitions (2 octets; v5.0 §4.8.4). */
  readonly value: number;
}
/** broadcast_area_identifier: a format octet and the area's description. */
export interface BroadcastAreaIdentifier {
  /** 0x00 alias / name, 0x01 ellipsoid arc, 0x02 polygon. */
  readonly format: number;
  /** The area's description in that format, raw (v5.0 §4.8.4). */
  readonly area: Buffer;
}

/**
 * How a TLV's value is encoded: an unsigned integer (`uint` has an odd `size` in octets), a
 * C-Octet string of at most `max` octets, raw octets (with the spec's length bounds), or one of
 * the small structured values (v3.4 §5.3.2, v5.0 §4.8.4).
 */
export type Kind =
  | {
      /** An unsigned big-endian integer of 1, 2 or 4 octets. */
      readonly type: 'u8' | 'u16' | 'u32';
    }
  | {
      /** An unsigned big-endian integer of another size. */
      readonly type: 'uint';
      /** Its size in octets (5 for dest_addr_np_country). */
      readonly size: number;
    }
  | {
      /** A C-Octet String: ASCII text ended by a NUL octet. */
      readonly type: 'cstring';
      /** The spec's maximum size in octets, the NUL included. */
      readonly max: number;
    }
  | {
      /** Raw octets, kept as a `Buffer`. */
      readonly type: 'octets';
      /** The fewest octets the spec allows, when it sets a bound. */
      readonly min?: number;
      /** The most octets the spec allows, when it sets a bound. */
      readonly max?: number;
    }
  | {
      /** One of the small structured values, decoded to its record type. */
      readonly type: 'network_error_code' | 'broadcast_content_type' | 'broadcast_frequency_interval' | 'broadcast_area_identifier';
    };

const u8 = { type: 'u8' } as const;
const u16 = { type: 'u16' } as const;
const u32 = { type: 'u32' } as const;
const octets = (min?: number, max?: number) => ({ type: 'octets', ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) }) as const;
const cstring = (max: number) => ({ type: 'cstring', max }) as const;

/** The registry: name → tag and kind. Repeatable TLVs are marked. */
export const TLVS = {
  dest_addr_subunit: { tag: 0x0005, kind: u8 },
  dest_network_type: { tag: 0x0006, kind: u8 },
  dest_bearer_type: { tag: 0x0007, kind: u8 },
  dest_telematics_id: { tag: 0x0008, kind: u16 },
  source_addr_subunit: { tag: 0x000d, kind: u8 },
  source_network_type: { tag: 0x000e, kind: u8 },
  source_bearer_type: { tag: 0x000f, kind: u8 },
  source_telematics_id: { tag: 0x0010, kind: u8 },
  qos_time_to_live: { tag: 0x0017, kind: u32 },
  payload_type: { tag: 0x0019, kind: u8 },
  additional_status_info_text: { tag: 0x001d, kind: cstring(256) },
  receipted_message_id: { tag: 0x001e, kind: cstring(65) },
  ms_msg_wait_facilities: { tag: 0x0030, kind: u8 },
  privacy_indicator: { tag: 0x0201, kind: u8 },
  source_subaddress: { tag: 0x0202, kind: octets(2, 23) },
  dest_subaddress: { tag: 0x0203, kind: octets(2, 23) },
  user_message_reference: { tag: 0x0204, kind: u16 },
  user_response_code: { tag: 0x0205, kind: u8 },
  source_port: { tag: 0x020a, kind: u16 },
  destination_port: { tag: 0x020b, kind: u16 },
  sar_msg_ref_num: { tag: 0x020c, kind: u16 },
  language_indicator: { tag: 0x020d, kind: u8 },
  sar_total_segments: { tag: 0x020e, kind: u8 },
  sar_segment_seqnum: { tag: 0x020f, kind: u8 },
  sc_interface_version: { tag: 0x0210, kind: u8 },
  callback_num_pres_ind: { tag: 0x0302, kind: u8 },
  callback_num_atag: { tag: 0x0303, kind: octets(0, 65) },
  number_of_messages: { tag: 0x0304, kind: u8 },
  callback_num: { tag: 0x0381, kind: octets(4, 19) },
  dpf_result: { tag: 0x0420, kind: u8 },
  set_dpf: { tag: 0x0421, kind: u8 },
  ms_availability_status: { tag: 0x0422, kind: u8 },
  network_error_code: { tag: 0x0423, kind: { type: 'network_error_code' } },
  message_payload: { tag: 0x0424, kind: octets() },
  delivery_failure_reason: { tag: 0x0425, kind: u8 },
  more_messages_to_send: { tag: 0x0426, kind: u8 },
  message_state: { tag: 0x0427, kind: u8 },
  congestion_state: { tag: 0x0428, kind: u8 },
  ussd_service_op: { tag: 0x0501, kind: u8 },
  broadcast_channel_indicator: { tag: 0x0600, kind: u8 },
  broadcast_content_type: { tag: 0x0601, kind: { type: 'broadcast_content_type' } },
  broadcast_content_type_info: { tag: 0x0602, kind: octets(0, 255) },
  broadcast_message_class: { tag: 0x0603, kind: u8 },
  broadcast_rep_num: { tag: 0x0604, kind: u16 },
  broadcast_frequency_interval: { tag: 0x0605, kind: { type: 'broadcast_frequency_interval' } },
  broadcast_area_identifier: { tag: 0x0606, kind: { type: 'broadcast_area_identifier' }, repeatable: true },
  broadcast_error_status: { tag: 0x0607, kind: u32 },
  broadcast_area_success: { tag: 0x0608, kind: u8, repeatable: true },
  broadcast_end_time: { tag: 0x0609, kind: cstring(17) },
  broadcast_service_group: { tag: 0x060a, kind: octets(0, 255) },
  billing_identification: { tag: 0x060b, kind: octets(0, 1024) },
  source_network_id: { tag: 0x060d, kind: cstring(65) },
  dest_network_id: { tag: 0x060e, kind: cstring(65) },
  source_node_id: { tag: 0x060f, kind: octets(6, 6) },
  dest_node_id: { tag: 0x0610, kind: octets(6, 6) },
  dest_addr_np_resolution: { tag: 0x0611, kind: u8 },
  dest_addr_np_information: { tag: 0x0612, kind: octets(10, 10) },
  dest_addr_np_country: { tag: 0x0613, kind: { type: 'uint', size: 5 } },
  display_time: { tag: 0x1201, kind: u8 },
  sms_signal: { tag: 0x1203, kind: u16 },
  ms_validity: { tag: 0x1204, kind: octets(1, 4) },
  alert_on_message_delivery: { tag: 0x130c, kind: octets(0, 1) },
  its_reply_type: { tag: 0x1380, kind: u8 },
  its_session_info: { tag: 0x1383, kind: octets(2, 2) },
} as const satisfies Record<string, { tag: number; kind: Kind; repeatable?: boolean }>;

/** The name of a known TLV, as the spec spells it (`'message_payload'`, `'sar_msg_ref_num'`, …). */
export type TlvName = keyof typeof TLVS;

/** The TypeScript type of a TLV value of encoding `K`: numbers, strings, `Buffer`s or the structured records above. */
export type ValueOfKind<K> = K extends {
    /** Integers, decoded to a number. */
    type: 'u8' | 'u16' | 'u32' | 'uint';
  }
  ? number
  : K extends {
      /** C-Octet Strings, decoded to a string. */
      type: 'cstring';
    }
    ? string
    : K extends {
        /** Raw octets, kept as a Buffer. */
        type: 'octets';
      }
      ? Buffer
      : K extends {
          /** Decoded to a `NetworkErrorCode`. */
          type: 'network_error_code';
        }
        ? NetworkErrorCode
        : K extends {
            /** Decoded to a `BroadcastContentType`. */
            type: 'broadcast_content_type';
          }
          ? BroadcastContentType
          : K extends {
              /** Decoded to a `BroadcastFrequencyInterval`. */
              type: 'broadcast_frequency_interval';
            }
            ? BroadcastFrequencyInterval
            : K extends {
                /** Decoded to a `BroadcastAreaIdentifier`. */
                type: 'broadcast_area_identifier';
              }
              ? BroadcastAreaIdentifier
              : never;

/** The typed value of each known TLV; repeatable TLVs hold an array. */
export type TlvValues = {
  [N in TlvName]: (typeof TLVS)[N] extends {
    /** Set on the TLVs that may appear more than once in a PDU. */
    repeatable: true;
  }
    ? ValueOfKind<(typeof TLVS)[N]['kind']>[]
    : ValueOfKind<(typeof TLVS)[N]['kind']>;
};

/** A TLV whose tag is not in the registry: kept raw under its hex tag, e.g. `'0x1401'`. */
export type UnknownTlvKey = `0x${string}`;

/**
 * The TLVs of a PDU, in wire order: known ones by name with typed values, unknown ones by hex tag
 * with their raw value octets (a repeated unknown tag holds an array). Re-encoding keeps the order.
 */
export type Tlvs = Partial<TlvValues> & { [tag: UnknownTlvKey]: Buffer | Buffer[] };

/** One row of the TLV registry, as `tlvByTag` and `tlvByName` return it. */
export interface TlvDefinition {
  /** The TLV's name, also its key in {@link Tlvs}. */
  readonly name: TlvName;
  /** The 16-bit tag it has on the wire. */
  readonly tag: number;
  /** How its value is encoded. */
  readonly kind: Kind;
  /** Whether it may appear more than once in a PDU (its value is then an array). */
  readonly repeatable: boolean;
}

const byTag = new Map<number, TlvDefinition>();
const byName = new Map<string, TlvDefinition>();
for (const [name, def] of Object.entries(TLVS)) {
  const definition: TlvDefinition = { name: name as TlvName, tag: def.tag, kind: def.kind, repeatable: 'repeatable' in def && def.repeatable };
  byTag.set(def.tag, definition);
  byName.set(name, definition);
}

/**
 * Looks up a TLV by its wire tag, as the decoder does; `undefined` for a tag not in the registry
 * (kept raw under {@link UnknownTlvKey}).
 */
export function tlvByTag(tag: number): TlvDefinition | undefined {
  return byTag.get(tag);
}

/** Looks up a TLV by its spec name, as the encoder does; `undefined` for a name not in the registry. */
export function tlvByName(name: string): TlvDefinition | undefined {
  return byName.get(name);
}

/** The hex key an unknown tag is kept under. */
export function unknownTlvKey(tag: number): UnknownTlvKey {
  return `0x${tag.toString(16).padStart(4, '0')}`;
}
