// Putting received parts back together: parts are keyed by (source, destination, reference,
// total), whether they were joined by a UDH or by SAR TLVs, and joined at the octet level (so a
// sender that cut inside an escape sequence or a surrogate pair still reassembles correctly).
// No timers here: pass the time in, purge what is too old.
import { describeDataCoding } from './data-coding.js';
import { DEFAULT_TABLES, type GsmTables } from './gsm7.js';
import { decodeText } from './text.js';
import { languageOf, parseUdh } from './udh.js';

const UDHI = 0x40;

/** The fields of a received deliver_sm / data_sm that reassembly needs. */
export interface ReceivedMessage {
  /** The sender's address: with the destination and the reference, it keys the parts of one message. */
  readonly source_addr: string;
  /** The recipient's address. */
  readonly destination_addr: string;
  /** The PDU's esm_class: bit 6 (0x40, UDHI) says short_message starts with a UDH. */
  readonly esm_class: number;
  /** The PDU's data_coding, which says how to decode the joined octets. */
  readonly data_coding: number;
  /** The PDU's short_message (empty when the text is in message_payload). */
  readonly short_message: Buffer;
  /** The PDU's TLVs that concern reassembly; other TLVs may be present and are ignored. */
  readonly tlvs?: {
    /** SAR reference of the message (v3.4 §5.3.2.22). */
    readonly sar_msg_ref_num?: number;
    /** SAR part count (v3.4 §5.3.2.23). */
    readonly sar_total_segments?: number;
    /** SAR part number, from 1 (v3.4 §5.3.2.24). */
    readonly sar_segment_seqnum?: number;
    /** The text, when it came in message_payload rather than short_message (v3.4 §5.3.2.32). */
    readonly message_payload?: Buffer;
  };
}

/** What `Reassembler.add` returns: the whole message, or how far along it is. */
export type Reassembly =
  | {
      /** Every part is in (or the message had only one). */
      readonly status: 'complete';
      /** The decoded text of the whole message. */
      readonly text: string;
      /** The joined user data, UDHs removed, before decoding. */
      readonly octets: Buffer;
      /** How many parts it came in. */
      readonly parts: number;
    }
  | {
      /** Parts are still missing; the message is kept until they come or it is purged. */
      readonly status: 'partial';
      /** Distinct parts received so far. */
      readonly received: number;
      /** Parts the message has in all. */
      readonly total: number;
    };

/** Options of a {@link Reassembler}: how long partial messages are kept, and the clock. */
export interface ReassemblerOptions {
  /** Milliseconds a partial message is kept (default 10 minutes). */
  readonly maxAge?: number;
  /** The time source (default Date.now). */
  readonly now?: () => number;
}

interface Pending {
  readonly total: number;
  readonly parts: Map<number, Buffer>;
  readonly firstSeen: number;
  tables: GsmTables;
}

/**
 * Joins the parts of long messages received in deliver_sm / data_sm, whether tied by a UDH
 * (3GPP TS 23.040 §9.2.3.24.1) or by SAR TLVs (v3.4 §5.3.2.22–24), and decodes the whole text.
 * It keeps no timers: partial messages older than `maxAge` are purged on the next `add`.
 *
 * @example
 * const reassembler = new Reassembler();
 * const result = reassembler.add(pdu); // a deliver_sm
 * if (result.status === 'complete') console.log(result.text);
 */
export class Reassembler {
  private readonly pending = new Map<string, Pending>();
  private readonly maxAge: number;
  private readonly now: () => number;

  /** Makes an empty reassembler. */
  constructor(options: ReassemblerOptions = {}) {
    this.maxAge = options.maxAge ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Messages waiting for parts. */
  get size(): number {
    return this.pending.size;
  }

  /** Adds a received message; returns the whole text once every part is in. */
  add(message: ReceivedMessage): Reassembly {
    const payload = message.tlvs?.message_payload;
    let octets = payload !== undefined && payload.length > 0 ? payload : message.short_message;
    let tables: GsmTables = DEFAULT_TABLES;
    let concat: { reference: number; total: number; sequence: number } | undefined;
    if ((message.esm_class & UDHI) !== 0) {
      const { udh, payload: rest } = parseUdh(octets);
      octets = rest;
      concat = udh.concat;
      tables = { locking: lockingTableOf(udh.lockingShift), single: languageOf(udh.singleShift) ?? 'default' };
    }
    const sar = message.tlvs;
    if (concat === undefined && sar?.sar_total_segments !== undefined && sar.sar_segment_seqnum !== undefined) {
      concat = { reference: sar.sar_msg_ref_num ?? 0, total: sar.sar_total_segments, sequence: sar.sar_segment_seqnum };
    }
    if (concat === undefined || concat.total <= 1) {
      return { status: 'complete', text: this.decode(octets, message.data_coding, tables), octets: Buffer.from(octets), parts: 1 };
    }
    this.purge();
    const key = `${message.source_addr}\u0000${message.destination_addr}\u0000${concat.reference}\u0000${concat.total}`;
    let entry = this.pending.get(key);
    if (entry === undefined) {
      entry = { total: concat.total, parts: new Map(), firstSeen: this.now(), tables };
      this.pending.set(key, entry);
    }
    if (concat.sequence >= 1 && concat.sequence <= concat.total) entry.parts.set(concat.sequence, Buffer.from(octets));
    if (concat.sequence === 1) entry.tables = tables;
    if (entry.parts.size < entry.total) return { status: 'partial', received: entry.parts.size, total: entry.total };
    this.pending.delete(key);
    const joined = Buffer.concat(Array.from({ length: entry.total }, (_, i) => entry.parts.get(i + 1)!));
    return { status: 'complete', text: this.decode(joined, message.data_coding, entry.tables), octets: joined, parts: entry.total };
  }

  /** Drops partial messages older than maxAge; returns how many. */
  purge(): number {
    const horizon = this.now() - this.maxAge;
    let dropped = 0;
    for (const [key, entry] of this.pending) {
      if (entry.firstSeen <= horizon) {
        this.pending.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  private decode(octets: Buffer, dataCoding: number, tables: GsmTables): string {
    return describeDataCoding(dataCoding).charset === 'gsm7' ? decodeText(octets, dataCoding, { tables }) : decodeText(octets, dataCoding);
  }
}

/** The locking table a UDH announces; Spanish has none (TS 23.038 A.3.2), so it stays default. */
function lockingTableOf(id: number | undefined): GsmTables['locking'] {
  const language = languageOf(id);
  return language === 'turkish' || language === 'portuguese' ? language : 'default';
}
