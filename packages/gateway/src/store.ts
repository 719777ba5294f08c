// What the gateway keeps across restarts, behind an asynchronous interface that SQLite (one node)
// and PostgreSQL (several nodes) implement: registrations (RFC 3261 §10.3 bindings), messages
// waiting in either direction (claimed with leases, so two nodes never take the same one), MESSAGE
// identities for retransmissions, receipts to come, users and the nonce secret.
import type { ApiStore } from './api-store.js';

/** One Contact bound to an address-of-record. */
export interface Binding {
  /** The AOR, canonical: `sip:user@domain`. */
  readonly aor: string;
  /** The Contact URI as registered. */
  readonly contact: string;
  /** When it expires, on the runtime clock (ms). */
  readonly expiresAt: number;
  /**
   * The Call-ID of the REGISTER that made or last refreshed it: with `cseq`, orders requests (RFC
   * 3261 §10.3 step 7).
   */
  readonly callId: string;
  /** The CSeq number of that REGISTER; an older one with the same Call-ID is refused. */
  readonly cseq: number;
}

/** A mobile-originated message not yet delivered to its user. */
export interface PendingMessage {
  /** The store's id for the message, used to delete it once delivered. */
  readonly id: number;
  /** The AOR it is for, canonical: `sip:user@domain`. */
  readonly aor: string;
  /** The sender's number, as the SMSC gave it. */
  readonly from: string;
  /** The body: the message's text, or the notification document. */
  readonly text: string;
  /** `text/plain;charset=UTF-8` for a text, `message/imdn+xml` for a delivery notification. */
  readonly contentType: string;
  /** When the gateway received it, on the runtime clock (ms). */
  readonly receivedAt: number;
}

/** A message the SMSC accepted, kept until its delivery receipt comes back. */
export interface SentMessage {
  /** The SMSC's message_id (of the first part). */
  readonly messageId: string;
  /** Who sent it: the AOR the notification goes to. */
  readonly senderAor: string;
  /** The number it went to. */
  readonly recipient: string;
  /** The Call-ID of the MESSAGE, which the notification names (RFC 5438 message-id). */
  readonly sipMessageId: string;
  /** When the SMSC accepted it, on the runtime clock (ms). */
  readonly sentAt: number;
  /**
   * The connector it went through: only a receipt from that connector takes the record (another
   * SMSC may number its messages the same). Null for a record written before connectors were kept:
   * any connector's receipt takes it.
   */
  readonly connector: string | null;
}

/** A MESSAGE taken from a SIP user and not yet accepted by the SMSC (being submitted, or no bind was up). */
export interface OutboundMessage {
  /** The store's id for the message, used to delete it once submitted. */
  readonly id: number;
  /** Who sent it: the AOR delivery notifications go to; null for an unauthenticated sender. */
  readonly senderAor: string | null;
  /** The SMPP source address (number or alphanumeric name). */
  readonly source: string;
  /** The source's type of number (SMPP v3.4 §5.2.5). */
  readonly sourceTon: number;
  /** The source's numbering plan indicator (SMPP v3.4 §5.2.6). */
  readonly sourceNpi: number;
  /** The destination number. */
  readonly destination: string;
  /** The destination's type of number (its NPI is always E.164). */
  readonly destinationTon: number;
  /** The message's text. */
  readonly text: string;
  /** The Call-ID of the MESSAGE, which a delivery notification names (RFC 5438 message-id). */
  readonly sipMessageId: string;
  /** When the gateway took it, on the runtime clock (ms). */
  readonly createdAt: number;
  /**
   * The HTTP API's id for it (api-store.ts), when it came over HTTP: its parts' results and receipts
   * are recorded against that message. Absent or null for a SIP MESSAGE.
   */
  readonly apiMessageId?: string | null;
}

/** A user allowed to REGISTER and send MESSAGEs: digest HA1s for the realm, never the password. */
export interface SipUser {
  /** The SIP username: the user part of the AOR and the digest username. */
  readonly username: string;
  /** The realm the HA1s were computed for (the SIP domain). */
  readonly realm: string;
  /** MD5(username:realm:password), hex. */
  readonly ha1Md5: string;
  /** SHA-256(username:realm:password), hex. */
  readonly ha1Sha256: string;
}

