// The registrar (RFC 3261 §10.3): REGISTER adds, refreshes and removes Contact bindings of an
// address-of-record, with per-contact `expires`, the Expires header, 423 Interval Too Brief below
// the minimum, `*` with Expires 0 to remove them all, and Call-ID / CSeq ordering. Bindings live in
// the store with their expiry on the runtime clock.
import { formatUri, isContactStar, isSipUri, paramValue, type SipRequest } from '@switchboard/sip';
import type { Binding, Store } from './store.js';

/**
 * The registrar's policy: the domain it serves, the expiry bounds of RFC 3261 §10.3, and a cap on
 * bindings per user.
 */
export interface RegistrarLimits {
  /** The domain of the AORs. */
  readonly domain: string;
  /**
   * Seconds a binding lasts when neither its `expires` parameter nor an Expires header says (RFC
   * 3261 §10.3 step 7).
   */
  readonly defaultExpires: number;
  /**
   * The shortest non-zero lifetime accepted; below it the REGISTER is answered 423 with Min-Expires
   * (§10.3 step 7).
   */
  readonly minExpires: number;
  /** The longest lifetime granted; a longer one asked for is shortened to it. */
  readonly maxExpires: number;
  /** Most contacts bound to one AOR (a REGISTER that would pass it is answered 403). */
  readonly maxBindingsPerUser: number;
}

/** What to answer, and what changed. */
export interface RegisterOutcome {
  /** The SIP status to answer the REGISTER with. */
  readonly status: number;
  /** A reason phrase to use instead of the standard one, naming what was wrong. */
  readonly reason?: string;
  /** Headers to add to the answer: Contact rows of the current bindings, Date, Min-Expires… */
  readonly headers: [string, string][];
  /** The AOR, when the request named a usable one. */
  readonly aor?: string;
  /** The AOR has at least one binding after this request. */
  readonly reachable: boolean;
}

/**
 * `sip:user@domain`: the key bindings are stored under. The gateway serves one domain, so a user
 * registering to the gateway's address (sip:alice@192.0.2.1) is the same user as sip:alice@domain.
 */
export function canonicalAor(uri: SipRequest['uri'], domain: string): string | undefined {
  if (!isSipUri(uri) || uri.user === null || uri.user === '') return undefined;
  return `sip:${uri.user}@${domain.toLowerCase()}`;
}

/**
 * Handles a REGISTER (RFC 3261 §10.3) against the store: adds, refreshes or removes the AOR's
 * bindings, all or nothing, and says what to answer. The check and the change are one atomic step
 * of the store (`changeBindings`), so ordering by Call-ID and CSeq holds even when requests for the
 * same AOR are handled at once, on one node or several: a reordered retransmission cannot undo a
 * newer request. Rejects with the store's error (the caller answers 503).
 *
 * @example
 * ```ts
 * const outcome = await register(request, store, runtime.clock.now(), limits);
 * transaction.respond(createResponse(request, outcome.status, { reason: outcome.reason, headers:
 * outcome.headers }));
 * ```
 */
export async function register(request: SipRequest, store: Store, now: number, limits: RegistrarLimits): Promise<RegisterOutcome> {
  const to = request.to!;
  const aor = canonicalAor(to.uri, limits.domain);
  if (aor === undefined) return { status: 404, reason: 'Not Found (the To URI names no user)', headers: [], reachable: false };
  const callId = request.callId!;
  const seq = request.cseq!.seq;
  const contacts = request.headers.all('contact');
  const headerExpires = request.headers.first('expires');
  const olderThan = (current: readonly Binding[], contact?: string): boolean =>
    current.some((b) => (contact === undefined || b.contact === contact) && b.callId === callId && b.cseq >= seq);
  // What the decision found wrong, if anything (set inside the store's transaction).
  const refused: { outcome?: RegisterOutcome } = {};

  if (contacts.some(isContactStar)) {
    // §10.3 step 6: '*' only alone and with Expires 0.
    if (contacts.length !== 1 || headerExpires !== 0) return { status: 400, reason: 'Bad Request (Contact * needs Expires: 0 and no other Contact)', headers: [], aor, reachable: false };
    await store.changeBindings(aor, now, (current) => {
      if (!olderThan(current)) return { removeAll: true };
      refused.outcome = outOfOrder(aor);
      return undefined;
    });
    return refused.outcome ?? { status: 200, headers: dateHeader(), aor, reachable: false };
  }

  // Validate everything before changing anything (§10.3 step 7: all or nothing). A contact named
  // twice counts as its last mention, as if the changes were applied in order.
  const changes = new Map<string, number>();
  for (const contact of contacts) {
    if (isContactStar(contact)) continue;
    const param = paramValue(contact.params, 'expires');
    let expires = typeof param === 'string' && /^\d+$/.test(param) ? Number(param) : (headerExpires ?? limits.defaultExpires);
    if (expires !== 0 && expires < limits.minExpires) {
      return { status: 423, headers: [['Min-Expires', String(limits.minExpires)]], aor, reachable: (await store.bindings(aor, now)).length > 0 };
    }
    expires = Math.min(expires, limits.maxExpires);
    const uri = formatUri(contact.uri);
    changes.delete(uri);
    changes.set(uri, expires);
  }
  const bindings = await store.changeBindings(aor, now, (current) => {
    for (const contact of changes.keys()) {
      if (olderThan(current, contact)) {
        refused.outcome = outOfOrder(aor);
        return undefined;
      }
    }
    // A table a peer can grow has a limit: contacts per user (each binding is listed in every 200 OK).
    const after = new Set(current.map((b) => b.contact));
    for (const [contact, expires] of changes) {
      if (expires === 0) after.delete(contact);
      else after.add(contact);
    }
    if (after.size > limits.maxBindingsPerUser) {
      refused.outcome = { status: 403, reason: `Forbidden (at most ${limits.maxBindingsPerUser} contacts per user)`, headers: [], aor, reachable: current.length > 0 };
      return undefined;
    }
    const entries = [...changes];
    return {
      remove: entries.filter(([, expires]) => expires === 0).map(([contact]) => contact),
      put: entries.filter(([, expires]) => expires !== 0).map(([contact, expires]) => ({ aor, contact, expiresAt: now + expires * 1000, callId, cseq: seq })),
    };
  });
  if (refused.outcome !== undefined) return refused.outcome;
  // §10.3 step 8: the answer lists every current binding with its remaining time.
  const headers: [string, string][] = bindings.map((b) => ['Contact', `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`]);
  return { status: 200, headers: [...headers, ...dateHeader()], aor, reachable: bindings.length > 0 };
}

function outOfOrder(aor: string): RegisterOutcome {
  // §10.3 step 7: a request older than the binding it would change.
  return { status: 500, reason: 'Server Internal Error (REGISTER out of order: CSeq not above the binding)', headers: [], aor, reachable: true };
}

function dateHeader(): [string, string][] {
  return [['Date', new Date().toUTCString()]];
}
