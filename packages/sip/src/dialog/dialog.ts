// One dialog (RFC 3261 §12): its state on either side, and what is built from it: requests within
// it (§12.2.1.1), the ACK for a 2xx (§13.2.2.4), responses that carry its tag and Contact (§12.1.1).
import { randomInt } from 'node:crypto';
import createDebug from 'debug';
import { createResponse, type ResponseInit } from '../message/builders.js';
import { HeaderList } from '../message/header-list.js';
import { formatNameAddr, isContactStar, type NameAddr } from '../message/headers/name-addr.js';
import { MAX_CSEQ } from '../message/headers/cseq.js';
import { SipRequest, type SipMessage, type SipResponse } from '../message/message.js';
import { withParam } from '../message/params.js';
import type { Uri } from '../message/uri.js';
import { DialogStateError } from './errors.js';
import { routeInDialog } from './route-set.js';

const log = createDebug('switchboard:sip:dialog');

/**
 * Where a dialog stands (RFC 3261 §12): `early` once a provisional response with a To tag set it
 * up, `confirmed` once a 2xx did, `terminated` after a BYE, a non-2xx final for an early dialog,
 * a 481 or 408 in it, or a transaction that failed.
 */
export type DialogState = 'early' | 'confirmed' | 'terminated';

/** Which side of the dialog we are: the UAC sent the request that created it, the UAS answered it. */
export type DialogRole = 'uac' | 'uas';

/** What identifies a dialog (RFC 3261 §12): the Call-ID and both tags, seen from our side. */
export interface DialogId {
  /** The Call-ID of every message in the dialog. */
  readonly callId: string;
  /** Our tag: the From tag at the UAC, the To tag at the UAS. */
  readonly localTag: string;
  /** The peer's tag: the To tag at the UAC, the From tag at the UAS. */
  readonly remoteTag: string;
}

/**
 * Methods that refresh the remote target (RFC 3261 §12.2: re-INVITE; RFC 3311 UPDATE; RFC 6665
 * SUBSCRIBE and NOTIFY; RFC 3515 REFER): their Contact, or their 2xx's, replaces it.
 */
export const TARGET_REFRESH_METHODS: ReadonlySet<string> = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER']);

/** What a request within a dialog may carry beyond what the dialog fills in; all optional. */
export interface InDialogRequestInit {
  /** More headers, appended in order (raw values). */
  readonly headers?: readonly (readonly [name: string, value: string])[];
  /** The body; a string is written as UTF-8. Default: none. */
  readonly body?: Buffer | string;
  /** The Content-Type to set when there is a body, such as `application/sdp`. */
  readonly contentType?: string;
  /**
   * Our Contact for a target refresh (a re-INVITE to move the call, say); it becomes the dialog's
   * local target. Default: the dialog's local target.
   */
  readonly contact?: NameAddr;
}

/** @internal what a {@link DialogTable} builds a dialog from */
export interface DialogInit {
  readonly role: DialogRole;
  readonly id: DialogId;
  readonly state: DialogState;
  readonly local: NameAddr;
  readonly remote: NameAddr;
  readonly localSeq: number | undefined;
  readonly remoteSeq: number | undefined;
  readonly remoteTarget: Uri;
  readonly routeSet: readonly NameAddr[];
  readonly secure: boolean;
  readonly localTarget: NameAddr | undefined;
  readonly ended: (dialog: Dialog) => void;
}

/** The URI of a message's Contact, when it has one (not `*`). */
export function contactUri(message: SipMessage): Uri | undefined {
  const contact = message.headers.first('contact');
  return contact === undefined || isContactStar(contact) ? undefined : contact.uri;
}

function withoutTag(value: NameAddr): NameAddr {
  return { displayName: value.displayName, uri: value.uri, params: value.params.filter(([name]) => name.toLowerCase() !== 'tag') };
}

/**
 * A dialog (RFC 3261 §12): its identity, sequence numbers, URIs, remote target and route set, and
 * what is built from them. A {@link DialogTable} makes dialogs (from a response at the UAC, from
 * `createUas` at the UAS) and keeps them; a core reads them and builds requests and responses
 * with them.
 *
 * @example
 * ```ts fragment
 * const bye = dialog.createRequest('BYE');
 * await stack.sendRequest(bye, { destination: dialog.nextHop });
 * ```
 */
