// The response context of a stateful proxy (RFC 3261 §16.7): one per server transaction it
// forwards, holding its branches, the targets still to try (sequential forking), the final
// responses received, and whether a final response has gone upstream.
import type { TimerRef } from '@switchboard/actor';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { ClientTransaction, ServerTransaction } from '../transaction/handles.js';
import type { ProxyTarget } from './target.js';

/** One branch (RFC 3261 §16.6): the client transaction a target's copy was sent in. */
export class Branch {
  /** The branch received a provisional response (101–199), so a CANCEL may be sent (§9.1). */
  provisional = false;
  /** The branch received a final response, or failed (timeout, transport error). */
  done = false;
  /** A CANCEL is wanted but waits for a provisional response (§9.1). */
  cancelWanted = false;
  /** A CANCEL was sent. */
  cancelled = false;
  /** Timer C (§16.6 step 11), INVITE branches only. */
  timerC: TimerRef | null = null;

  /** Made by the proxy when the copy has been handed to a client transaction. */
  constructor(
    /** The response context the branch belongs to. */
    readonly context: ResponseContext,
    /** The branch's client transaction. */
    readonly transaction: ClientTransaction,
    /** The target the branch went to. */
    readonly target: ProxyTarget,
    /** The loop-detection digest of the request received (RFC 3261 §16.6 step 8). */
    readonly loopHash: string,
  ) {}
}

/** The state of one proxied request (RFC 3261 §16.7). */
export class ResponseContext {
  /** The branches, live and done, in the order they were started. */
  readonly branches: Branch[] = [];
  /** Final non-2xx responses received (and the 408/503 a failed branch counts as), Via popped. */
  readonly finals: SipResponse[] = [];
  /** Targets of a sequential search still to try (§16.6: "sequentially"). */
  pending: ProxyTarget[];
  /** A final response went upstream (§16.7 steps 5 and 6): no more branches, no more choosing. */
  answered = false;
  /** No new branch may start: the request was cancelled (§16.10) or a 6xx arrived (§16.7 step 5). */
  closed = false;
  /** Branches being started (`sendRequest` not yet resolved). */
  starting = 0;

  /** Made by the proxy when it starts forwarding `request`. */
  constructor(
    /** The server transaction of the request being proxied. */
    readonly server: ServerTransaction,
    /** The request as received (after route preprocessing), for the responses the proxy makes. */
    readonly request: SipRequest,
    /** The targets not yet started (sequential forking; empty in parallel). */
    pending: readonly ProxyTarget[],
  ) {
    this.pending = [...pending];
  }

  /** Whether the request is an INVITE (CANCEL and Timer C apply, §16.6 step 11, §16.10). */
  get invite(): boolean {
    return this.request.method === 'INVITE';
  }

  /** Branches without a final response yet. */
  get live(): Branch[] {
    return this.branches.filter((b) => !b.done);
  }

  /**
   * Every branch is done, none is being started, and no target is left to try (or none may be
   * started): time to choose the best response (§16.7 step 6).
   */
  get complete(): boolean {
    return this.starting === 0 && this.branches.every((b) => b.done) && (this.closed || this.pending.length === 0);
  }
}