/**
 * A MESSAGE already taken, by its identity (Call-ID, CSeq number, From tag): a retransmission that
 * reaches a restarted gateway (or another node) gets the same answer instead of a second submit.
 */
export interface TakenMessage {
  /**
   * 0 once it is stored: its answer is 202, or not known yet (it waits for the SMSC), and a copy is
   * answered 202. A refusal's status is recorded before it is sent.
   */
  readonly status: number;
  /** When the record may be forgotten, on the runtime clock (ms). */
  readonly expiresAt: number;
}

/** A MESSAGE's identity, recorded with it so that a retransmission is not submitted twice. */
export interface MessageIdentity {
  /** Call-ID, CSeq number and From tag, as sip-core.ts joins them. */
  readonly key: string;
  /** When the record may be forgotten (ms): past the client's last retransmission. */
  readonly expiresAt: number;
}

/**
 * A claim on queued work: whoever holds it may work on the row until `until`; after that (a node
 * that crashed) another node may claim it again. Times are on the runtime clock (ms).
 */
export interface Lease {
  /** The time of the claim: rows whose lease ended by then may be claimed. */
  readonly now: number;
  /** Until when the claim holds. */
  readonly until: number;
}

/**
 * A bind lease this node holds, as the store vouches for it: the bind and the fencing token it was
 * granted with. A submit goes out only on a bind whose current lease has this token.
 */
export interface HeldBind {
  /** The bind's id: `<system_id>@<host>:<port>#<index>`, the same on every node. */
  readonly bind: string;
  /** The lease's fencing token: it grows each time the bind changes owner. */
  readonly token: number;
}

/** A bind lease granted or renewed by `leaseBind`. */
export interface BindLease extends HeldBind {
  /** How long it holds from the moment the store granted it (ms). */
  readonly ttl: number;
}

/** What a node says of itself at each heartbeat, for the cluster view. */
export interface NodeBeat {
  /** The node's name (`cluster.nodeId`); the store keys it by `Store.node`, unique per process start. */
  readonly name: string;
  /** When the node started (wall clock, ms). */
  readonly startedAt: number;
  /** How long the heartbeat holds (ms): past it without another, the node counts as dead. */
  readonly ttl: number;
  /** Where the node listens and how its binds are, shown as it is. */
  readonly detail: NodeDetail;
}

/** A node's own account of itself, stored with its heartbeat. */
export interface NodeDetail {
  /** Its SIP listeners, as `<transport> <address>:<port>`. */
  readonly sip: readonly string[];
  /** Its status page, `host:port`, or null. */
  readonly status: string | null;
  /** Each bind it holds a lease on, with the bind's session state (`BOUND_TRX`, `CLOSED`…). */
  readonly binds: readonly {
    /** The bind's id (`<systemId>@<host>:<port>#<index>`). */
    readonly bind: string;
    /** Its session's bind state. */
    readonly state: string;
  }[];
}

/** A node as the cluster view shows it. */
export interface ClusterNode {
  /** The store's key for the node (`Store.node`: name plus a random suffix). */
  readonly node: string;
  /** Its name (`cluster.nodeId`). */
  readonly name: string;
  /** When it started (wall clock, ms). */
  readonly startedAt: number;
  /** Milliseconds since its last heartbeat, on the store's clock. */
  readonly heartbeatAge: number;
  /** Whether its heartbeat still holds. */
  readonly alive: boolean;
  /** What it said of itself at its last heartbeat. */
  readonly detail: NodeDetail;
}

/** A bind's lease as the cluster view shows it. */
export interface ClusterLease {
  /** The bind's id. */
  readonly bind: string;
  /** The node holding it (`Store.node`), or null when it was given back or never taken. */
  readonly owner: string | null;
  /** Its fencing token. */
  readonly token: number;
  /** Milliseconds left on the lease, on the store's clock (0 or less: expired, free to take). */
  readonly left: number;
}

/** Every node and every bind lease, read from the store at one moment of its clock. */
export interface ClusterView {
  /** The store's clock when it was read (ms). */
  readonly now: number;
  /** Every node that has written a heartbeat, live or not. */
  readonly nodes: readonly ClusterNode[];
  /** Every bind's lease row: its owner, token and end. */
  readonly leases: readonly ClusterLease[];
}

