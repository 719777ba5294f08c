// The dialogs a core holds (RFC 3261 §12), with a bound on their number: created from responses at
// the UAC (forks included) and on demand at the UAS, matched by Call-ID and tags (§12.2.2).
import createDebug from 'debug';
import { newTag } from '../message/builders.js';
import type { NameAddr } from '../message/headers/name-addr.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { paramValue } from '../message/params.js';
import type { Uri } from '../message/uri.js';
import type { TransportName } from '../transport/endpoint.js';
import { contactUri, Dialog, TARGET_REFRESH_METHODS, type DialogId, type DialogInit } from './dialog.js';
import { DialogLimitError, DialogStateError } from './errors.js';
import type { DialogRequestMatch, DialogResponseOutcome } from './outcomes.js';
import { noDialogResponse, outOfOrderResponse } from './refusals.js';
import { routeSetOf } from './route-set.js';

const log = createDebug('switchboard:sip:dialog');

/**
 * The default of {@link DialogTableOptions.maxDialogs}. A dialog holds a few hundred bytes (its
 * URIs, route set and last INVITE), so 10,000 stay within a few MB; a dialog lives as long as its
 * call, so the bound is on concurrent calls, not on a rate.
 */
export const DEFAULT_MAX_DIALOGS = 10_000;

/** Options of a {@link DialogTable}. */
export interface DialogTableOptions {
  /**
   * Most dialogs held at once, early and confirmed (default {@link DEFAULT_MAX_DIALOGS}); past it
   * a new dialog is refused with {@link DialogLimitError} (`createUas`) or a `refused` outcome
   * (`receiveResponse`). `Infinity` for no limit.
   */
  readonly maxDialogs?: number;
}

/** Options of {@link DialogTable.createUas}. */
export interface UasDialogOptions {
  /** Our Contact in the dialog (required in a 2xx to an INVITE, §12.1.1), as a name-addr or a URI. */
  readonly contact?: NameAddr | Uri;
  /** Our To tag (default: a new one, {@link newTag}). */
  readonly toTag?: string;
  /** The transport the request came on (the transaction's `source.transport`): TLS with a SIPS Request-URI makes the dialog secure (§12.1.1). */
  readonly transport?: TransportName;
}

/** A transaction as the table needs it: which side sent the request, and the request. */
export interface DialogTransaction {
  /** `client` for a request we sent, `server` for one we received. */
  readonly kind: 'client' | 'server';
  /** The transaction's request. */
  readonly request: SipRequest;
}

function tagOf(value: NameAddr | undefined): string | undefined {
  const tag = value === undefined ? undefined : paramValue(value.params, 'tag');
  return tag === null ? undefined : tag;
}

function keyOf(id: DialogId): string {
  return `${id.callId}\u0000${id.localTag}\u0000${id.remoteTag}`;
}

/**
 * The dialogs of a core (RFC 3261 §12): a core owns one, feeds it what it receives, and builds
 * requests with the dialogs it returns.
 *
 * - UAC: {@link DialogTable.receiveResponse} with every response (and the request it answers)
 *   creates early dialogs from provisional responses with a To tag (one per To tag when a proxy
 *   forks), confirms one with the 2xx and hands out the ACK to send (§13.2.2.4), ends early
 *   dialogs on a non-2xx final.
 * - UAS: {@link DialogTable.createUas} makes the dialog for a request the core answers;
 *   the dialog's `createResponse` adds the tag, Record-Route and Contact.
 * - Both: {@link DialogTable.receiveRequest} matches a request with a To tag to its dialog and
 *   checks its CSeq; {@link DialogTable.receiveError} ends dialogs whose transaction failed.
 *
 * @example
 * ```ts fragment
 * const dialogs = new DialogTable({ maxDialogs: 1000 });
 * const outcome = dialogs.receiveResponse(response, transaction?.request ?? null);
 * if (outcome.outcome === 'ack') await stack.sendRequest(outcome.ack, { destination: outcome.dialog.nextHop });
 * ```
 */
export class DialogTable {
  /** The most dialogs held at once. */
  readonly maxDialogs: number;
  private readonly dialogs = new Map<string, Dialog>();
  /** Dialogs by Call-ID: the forks of a call, a server transaction's dialog. */
  private readonly calls = new Map<string, Set<Dialog>>();
  private readonly remove = (dialog: Dialog): void => {
    const key = keyOf(dialog.id);
    if (this.dialogs.get(key) !== dialog) return;
    this.dialogs.delete(key);
    const call = this.calls.get(dialog.id.callId);
    call?.delete(dialog);
    if (call?.size === 0) this.calls.delete(dialog.id.callId);
  };