export class Dialog {
  /** Which side we are. */
  readonly role: DialogRole;
  /** Call-ID, local and remote tags. */
  readonly id: DialogId;
  /** The local URI (From at the UAC, To at the UAS), without its tag. */
  readonly local: NameAddr;
  /** The remote URI (To at the UAC, From at the UAS), without its tag. */
  readonly remote: NameAddr;
  /**
   * True when the dialog was set up over TLS with a SIPS Request-URI (§12.1.1, §12.1.2): requests
   * in it must then go over TLS too.
   */
  readonly secure: boolean;
  private currentState: DialogState;
  private localSequence: number | undefined;
  private remoteSequence: number | undefined;
  private target: Uri;
  private routes: readonly NameAddr[];
  private ourTarget: NameAddr | undefined;
  private readonly ended: (dialog: Dialog) => void;
  /** @internal the CSeq number of the last INVITE we sent in (or to set up) this dialog */
  localInviteSeq: number | undefined;
  /** @internal the INVITE we sent last, whose credentials its ACK copies (§13.2.2.4) */
  localInvite: SipRequest | undefined;
  /** @internal the CSeq number of the INVITE whose 2xx we last ACKed */
  ackedSeq: number | undefined;
  /** @internal the CSeq number of the last INVITE the peer sent, and whether its ACK came */
  remoteInviteSeq: number | undefined;
  /** @internal */
  awaitingAck = false;

  /** @internal made by a DialogTable */
  constructor(init: DialogInit) {
    this.role = init.role;
    this.id = init.id;
    this.currentState = init.state;
    this.local = withoutTag(init.local);
    this.remote = withoutTag(init.remote);
    this.localSequence = init.localSeq;
    this.remoteSequence = init.remoteSeq;
    this.target = init.remoteTarget;
    this.routes = init.routeSet;
    this.secure = init.secure;
    this.ourTarget = init.localTarget;
    this.ended = init.ended;
  }

  /** Where the dialog stands. */
  get state(): DialogState {
    return this.currentState;
  }

  /**
   * The local sequence number: the CSeq of the last request we sent in the dialog; undefined at a
   * UAS that has sent none yet (§12.1.1).
   */
  get localSeq(): number | undefined {
    return this.localSequence;
  }

  /**
   * The remote sequence number: the CSeq of the last request the peer sent in the dialog;
   * undefined at a UAC the peer has sent nothing yet (§12.1.2).
   */
  get remoteSeq(): number | undefined {
    return this.remoteSequence;
  }

  /** The remote target: the peer's Contact URI, the Request-URI of what we send (§12.1). */
  get remoteTarget(): Uri {
    return this.target;
  }

  /**
   * The route set, first to visit first: the Record-Route values, reversed at the UAC (§12.1.2),
   * as received at the UAS (§12.1.1). Fixed once the dialog is confirmed.
   */
  get routeSet(): readonly NameAddr[] {
    return this.routes;
  }

  /** Our Contact in the dialog (the local target), when known: added to target refresh requests. */
  get localTarget(): NameAddr | undefined {
    return this.ourTarget;
  }

  /**
   * The URI a request within the dialog is sent towards (RFC 3261 §8.1.2): the first route, else
   * the remote target. Pass it as `sendRequest`'s `destination`: with a strict router first, the
   * request's top Route is not where it goes.
   */
  get nextHop(): Uri {
    return this.routes[0]?.uri ?? this.target;
  }

  /**
   * A request within the dialog (RFC 3261 §12.2.1.1): Request-URI and Route from the remote
   * target and route set (the strict-router fix-up included), From and To with the dialog's URIs
   * and tags, its Call-ID, the local sequence number plus one, Max-Forwards 70, and our Contact
   * for a target refresh. No Via: the stack's `sendRequest` adds it.
   *
   * A BYE ends the dialog (§15.1.1): it stays in its table until the BYE's final response (or
   * failure) reaches {@link DialogTable.receiveResponse} (or `receiveError`).
   *
   * Throws {@link DialogStateError} for an ACK (see {@link Dialog.createAck}), a CANCEL (the
   * stack's `cancel`), or a dialog already terminated.
   */
  createRequest(method: string, init: InDialogRequestInit = {}): SipRequest {
    if (method === 'ACK') throw new DialogStateError('an ACK is built by createAck, for the INVITE it acknowledges');
    if (method === 'CANCEL') throw new DialogStateError("a CANCEL is built by the stack's cancel, from the request it cancels");
    if (this.currentState === 'terminated') throw new DialogStateError(`the dialog is terminated: no ${method} in it`);
    // §12.2.1.1: an empty local sequence number starts at a random value (§8.1.1.5), below 2^31.
    const seq = this.localSequence === undefined ? randomInt(1, 2 ** 30) : this.localSequence + 1;
    if (seq > MAX_CSEQ) throw new DialogStateError(`the local sequence number would pass 2^31 - 1`, 'CSeq');
    this.localSequence = seq;
    if (init.contact !== undefined) this.ourTarget = init.contact;
    const request = this.build(method, seq, init);
    if (method === 'INVITE') {
      this.localInviteSeq = seq;
      this.localInvite = request;
    }
    if (method === 'BYE') {
      log('%s: BYE sent, dialog terminated', this.id.callId);
      this.currentState = 'terminated';
    }
    return request;
  }

