// The shapes of connectors and routes as the admin API takes them and the store keeps them (as JSON
// in `routing_entries`): what an operator writes, validated before it is stored or used.
import type { MessageIdType } from '../api-store.js';

/** How a connector binds (SMPP v3.4 §4.1): a transceiver both submits and receives; a transmitter only submits; a receiver only receives. */
export type BindType = 'transceiver' | 'transmitter' | 'receiver';

/** One SMSC account: where it is, its credentials and its limits. Each bind runs under its own supervisor. */
export interface ConnectorSpec {
  /** The SMSC's host name or address. */
  readonly host: string;
  /** The SMSC's port (1–65535). */
  readonly port: number;
  /** Whether to connect over TLS. */
  readonly tls: boolean;
  /** The system_id sent in the bind (at most 15 characters, SMPP v3.4 §5.2.1). */
  readonly systemId: string;
  /** The password sent in the bind (at most 8 characters, SMPP v3.4 §5.2.2). */
  readonly password: string;
  /** The system_type sent in the bind (at most 12 characters); empty by default. */
  readonly systemType: string;
  /** How many binds to keep up (1–32): the operator's grant for the account. */
  readonly binds: number;
  /** How it binds. */
  readonly bindType: BindType;
  /** Requests in flight per bind (1–1000). */
  readonly window: number;
  /** Most submit_sm per second per bind (the operator's contract); 0 for no limit. */
  readonly throughput: number;
  /** How the SMSC spells message_ids in submit_sm_resp and in receipts (Kannel's `msg-id-type`). */
  readonly messageIdType: MessageIdType;
  /**
   * For a receiver bound to the same account as a transmitter: that connector's name. Receipts that
   * come in here are matched against the messages submitted there. Null: its own.
   */
  readonly receiptsFor: string | null;
}

/** One connector a route may use, in failover order. */
export interface RouteTarget {
  /** The connector's name. */
  readonly connector: string;
  /** Lower first: the targets of the lowest priority that can take the message are tried before any other (1–100). */
  readonly priority: number;
  /** Among targets of one priority, the share of messages each gets (1–1000). */
  readonly weight: number;
}

/** A mobile-terminated route: destinations starting with `prefix` go to its targets. */
export interface MtRouteSpec {
  /** Digits the destination (without a leading `+`) starts with; empty: every destination (the default route). The longest prefix wins. */
  readonly prefix: string;
  /** The connectors, tried by priority, spread by weight, failed over in order. */
  readonly targets: readonly RouteTarget[];
}

/** A mobile-originated route: messages to numbers starting with `prefix` go to a SIP user, a webhook, or both. */
export interface MoRouteSpec {
  /** Digits the MO message's destination starts with; empty: every destination. The longest prefix wins. */
  readonly prefix: string;
  /** The SIP user it is delivered to (`alice` for sip:alice@domain); null: not to SIP. The destination number itself when `'$destination'`. */
  readonly sipUser: string | null;
  /** The URL it is POSTed to; null: no webhook. */
  readonly webhookUrl: string | null;
  /** The secret the webhook is signed with (required with a URL). */
  readonly webhookSecret: string | null;
}