  /** An empty table; see {@link DialogTableOptions} for the limit. */
  constructor(options: DialogTableOptions = {}) {
    this.maxDialogs = options.maxDialogs ?? DEFAULT_MAX_DIALOGS;
  }

  /** How many dialogs the table holds (early, confirmed, and terminated ones waiting for their BYE's answer). */
  get size(): number {
    return this.dialogs.size;
  }

  /** Every dialog held, in creation order. */
  [Symbol.iterator](): Iterator<Dialog> {
    return this.dialogs.values();
  }

  /** The dialog with this Call-ID and these tags, if held. */
  get(id: DialogId): Dialog | undefined {
    return this.dialogs.get(keyOf(id));
  }

  /**
   * Makes the UAS's dialog for `request` (an INVITE, usually), early until the dialog's
   * `createResponse` sends a 2xx (RFC 3261 §12.1.1): Call-ID, our To tag and the peer's From tag;
   * remote sequence number from its CSeq, local one empty; remote target from its Contact; route
   * set from its Record-Route in order; secure when it came over TLS to a SIPS URI. A request
   * already holding a dialog (a retransmission reaching the core) gets the same one back when the
   * same `toTag` is given.
   *
   * Throws {@link DialogLimitError} when the table is full (answer 503, with
   * {@link dialogLimitResponse}), {@link DialogStateError} when the request has a To tag already or
   * lacks a Call-ID, From tag or CSeq.
   */
  createUas(request: SipRequest, options: UasDialogOptions = {}): Dialog {
    const callId = request.callId;
    const from = request.from;
    const remoteTag = tagOf(from);
    const cseq = request.cseq;
    const to = request.to;
    if (callId === undefined) throw new DialogStateError('missing', 'Call-ID');
    if (from === undefined || remoteTag === undefined) throw new DialogStateError('no tag: no dialog can be made', 'From');
    if (to === undefined || tagOf(to) !== undefined) throw new DialogStateError('a request with a To tag is within a dialog already', 'To');
    if (cseq === undefined) throw new DialogStateError('missing', 'CSeq');
    const id: DialogId = { callId, localTag: options.toTag ?? newTag(), remoteTag };
    const existing = this.get(id);
    if (existing !== undefined) return existing;
    this.admit(callId);
    const contact = options.contact;
    const localTarget: NameAddr | undefined = contact === undefined ? undefined : 'uri' in contact ? contact : { displayName: null, uri: contact, params: [] };
    const dialog = this.add({
      role: 'uas',
      id,
      state: 'early',
      local: to,
      remote: from,
      localSeq: undefined,
      remoteSeq: cseq.seq,
      remoteTarget: contactUri(request) ?? from.uri,
      routeSet: routeSetOf(request, 'uas'),
      secure: options.transport === 'TLS' && request.uri.scheme === 'sips',
      localTarget,
      ended: this.remove,
    });
    if (request.method === 'INVITE') dialog.remoteInviteSeq = cseq.seq;
    return dialog;
  }

  /**
   * Matches a received request to its dialog (RFC 3261 §12.2.2): by Call-ID, To tag (ours) and
   * From tag (theirs). See {@link DialogRequestMatch} for the outcomes and what to answer.
   * A request in a dialog whose CSeq is not lower than the remote sequence number becomes it; a
   * target refresh replaces the remote target with its Contact; a BYE ends the dialog; an ACK
   * marks the 2xx acknowledged.
   */
  receiveRequest(request: SipRequest): DialogRequestMatch {
    const localTag = tagOf(request.to);
    if (localTag === undefined) return { outcome: 'outside' };
    const callId = request.callId ?? '';
    const dialog = this.get({ callId, localTag, remoteTag: tagOf(request.from) ?? '' });
    const isAck = request.method === 'ACK';
    if (dialog === undefined) {
      log('%s for call %s matches no dialog', request.method, callId);
      return { outcome: 'no-dialog', response: isAck ? null : noDialogResponse(request) };
    }
    const seq = request.cseq?.seq ?? 0;
    if (isAck) {
      if (dialog.remoteInviteSeq === seq) dialog.awaitingAck = false;
      return { outcome: 'dialog', dialog };
    }
    if (request.method === 'CANCEL') return { outcome: 'dialog', dialog }; // the INVITE's CSeq, already counted
    const remoteSeq = dialog.remoteSeq;
    if (remoteSeq !== undefined && seq < remoteSeq) {
      log('%s %d in call %s: below the remote CSeq %d', request.method, seq, callId, remoteSeq);
      return { outcome: 'out-of-order', dialog, response: outOfOrderResponse(request) };
    }
    dialog.setRemoteSeq(seq);
    if (TARGET_REFRESH_METHODS.has(request.method)) dialog.refreshTarget(request); // §12.2.2
    if (request.method === 'INVITE') dialog.remoteInviteSeq = seq;
    if (request.method === 'BYE') dialog.end('BYE received'); // §15.1.2
    return { outcome: 'dialog', dialog };
  }