  /**
   * The ACK for a 2xx to our INVITE (RFC 3261 §13.2.2.4): built as a request within the dialog,
   * with the INVITE's CSeq number and its Authorization and Proxy-Authorization. `seq` is the
   * INVITE's CSeq number (default: the last INVITE we sent). The {@link DialogTable} builds it for
   * every 2xx it receives, retransmissions included; build one yourself to add a body (an SDP
   * answer to an offer in the 2xx).
   */
  createAck(seq = this.localInviteSeq, init: Omit<InDialogRequestInit, 'contact'> = {}): SipRequest {
    if (seq === undefined) throw new DialogStateError('no INVITE was sent in this dialog: nothing to ACK', 'CSeq');
    const ack = this.build('ACK', seq, init);
    const invite = this.localInvite;
    if (invite !== undefined && invite.cseq?.seq === seq) {
      for (const name of ['Authorization', 'Proxy-Authorization']) for (const value of invite.headers.getAll(name)) ack.headers.append(name, value);
    }
    this.ackedSeq = seq;
    return ack;
  }

  /**
   * A response to `request` from the UAS of this dialog (RFC 3261 §12.1.1): the dialog's To tag;
   * for the request that creates the dialog, its Record-Route copied; for a 101–299 to a
   * dialog-creating or target refresh request, our Contact. A 2xx to the creating request confirms
   * the dialog; a final non-2xx to it ends the early dialog (§12.3 and §13.3.1.3); a 2xx to an
   * INVITE waits for its ACK.
   */
  createResponse(request: SipRequest, status: number, init: ResponseInit = {}): SipResponse {
    const creating = request.to !== undefined && !request.to.params.some(([name]) => name.toLowerCase() === 'tag');
    const headers: (readonly [string, string])[] = [];
    if (creating && status > 100) for (const value of request.headers.getAll('Record-Route')) headers.push(['Record-Route', value]);
    if (status > 100 && status < 300 && this.ourTarget !== undefined && (creating || TARGET_REFRESH_METHODS.has(request.method))) headers.push(['Contact', formatNameAddr(this.ourTarget)]);
    const response = createResponse(request, status, { ...init, toTag: this.id.localTag, headers: [...headers, ...(init.headers ?? [])] });
    if (creating && request.method === 'INVITE') {
      if (status >= 200 && status < 300 && this.currentState === 'early') this.currentState = 'confirmed';
      else if (status >= 300 && this.currentState === 'early') this.end('a final non-2xx to the INVITE');
    }
    if (request.method === 'INVITE' && status >= 200 && status < 300) this.awaitingAck = true;
    return response;
  }

  /** Ends the dialog now and removes it from its table (a core that gives up on it). */
  terminate(): void {
    this.end('terminated by the core');
  }

  /** @internal the 2xx (or the first one) that confirms an early dialog at the UAC: route set and target from it (§12.1.2, §13.2.2.4) */
  confirm(response: SipResponse, routeSet: readonly NameAddr[]): void {
    if (this.currentState === 'early') {
      log('%s (%s/%s): confirmed', this.id.callId, this.id.localTag, this.id.remoteTag);
      this.currentState = 'confirmed';
      this.routes = routeSet;
    }
    this.refreshTarget(response);
  }

  /** @internal §12.2.1.2, §12.2.2: a target refresh replaces the remote target with its Contact */
  refreshTarget(message: SipMessage): void {
    const uri = contactUri(message);
    if (uri !== undefined) this.target = uri;
  }

  /** @internal the peer's request passed the CSeq check (§12.2.2) */
  setRemoteSeq(seq: number): void {
    this.remoteSequence = seq;
  }

  /** @internal ends the dialog (idempotent): terminated, and out of its table */
  end(why: string): void {
    if (this.currentState !== 'terminated' || why !== 'removed') log('%s (%s/%s): %s', this.id.callId, this.id.localTag, this.id.remoteTag, why);
    this.currentState = 'terminated';
    this.ended(this);
  }

  private build(method: string, seq: number, init: InDialogRequestInit): SipRequest {
    const headers = new HeaderList();
    const { uri, routes } = routeInDialog(this.routes, this.target);
    if (routes.length > 0) headers.append('Route', routes);
    headers.append('Max-Forwards', 70);
    const localTagged = { ...this.local, params: withParam(this.local.params, 'tag', this.id.localTag) };
    const remoteTagged = { ...this.remote, params: withParam(this.remote.params, 'tag', this.id.remoteTag) };
    headers.append('From', localTagged);
    headers.append('To', remoteTagged);
    headers.append('Call-ID', this.id.callId);
    headers.append('CSeq', { seq, method });
    if (this.ourTarget !== undefined && TARGET_REFRESH_METHODS.has(method)) headers.append('Contact', this.ourTarget);
    for (const [name, value] of init.headers ?? []) headers.append(name, value);
    const body = typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : (init.body ?? Buffer.alloc(0));
    if (body.length > 0 && init.contentType !== undefined) headers.set('Content-Type', init.contentType);
    return new SipRequest(method, uri, headers, body);
  }
}
