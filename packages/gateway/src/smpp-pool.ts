// The SMSC side: a pool of transceiver binds, each used only while this node holds its lease.
// Messages go round-robin to the binds that are up, leased and vouched for by the message's fence,
// and the pool keeps each bind's window itself: a submit is handed to a session only when the
// session has a slot for every part, so nothing waits inside the session where no lease is checked.
// The lease is checked at that last moment, synchronously, against a local deadline that ends
// before the store's lease does (see docs/scale-out.md, "One owner per bind").
import createDebug from 'debug';
import type { Clock, ClockHandle } from '@switchboard/actor';
import { BindStateError, PartialSendError, QueueFullError, WindowTimeoutError, type DeliverHandler, type PduOf, type SmppClient, type TextMessage } from '@switchboard/smpp';
import type { HeldBind } from './store.js';
import { smsParts } from './sms-parts.js';

const log = createDebug('switchboard:gateway:smpp');

/** A lease this node holds on one bind, as the pool enforces it. */
export interface BindGrant {
  /** The bind's id (`<system_id>@<host>:<port>#<index>`). */
  readonly bind: string;
  /** The lease's fencing token. */
  readonly token: number;
  /**
   * When the lease ends for this node, on the runtime clock: measured from before the store was
   * asked, less a margin, so it comes before the store's own end of the lease.
   */
  readonly deadline: number;
}

/** Who reacts to a bind's lease changing: the bind's process (it binds, rebinds or unbinds). */
export type LeaseListener = (grant: BindGrant | null) => void;

/** One bind's state, as the status page shows it. */
export interface BindStats {
  /** The bind's id, once a lease was granted for it. */
  readonly id: string | null;
  /** Whether the bind is up, leased, and can submit. */
  readonly bound: boolean;
  /** The session's bind state (SMPP v3.4 §2.2), e.g. `BOUND_TRX` or `CLOSED`. */
  readonly bindState: string;
  /** Parts handed to the session and not answered yet. */
  readonly inFlight: number;
  /** Most parts the bind may have in flight. */
  readonly window: number;
  /** The lease's fencing token, or null when this node holds no lease on the bind. */
  readonly token: number | null;
  /** Milliseconds left on this node's lease (0 without one). */
  readonly leaseLeft: number;
}

interface Member {
  client: SmppClient | null;
  bound: boolean;
  grant: BindGrant | null;
  expiry: ClockHandle | undefined;
  /** Parts handed to the session and not settled. */
  inFlight: number;
  listener: LeaseListener | undefined;
  /** The last id granted (kept for the status page after the lease ends). */
  id: string | null;
  /** Resolved once the member has no client (after a revoke). */
  closed: (() => void)[];
}

interface Waiter {
  readonly parts: number;
  readonly fence: readonly HeldBind[] | undefined;
  readonly resolve: (member: Member) => void;
  readonly reject: (error: Error) => void;
  timer: ClockHandle | undefined;
}

/** Messages waiting for a window slot, per bind, before more are refused with QueueFullError. */
const MAX_WAITING_PER_BIND = 1000;
/** How long a message may wait for a window slot (ms): the session's own default. */
const WINDOW_TIMEOUT = 30_000;

export class SmppPool {
  private next = 0;
  private readonly members: Member[];
  private readonly waiting: Waiter[] = [];
  /** Message counters, for the status page. */
  readonly counters = {
    /** MESSAGEs handed to a bind. */
    submitted: 0,
    /** Of those, every part accepted by the SMSC. */
    accepted: 0,
    /** Of those, refused or lost (at least one part). */
    refused: 0,
    /** Of the refused, those with some parts accepted: the recipient may have part of the text. */
    partlyAccepted: 0,
    /** Mobile-originated texts (deliver_sm) delivered to a SIP user as MESSAGEs. */
    moDelivered: 0,
    /** Delivery notifications (IMDNs made from the SMSC's receipts) delivered to the sender. */
    notificationsDelivered: 0,
    /**
     * Submits refused although a session was bound: its lease had ended (by this node's reckoning)
     * or was lost, or the message's fence did not vouch for it. They wait in the outbox.
     */
    fenced: 0,
    /** Bind leases this node lost (another node took the bind) or let end unrenewed (the store out of reach, a pause). */
    leasesLost: 0,
  };

  constructor(
    size: number,
    /** Requests in flight per bind (the sessions' window). */
    private readonly window: number,
    private readonly clock: Clock,
    /** Requests from the SMSC (deliver_sm…): the command_status to answer. */
    readonly onDeliver: DeliverHandler,
    /** A bind came up (at start or after a reconnect) with its lease. */
    readonly onBound: () => void,
    /** False for a connector that binds as a receiver: it takes deliver_sm but never submits. */
    private readonly submits = true,
  ) {
    this.members = Array.from({ length: size }, () => ({ client: null, bound: false, grant: null, expiry: undefined, inFlight: 0, listener: undefined, id: null, closed: [] }));
  }