  /**
   * Feeds a response the core received, with the request it answers (the client transaction's
   * `request`; null for a stray response). See {@link DialogResponseOutcome} for the outcomes and
   * what to send. At the UAC this is where dialogs are born (RFC 3261 §12.1.2): from a
   * provisional response with a To tag (early) or a 2xx (confirmed) to an INVITE; the 2xx fixes
   * the route set and remote target (§13.2.2.4).
   */
  receiveResponse(response: SipResponse, request: SipRequest | null): DialogResponseOutcome {
    const callId = response.callId;
    const localTag = tagOf(response.from);
    const cseq = response.cseq;
    if (callId === undefined || localTag === undefined || cseq === undefined || response.status === 100) return { outcome: 'none' };
    const remoteTag = tagOf(response.to);
    const status = response.status;
    const isInvite = cseq.method === 'INVITE';
    const initial = request === null ? undefined : tagOf(request.to) === undefined;
    const dialog = remoteTag === undefined ? undefined : this.get({ callId, localTag, remoteTag });
    // an early dialog of this INVITE goes on below; anything else held is a response within it
    if (dialog !== undefined && (dialog.state !== 'early' || initial === false || !isInvite)) return this.inDialogResponse(dialog, response);
    if (!isInvite || initial === false) {
      // a response to a request within a dialog we no longer hold: 481, 408 end nothing more
      return { outcome: 'none' };
    }
    if (status >= 300) return this.endEarly(callId, localTag, cseq.seq, 'a final non-2xx to the INVITE');
    if (remoteTag === undefined) return { outcome: 'none' };
    const id: DialogId = { callId, localTag, remoteTag };
    const call = this.callDialogs(callId, localTag, cseq.seq);
    const confirmedBefore = call.some((d) => d.state === 'confirmed' && d !== dialog);
    if (status < 200) {
      if (confirmedBefore) return { outcome: 'none' }; // a late fork once the call is answered
      if (dialog !== undefined) {
        dialog.refreshTarget(response);
        return { outcome: 'early', dialog };
      }
      const created = this.createUac(id, response, request, 'early');
      if (created instanceof DialogLimitError) return { outcome: 'refused', error: created, ack: null, bye: null };
      return { outcome: 'early', dialog: created };
    }
    // a 2xx: confirms this To tag's early dialog, or makes a confirmed one (§12.1.2)
    let confirmed: Dialog;
    if (dialog !== undefined) {
      dialog.confirm(response, routeSetOf(response, 'uac'));
      confirmed = dialog;
    } else {
      const created = this.createUac(id, response, request, 'confirmed');
      if (created instanceof DialogLimitError) {
        // §13.2.2.4: a 2xx we cannot keep is still ACKed, then ended with a BYE.
        const transient = new Dialog({ ...this.uacInit(id, response, request, 'confirmed'), ended: () => {} });
        return { outcome: 'refused', error: created, ack: transient.createAck(cseq.seq), bye: transient.createRequest('BYE') };
      }
      confirmed = created;
    }
    const ended: Dialog[] = [];
    for (const other of call) {
      if (other !== confirmed && other.state === 'early') {
        other.end('another fork answered the INVITE');
        ended.push(other);
      }
    }
    return { outcome: 'ack', dialog: confirmed, ack: confirmed.createAck(cseq.seq), retransmission: false, forked: confirmedBefore, ended };
  }

  /**
   * A transaction failed (the core's `receiveError`): the dialogs it ends or endangers. A request
   * we sent within a dialog that timed out ends it (RFC 3261 §12.2.1.2); an INVITE we sent ends
   * its early dialogs. A UAS whose 2xx to an INVITE was never ACKed (Timer L) gets its dialog
   * back still `confirmed`: end the session with a BYE (§13.3.1.4). Returns the dialogs concerned;
   * each one's `state` says which case it is.
   */
  receiveError(transaction: DialogTransaction): readonly Dialog[] {
    const request = transaction.request;
    const callId = request.callId;
    const fromTag = tagOf(request.from);
    if (callId === undefined || fromTag === undefined) return [];
    const toTag = tagOf(request.to);
    if (transaction.kind === 'client') {
      if (toTag !== undefined) {
        const dialog = this.get({ callId, localTag: fromTag, remoteTag: toTag });
        if (dialog === undefined) return [];
        dialog.end(`${request.method} failed`);
        return [dialog];
      }
      if (request.method !== 'INVITE') return [];
      const outcome = this.endEarly(callId, fromTag, request.cseq?.seq ?? 0, 'the INVITE failed');
      return outcome.outcome === 'terminated' ? outcome.dialogs : [];
    }
    if (request.method !== 'INVITE') return [];
    const seq = request.cseq?.seq;
    const concerned = [...(this.calls.get(callId) ?? [])].filter((d) => d.role === 'uas' && d.id.remoteTag === fromTag && d.remoteInviteSeq === seq && d.awaitingAck);
    for (const dialog of concerned) if (dialog.state === 'early') dialog.end('the INVITE transaction failed');
    return concerned;
  }

