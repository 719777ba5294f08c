// The transactions the table holds without a process (held-entries.ts): a transaction process that
// reaches a state where only a timer is left hands itself over here and ends. The router answers
// their retransmissions from here, in its own process; their timers share one `sendAfter` of the
// store's process (held-process.ts), which also sends each one's first copy so that a transport
// failure of it still reaches the core with the transaction's handle.
import createDebug from 'debug';
import { cancelTimer, isAlive, send, sendAfter, type Pid, type TimerRef } from '@switchboard/actor';
import type { SipResponse } from '../message/message.js';
import { paramValue } from '../message/params.js';
import { serializeMessage } from '../message/serializer.js';
import type { Destination } from '../transport/endpoint.js';
import type { SipTransportError } from '../transport/errors.js';
import type { TransportSet } from '../transport/transport-set.js';
import type { CoreMessage } from './environment.js';
import { ExpiryLists } from './expiry-lists.js';
import type { ServerTransaction } from './handles.js';
import { AcceptedServer, CompletedClient, CompletedServer, ConfirmedServer, type FirstSend, type HeldEntry } from './held-entries.js';
import type { ClientKey, ServerKey } from './key.js';
import { CoreError, HeldTimeout, SendFirst, type HeldProtocol } from './messages.js';
import type { TransactionTable } from './table.js';

const log = createDebug('switchboard:sip:transaction');

/** What the store works with: the stack's table, transports, core and clock. */
export interface HeldContext {
  readonly table: TransactionTable;
  readonly transports: TransportSet;
  toCore(message: CoreMessage): void;
  /** The runtime clock's time, ms. */
  now(): number;
}

export class HeldTransactions {
  private owner: Pid<HeldProtocol> | null = null;
  private readonly expiry = new ExpiryLists<HeldEntry>();
  /** The one timer armed, for the earliest deadline, and the message it will deliver. */
  private timer: TimerRef | null = null;
  private timeout: HeldTimeout | null = null;
  private armedAt = Infinity;

  constructor(private readonly context: HeldContext) {}

  /** The runtime clock's time, ms. */
  now(): number {
    return this.context.now();
  }

  /** True while the store's process runs: only then can a transaction be held. */
  get running(): boolean {
    return this.owner !== null && isAlive(this.owner);
  }

  /**
   * Holds `entry` for `delay` ms in place of its process, which must end now; false (and nothing
   * done) when the store's process does not run. `first`, when given, is sent from here.
   */
  hold(entry: HeldEntry, delay: number, first?: FirstSend): boolean {
    const owner = this.owner;
    if (owner === null || !isAlive(owner)) return false;
    const { table } = this.context;
    if (entry instanceof CompletedClient) {
      table.clients.delete(entry.key);
      table.heldClients.set(entry.key, entry);
    } else {
      table.servers.delete(entry.key);
      table.heldServers.set(entry.key, entry);
    }
    const deadline = this.expiry.add(entry, delay, this.context.now());
    if (deadline < this.armedAt) this.arm(deadline);
    if (first !== undefined) send(owner, new SendFirst(entry, first));
    return true;
  }

  /**
   * A request (not an ACK) whose key matches a held server transaction: a non-INVITE in Completed
   * sends its final response again (RFC 3261 §17.2.2), an INVITE in Confirmed (§17.2.1) or in
   * Accepted (RFC 6026 §7.1) absorbs it. False when none matches.
   */
  receiveRequest(key: ServerKey): boolean {
    const entry = this.context.table.heldServers.get(key);
    if (entry === undefined) return false;
    if (entry instanceof CompletedServer) this.resend(entry, entry.response, entry.target);
    return true;
  }

  /**
   * An ACK matching an INVITE in Confirmed, absorbed (RFC 3261 §17.2.1); its To tag must be the
   * one the final response carried. False when it matches no held transaction in Confirmed: the
   * router then gives it to the core, as an INVITE in Accepted passes its ACKs (RFC 6026 §7.1).
   */
  receiveAck(key: ServerKey, toTag: string | null | undefined): boolean {
    const entry = this.context.table.heldServers.get(key);
    if (!(entry instanceof ConfirmedServer)) return false;
    return entry.transaction.toTag === undefined || entry.transaction.toTag === toTag;
  }

  /** The held INVITE server transaction a CANCEL looked up under `key` matches (§9.2). */
  invite(key: ServerKey): ServerTransaction | undefined {
    const entry = this.context.table.heldServers.get(key);
    return entry instanceof ConfirmedServer || entry instanceof AcceptedServer ? entry.transaction : undefined;
  }