  get size(): number {
    return this.members.length;
  }

  /** Binds up and leased now: those a submit may use. */
  get boundCount(): number {
    const now = this.clock.now();
    return this.members.filter((m) => this.usable(m, now, undefined)).length;
  }

  /** Binds whose session is bound under a lease, whether or not they may submit (a receiver's count). */
  get boundSessions(): number {
    return this.members.filter((m) => m.bound && m.client !== null && m.grant !== null).length;
  }

  /**
   * The node left the cluster: every lease is dropped at once with its expiry timer, and each
   * bind's process is told (it unbinds if it still runs). Nothing waits for an unbind, and no timer
   * is left to fire on a stopped gateway or to hold its process up until the lease would have ended.
   */
  dropLeases(): void {
    for (const member of this.members) {
      if (member.expiry !== undefined) this.clock.clearTimeout(member.expiry);
      member.expiry = undefined;
      if (member.grant === null) continue;
      member.grant = null;
      member.listener?.(null);
    }
    this.wake();
  }

  /** The lease granted on bind `index`, or null. */
  grantOf(index: number): BindGrant | null {
    return this.members[index]!.grant;
  }

  /**
   * The lease keeper took or renewed the lease of bind `index`. Its process is told when the token
   * changes (it binds, or rebinds a session of an older lease); past the deadline without another
   * grant, the lease is revoked here.
   */
  grant(index: number, grant: BindGrant): void {
    const member = this.members[index]!;
    const changed = member.grant === null || member.grant.token !== grant.token || member.grant.bind !== grant.bind;
    member.grant = grant;
    member.id = grant.bind;
    if (member.expiry !== undefined) this.clock.clearTimeout(member.expiry);
    member.expiry = this.clock.setTimeout(
      () => {
        member.expiry = undefined;
        if (member.grant !== grant) return;
        log('bind %s: lease (token %d) not renewed in time: unbinding', grant.bind, grant.token);
        void this.revoke(index);
      },
      Math.max(0, grant.deadline - this.clock.now()),
    );
    if (changed) member.listener?.(grant);
    this.wake();
  }

  /**
   * The lease of bind `index` is lost (`lost`, the default) or given up (`released`): nothing more
   * is submitted on it, and its process unbinds. Resolves once the bind has no session (at once
   * when it had none).
   */
  revoke(index: number, why: 'lost' | 'released' = 'lost'): Promise<void> {
    const member = this.members[index]!;
    if (member.expiry !== undefined) this.clock.clearTimeout(member.expiry);
    member.expiry = undefined;
    const had = member.grant !== null;
    if (had && why === 'lost') this.counters.leasesLost++;
    member.grant = null;
    const closed = member.client === null ? Promise.resolve() : new Promise<void>((resolve) => member.closed.push(resolve));
    if (had) member.listener?.(null);
    this.wake();
    return closed;
  }

  /** @internal the bind's process listens for its lease; returns the lease granted so far */
  listen(index: number, listener: LeaseListener | undefined): BindGrant | null {
    const member = this.members[index]!;
    member.listener = listener;
    return member.grant;
  }

  /** @internal a bind process's client came up, or (null) went away */
  attach(index: number, client: SmppClient | null): void {
    const member = this.members[index]!;
    member.client = client;
    if (client === null) {
      member.bound = false;
      for (const resolve of member.closed.splice(0)) resolve();
    }
    // The bind may have come up before connect resolved: what waited for it can go now.
    else if (member.bound) this.onBound();
    this.wake();
  }

  /** @internal */
  setBound(index: number, bound: boolean): void {
    this.members[index]!.bound = bound;
    if (bound) this.onBound();
    this.wake();
  }

  /**
   * Sends a text (split as needed) on a bound, leased member whose lease `fence` vouches for (the
   * store's list of this node's leases when the message was stored or claimed; none: no fence but
   * the lease). Rejects as `SmppClient.sendText` does (`PartialSendError` when only some parts were
   * accepted), with BindStateError when no member may submit, WindowTimeoutError or QueueFullError
   * when every window stays full.
   */
  async sendText(message: TextMessage, fence?: readonly HeldBind[]): Promise<PduOf<'submit_sm_resp'>[]> {
    const parts = Math.min(this.window, smsParts(message.text));
    const member = await this.slot(parts, fence);
    this.counters.submitted++;
    try {
      const responses = await member.client!.sendText(message);
      this.counters.accepted++;
      return responses;
    } catch (error) {
      this.counters.refused++;
      if (error instanceof PartialSendError) this.counters.partlyAccepted++;
      throw error;
    } finally {
      member.inFlight -= parts;
      this.wake();
    }
  }