  private inDialogResponse(dialog: Dialog, response: SipResponse): DialogResponseOutcome {
    const status = response.status;
    const method = response.cseq!.method;
    if (method === 'INVITE' && status >= 200 && status < 300) {
      const seq = response.cseq!.seq;
      const retransmission = dialog.ackedSeq === seq;
      dialog.refreshTarget(response); // §12.2.1.2: a 2xx to a target refresh
      return { outcome: 'ack', dialog, ack: dialog.createAck(seq), retransmission, forked: false, ended: [] };
    }
    if (status === 481 || status === 408 || (method === 'BYE' && status >= 200)) {
      dialog.end(method === 'BYE' ? 'the BYE was answered' : `${method} answered ${status}`);
      return { outcome: 'terminated', dialogs: [dialog] };
    }
    if (status >= 200 && status < 300 && TARGET_REFRESH_METHODS.has(method)) dialog.refreshTarget(response);
    return { outcome: 'updated', dialog };
  }

  private endEarly(callId: string, localTag: string, seq: number, why: string): DialogResponseOutcome {
    const ended = this.callDialogs(callId, localTag, seq).filter((d) => d.state === 'early');
    for (const dialog of ended) dialog.end(why);
    return { outcome: 'terminated', dialogs: ended };
  }

  /** The UAC dialogs of the INVITE numbered `seq` in a call: its forks. */
  private callDialogs(callId: string, localTag: string, seq: number): Dialog[] {
    return [...(this.calls.get(callId) ?? [])].filter((d) => d.role === 'uac' && d.id.localTag === localTag && d.localInviteSeq === seq);
  }

  private uacInit(id: DialogId, response: SipResponse, request: SipRequest | null, state: 'early' | 'confirmed'): DialogInit {
    const cseq = response.cseq!;
    return {
      role: 'uac',
      id,
      state,
      local: request?.from ?? response.from!,
      remote: request?.to ?? response.to!,
      localSeq: cseq.seq,
      remoteSeq: undefined,
      remoteTarget: contactUri(response) ?? request?.uri ?? response.to!.uri,
      routeSet: routeSetOf(response, 'uac'),
      secure: request?.uri.scheme === 'sips',
      localTarget: request === null ? undefined : contactOf(request),
      ended: this.remove,
    };
  }

  private createUac(id: DialogId, response: SipResponse, request: SipRequest | null, state: 'early' | 'confirmed'): Dialog | DialogLimitError {
    if (this.dialogs.size >= this.maxDialogs) {
      log('dialog of call %s refused: %d dialogs', id.callId, this.dialogs.size);
      return new DialogLimitError(this.maxDialogs, id.callId);
    }
    const dialog = this.add(this.uacInit(id, response, request, state));
    dialog.localInviteSeq = response.cseq!.seq;
    if (request !== null) dialog.localInvite = request;
    return dialog;
  }

  private admit(callId: string): void {
    if (this.dialogs.size >= this.maxDialogs) {
      log('dialog of call %s refused: %d dialogs', callId, this.dialogs.size);
      throw new DialogLimitError(this.maxDialogs, callId);
    }
  }

  private add(init: DialogInit): Dialog {
    const dialog = new Dialog(init);
    this.dialogs.set(keyOf(dialog.id), dialog);
    let call = this.calls.get(dialog.id.callId);
    if (call === undefined) this.calls.set(dialog.id.callId, (call = new Set()));
    call.add(dialog);
    log('%s dialog %s (%s/%s) %s', dialog.role, dialog.id.callId, dialog.id.localTag, dialog.id.remoteTag, dialog.state);
    return dialog;
  }
}

function contactOf(request: SipRequest): NameAddr | undefined {
  const contact = request.headers.first('contact');
  return contact === undefined || 'star' in contact ? undefined : contact;
}