  /**
   * The core's response through the handle of an INVITE held in Accepted: a 2xx goes out again
   * (RFC 6026 §7.1), and a transport error of it does not end the transaction (§8.7); anything else
   * is dropped and logged, as the machine does. Nothing is sent once the transaction has ended.
   */
  respondAccepted(entry: AcceptedServer, response: SipResponse): void {
    if (!this.holds(entry)) return;
    if (response.status < 200 || response.status >= 300) {
      log('INVITE server transaction %s: a %d in Accepted; ignored', entry.key, response.status);
      return;
    }
    // (called in the core's process: a response that cannot be sent is logged, never thrown there,
    // as a cast to a transaction process never throws)
    try {
      entry.transaction.toTag = paramValue(response.to?.params ?? [], 'tag') ?? undefined;
      this.context.transports.send(entry.target, serializeMessage(response), (error) => log('INVITE server transaction %s: a 2xx in Accepted not sent: %s', entry.key, error.message));
    } catch (error) {
      log('INVITE server transaction %s: a 2xx in Accepted not sent: %s', entry.key, error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * A response matching a held client transaction: absorbed, and for an INVITE a retransmitted
   * 300–699 is ACKed again (RFC 3261 §17.1.1.2, §17.1.2.2). False when none matches.
   */
  receiveResponse(key: ClientKey, status: number): boolean {
    const entry = this.context.table.heldClients.get(key);
    if (entry === undefined) return false;
    if (entry.ack !== null && status >= 300) this.resend(entry, entry.ack, entry.destination);
    return true;
  }

  /** Ends a held transaction before its timer (its handle's `terminate`). */
  release(entry: HeldEntry): void {
    const { table } = this.context;
    if (entry instanceof CompletedClient) {
      if (table.heldClients.get(entry.key) === entry) table.heldClients.delete(entry.key);
    } else if (table.heldServers.get(entry.key) === entry) table.heldServers.delete(entry.key);
  }

  /** True while `entry` is held (not expired, not released). */
  holds(entry: HeldEntry): boolean {
    return entry instanceof CompletedClient ? this.context.table.heldClients.get(entry.key) === entry : this.context.table.heldServers.get(entry.key) === entry;
  }

  // ---- for the store's process ---------------------------------------------------------------

  /** @internal the store's process started: it owns the timer now; whatever an earlier one held is gone. */
  attach(owner: Pid<HeldProtocol>): void {
    this.clear();
    this.owner = owner;
  }

  /** @internal the store's process `owner` ends: its transactions end with it, as processes would. */
  detach(owner: Pid<HeldProtocol>): void {
    if (this.owner !== owner) return;
    this.clear();
    this.owner = null;
  }

  /** @internal a timer fired: the transactions whose last timer has run out end. */
  expire(timeout: HeldTimeout): void {
    // One that fired just before it was cancelled for an earlier deadline is not the armed one.
    if (timeout !== this.timeout) return;
    this.timer = null;
    this.timeout = null;
    this.armedAt = Infinity;
    this.expiry.takeDue(this.context.now(), (entry) => this.release(entry));
    const next = this.expiry.nextDeadline();
    if (next !== Infinity) this.arm(next);
  }

  /** @internal sends a held transaction's first copy; a failure ends it and reaches the core. */
  sendFirst(message: SendFirst): void {
    const { entry, first } = message;
    this.context.transports.send(first.destination, first.bytes, (error) => {
      // RFC 3261 §17.1.4, §17.2.4: Completed ends on a transport error, and the core is told.
      if (!this.holds(entry)) return;
      this.release(entry);
      this.context.toCore(new CoreError(error, first.transaction));
    });
  }

  private resend(entry: HeldEntry, bytes: Buffer, destination: Destination): void {
    this.context.transports.send(destination, bytes, (error) => this.resendFailed(entry, error));
  }

  /**
   * A retransmitted copy could not be sent: the transaction ends (RFC 3261 §17.2.4). The core is not
   * told: a held transaction no longer has the handle the core knew it by.
   */
  private resendFailed(entry: HeldEntry, error: SipTransportError): void {
    if (!this.holds(entry)) return;
    this.release(entry);
    log('held transaction %s ended: %s', entry.key, error.message);
  }

  private arm(deadline: number): void {
    if (this.timer !== null) cancelTimer(this.timer);
    this.armedAt = deadline;
    this.timeout = new HeldTimeout();
    this.timer = sendAfter(this.owner!, this.timeout, Math.max(0, deadline - this.context.now()));
  }

  private clear(): void {
    const { table } = this.context;
    table.heldServers.clear();
    table.heldClients.clear();
    this.expiry.clear();
    if (this.timer !== null) cancelTimer(this.timer);
    this.timer = null;
    this.timeout = null;
    this.armedAt = Infinity;
  }
}