  /**
   * Each leased bind's id, token and whether it is up, at once (no session is asked: one still
   * connecting, in its back-off, would keep a caller waiting).
   */
  leasedBinds(): { readonly bind: string; readonly token: number; readonly bound: boolean }[] {
    const now = this.clock.now();
    return this.members.flatMap((m) => (m.grant === null ? [] : [{ bind: m.grant.bind, token: m.grant.token, bound: this.usable(m, now, undefined) }]));
  }

  /** Each bind's state, window occupancy and lease (a bind that is not up reports CLOSED). */
  async bindStats(): Promise<BindStats[]> {
    const now = this.clock.now();
    return Promise.all(
      this.members.map(async (m) => {
        const lease = { id: m.id, token: m.grant?.token ?? null, leaseLeft: m.grant === null ? 0 : Math.max(0, Math.round(m.grant.deadline - now)) };
        // a client still connecting (or in its back-off) has no session to ask
        if (m.client === null || !m.bound) return { ...lease, bound: false, bindState: 'CLOSED', inFlight: 0, window: 0 };
        try {
          const stats = await m.client.stats();
          return { ...lease, bound: this.usable(m, now, undefined), bindState: stats.bindState, inFlight: stats.inFlight, window: stats.window };
        } catch {
          return { ...lease, bound: false, bindState: 'CLOSED', inFlight: 0, window: 0 };
        }
      }),
    );
  }

  /** Whether `member` may submit at `now`: bound, leased until after now, and vouched for by `fence`. */
  private usable(member: Member, now: number, fence: readonly HeldBind[] | undefined): boolean {
    const grant = member.grant;
    if (!this.submits || !member.bound || member.client === null || grant === null || now >= grant.deadline) return false;
    return fence === undefined || fence.some((held) => held.bind === grant.bind && held.token === grant.token);
  }

  /** A member with room for `parts`, 'wait' when the usable ones are full, 'none' when none may submit. */
  private pick(parts: number, fence: readonly HeldBind[] | undefined): Member | 'wait' | 'none' {
    const now = this.clock.now();
    const n = this.members.length;
    let anyUsable = false;
    let anySession = false;
    for (let i = 0; i < n; i++) {
      const member = this.members[(this.next + i) % n]!;
      if (member.bound && member.client !== null) anySession = true;
      if (!this.usable(member, now, fence)) continue;
      anyUsable = true;
      if (member.inFlight + parts > this.window) continue;
      this.next = (this.next + i + 1) % n;
      return member;
    }
    // a session is bound but no lease lets it submit: the lease ended (a pause past it), was lost,
    // or the store did not see this node holding it when the message was stored
    if (!anyUsable && anySession) this.counters.fenced++;
    return anyUsable ? 'wait' : 'none';
  }

  private slot(parts: number, fence: readonly HeldBind[] | undefined): Promise<Member> {
    if (this.waiting.length === 0) {
      const picked = this.pick(parts, fence);
      if (picked === 'none') return Promise.reject(new BindStateError('submit_sm', 'CLOSED'));
      if (picked !== 'wait') {
        picked.inFlight += parts;
        return Promise.resolve(picked);
      }
    }
    if (this.waiting.length >= MAX_WAITING_PER_BIND * this.members.length) return Promise.reject(new QueueFullError('submit_sm', MAX_WAITING_PER_BIND * this.members.length));
    return new Promise<Member>((resolve, reject) => {
      const waiter: Waiter = { parts, fence, resolve, reject, timer: undefined };
      waiter.timer = this.clock.setTimeout(() => {
        const at = this.waiting.indexOf(waiter);
        if (at < 0) return;
        this.waiting.splice(at, 1);
        reject(new WindowTimeoutError(WINDOW_TIMEOUT));
      }, WINDOW_TIMEOUT);
      this.waiting.push(waiter);
      // the pick above found room but others were waiting: let the queue run in order
      this.wake();
    });
  }

  /** Hands free slots to waiting messages, in order; refuses those no bind may take any more. */
  private wake(): void {
    while (this.waiting.length > 0) {
      const waiter = this.waiting[0]!;
      const picked = this.pick(waiter.parts, waiter.fence);
      if (picked === 'wait') return;
      this.waiting.shift();
      if (waiter.timer !== undefined) this.clock.clearTimeout(waiter.timer);
      if (picked === 'none') waiter.reject(new BindStateError('submit_sm', 'CLOSED'));
      else {
        picked.inFlight += waiter.parts;
        waiter.resolve(picked);
      }
    }
  }
}