/** What `reapNodes` found: nodes whose heartbeat ended, and the users whose stored messages they held. */
export interface ReapedNodes {
  /** The nodes (`Store.node`) whose claims were given back now. */
  readonly nodes: readonly string[];
  /** The AORs of inbound messages given back: their delivery can be tried again. */
  readonly aors: readonly string[];
}

/** What `queueOutbound` did: stored the MESSAGE, or found its identity already taken. */
export type QueuedOutbound =
  | {
      /** Stored, claimed by this node with the lease given. */
      readonly kind: 'queued';
      /** The row's id, to delete or release it. */
      readonly id: number;
      /**
       * The bind leases this node held when the row was stored, by the store's clock: the fence
       * its submit goes through (a node paused past its lease finds none of its binds here).
       */
      readonly held: readonly HeldBind[];
    }
  | {
      /** A live record of the same identity exists: nothing was stored. */
      readonly kind: 'seen';
      /** That record: status 0 while the first copy waits for its answer. */
      readonly taken: TakenMessage;
    };

/** What a REGISTER does to one AOR's bindings, decided from the current ones (RFC 3261 §10.3). */
export interface BindingChange {
  /** Removes every binding of the AOR first (`Contact: *`). */
  readonly removeAll?: boolean;
  /** Contacts whose binding is removed (`expires=0`). */
  readonly remove?: readonly string[];
  /** Bindings added or refreshed (their `aor` is the AOR changed). */
  readonly put?: readonly Binding[];
}

/**
 * Decides a change from an AOR's current bindings (valid at the time given), or `undefined` to
 * change nothing (a refused REGISTER). It runs inside the store's transaction: pure and quick.
 */
export type BindingDecision = (current: readonly Binding[]) => BindingChange | undefined;

/**
 * What the gateway keeps across restarts: registrations, messages waiting in either direction, sent
 * messages awaiting receipts, users and the nonce secret. {@link SqliteStore} (one node, the
 * embedded default) and {@link PostgresStore} (several nodes on one database) implement it.
 *
 * Every method returns a promise, and every write is durable once it resolves. A failure rejects
 * with a {@link StoreError}: the gateway answers 503 with Retry-After and keeps running. Work in
 * the queues is claimed with a {@link Lease}, so nodes sharing a store never take the same row at
 * once; a claim that outlives its node (a crash) ends with its lease. Times are whole
 * milliseconds on the gateway's clock (wall time advanced by the runtime's clock).
 */
export interface Store {
  /** Who claims work through this store (a node of the gateway): `host/pid/random` unless given. */
  readonly node: string;
  /** The HTTP API's keys and messages, the webhook queue and the routing table, in the same database. */
  readonly api: ApiStore;

  /** The bindings of `aor` still valid at `now`, the one expiring last first. */
  bindings(aor: string, now: number): Promise<Binding[]>;
  /**
   * Changes the bindings of `aor` atomically: `decide` sees them as they are (valid at `now`) and
   * no other change of the same AOR, on any node, comes between its reading and its writing. Resolves
   * with the bindings valid at `now` afterwards (unchanged when `decide` returned undefined).
   */
  changeBindings(aor: string, now: number, decide: BindingDecision): Promise<Binding[]>;
  /** Deletes expired bindings; resolves with how many. */
  purgeExpired(now: number): Promise<number>;
  /** How many bindings are still valid at `now`, across all users. */
  countBindings(now: number): Promise<number>;

  /** Stores a message for a SIP user durably; resolves with its id. */
  queueInbound(message: Omit<PendingMessage, 'id'>): Promise<number>;
  /** The messages waiting for `aor`, oldest first (claimed or not). */
  pendingFor(aor: string): Promise<PendingMessage[]>;
  /**
   * Claims the oldest message waiting for `aor`, unless it is claimed already (by any node): one
   * delivery per user at a time, in order. Undefined when there is none to claim.
   */
  claimInbound(aor: string, lease: Lease): Promise<PendingMessage | undefined>;
  /** Gives a message this node claims back (its delivery failed): any node may claim it again. */
  releaseInbound(id: number): Promise<void>;
  /** Deletes a message once delivered. */
  deleteInbound(id: number): Promise<void>;
  /** How many messages wait for their users. */
  countPending(): Promise<number>;

  /**
   * Keeps a MESSAGE for the SMSC, durably, claimed by this node with `lease` (it is submitted at
   * once). With `identity`, the MESSAGE's identity is recorded in the same transaction (status 0),
   * unless a record of it valid at `lease.now` exists: then nothing is stored and that record is
   * returned, whichever node took the first copy.
   */
  queueOutbound(message: Omit<OutboundMessage, 'id'>, options: { readonly identity?: MessageIdentity; readonly lease: Lease }): Promise<QueuedOutbound>;
  /** Claims up to `limit` waiting MESSAGEs no lease holds at `lease.now`, oldest first. */
  claimOutbound(limit: number, lease: Lease): Promise<OutboundMessage[]>;
  /** Gives a MESSAGE this node claims back (no bind could take it): any node may claim it again. */
  releaseOutbound(id: number): Promise<void>;
  /**
   * Deletes a waiting MESSAGE once the SMSC accepted it (or refused it for good). With `sent`, what
   * its receipt will need is kept in the same transaction (as {@link Store.recordSent}), so a crash
   * between the two cannot lose the sender's notification, and a node pays one round trip for both.
   */
  deleteOutbound(id: number, sent?: SentMessage): Promise<void>;
  /** How many MESSAGEs wait for the SMSC (claimed or not). */
  countOutbound(): Promise<number>;

  /** What was recorded for a MESSAGE identity still valid at `now`. */
  takenMessage(key: string, now: number): Promise<TakenMessage | undefined>;
  /** Records the final status answered for a MESSAGE identity. */
  answeredMessage(key: string, status: number): Promise<void>;
  /** Deletes expired MESSAGE identities; resolves with how many. */
  purgeTaken(now: number): Promise<number>;

  /** Keeps what a delivery receipt will need to be turned into a notification for the sender. */
  recordSent(message: SentMessage): Promise<void>;
  /**
   * Takes (reads and deletes, atomically: one node gets it) what was recorded for `messageId` on
   * `connector` (or on no connector: a record of an older version).
   */
  takeSent(messageId: string, connector: string): Promise<SentMessage | undefined>;
  /** Deletes the records of messages accepted before `before` whose receipts never came; resolves with how many. */
  purgeSent(before: number): Promise<number>;

  /** A user, or undefined. */
  user(username: string): Promise<SipUser | undefined>;
  /** Adds or replaces a user. */
  putUser(user: SipUser): Promise<void>;
  /** Removes a user; false when there was none. */
  removeUser(username: string): Promise<boolean>;
  /** Every username, sorted. */
  usernames(): Promise<string[]>;
  /** A random secret made once and kept, the same for every node (it signs digest nonces). */
  serverSecret(): Promise<Buffer>;

  /**
   * Takes the lease of `bind` for `ttl` ms, or renews it: granted when nobody holds it, its lease
   * has ended (by the store's clock), or this node holds it already. The token is the bind's
   * fencing token: it grows by one when the bind changes owner, and stays the same on a renewal.
   * Undefined when another node holds it.
   */
  leaseBind(bind: string, ttl: number): Promise<BindLease | undefined>;
  /** Gives the lease back, if this node still holds it with `token`; its lease ends now. */
  releaseBind(bind: string, token: number): Promise<void>;
  /** The bind leases this node holds that have not ended, by the store's clock. */
  heldBinds(): Promise<HeldBind[]>;
  /** Records this node's heartbeat (it holds for `beat.ttl` ms, by the store's clock). */
  heartbeat(beat: NodeBeat): Promise<void>;
  /**
   * Gives back the queue claims of nodes whose heartbeat ended (they crashed, or hang) and whose
   * bind leases have all ended too (they can submit nothing more), so that live nodes finish their
   * work; forgets nodes dead for longer than `forgetAfter` ms.
   */
  reapNodes(forgetAfter: number): Promise<ReapedNodes>;
  /** Every node that sent a heartbeat (and is not forgotten) and every bind lease. */
  clusterView(): Promise<ClusterView>;
  /** This node leaves the cluster (it stops): its bind leases end and its heartbeat row goes. */
  leaveCluster(): Promise<void>;

  /**
   * Gives back what this node still claims, then closes; calls afterwards reject with a
   * StoreError. Closing twice is harmless.
   */
  close(): Promise<void>;
}
