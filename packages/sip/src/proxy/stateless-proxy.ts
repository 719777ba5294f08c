// A stateless proxy (RFC 3261 §16.11): each request is validated, its Route set preprocessed and
// one copy forwarded with no transaction; CANCEL and the ACK of a non-2xx get the same Via branch
// as their INVITE, so the next hop matches them to it. Responses go back by their next Via.
import { createHash } from 'node:crypto';
import createDebug from 'debug';
import type { Awaitable } from '@switchboard/actor';
import type { Core, CoreFactory } from '../core.js';
import { MAGIC_COOKIE } from '../message/builders.js';
import type { Via } from '../message/headers/via.js';
import type { SipRequest } from '../message/message.js';
import { paramValue } from '../message/params.js';
import type { SipStack } from '../stack.js';
import { nextHopUri, resolveUri } from '../transport/next-hop.js';
import { SipTransportError } from '../transport/errors.js';
import { branchRequest } from './branch-request.js';
import { isOwnUri } from './own-uri.js';
import { recordRouteUri } from './record-route.js';
import { preprocessRoute } from './route-preprocess.js';
import type { ProxyTarget } from './target.js';
import { validateProxyRequest } from './validate.js';

const log = createDebug('switchboard:sip:proxy');

/** Options of {@link statelessProxy}. */
export interface StatelessProxyOptions {
  /**
   * The one target of a request (§16.11: a stateless proxy does not fork); `undefined` (or no
   * `route`) forwards to the Request-URI, or to the first Route after preprocessing (§16.4).
   */
  readonly route?: (request: SipRequest) => Awaitable<ProxyTarget | undefined>;
  /** Insert a Record-Route (`lr`) in requests outside a dialog (§16.6 step 4). Default false. */
  readonly recordRoute?: boolean;
  /** Option tags this proxy supports in Proxy-Require (§16.3 step 5); default none. */
  readonly supported?: readonly string[];
}

/**
 * A core that is a stateless proxy (RFC 3261 §16.11). Start its stack with `cancel: 'core'` so
 * that CANCELs reach it and are forwarded (with the default, the stack answers them, and 481 once
 * the INVITE's transaction has been let go).
 *
 * - Requests: server transaction ended at once (no state kept), §16.3 validation answered
 *   statelessly, §16.4 route preprocessing, Max-Forwards decremented, the copy sent with a Via
 *   whose branch is a digest of the received top Via, Request-URI, Call-ID, From tag and CSeq
 *   number: the same for a retransmission, a CANCEL and the ACK of a non-2xx as for their INVITE.
 * - Responses: the top Via (ours) is removed and the response sent by the next one (§16.11,
 *   §18.2.2).
 *
 * @example
 * ```ts fragment
 * const stack = await startStack(runtime, {
 *   listen: [{ transport: 'udp', port: 5060 }],
 *   cancel: 'core',
 *   core: statelessProxy({ route: () => ({ uri: parseUri('sip:bob@192.0.2.4') }) }),
 * });
 * ```
 */
export function statelessProxy(options: StatelessProxyOptions = {}): CoreFactory {
  return (stack): Core => ({
    async receiveRequest(request, transaction) {
      // A CANCEL under the default `cancel: 'answer'` comes with its INVITE's transaction: ours ended.
      if (transaction !== null && transaction.method === request.method) transaction.terminate();
      await forwardStatelessly(stack, request, options);
    },
    receiveResponse(response) {
      response.headers.shift('via'); // ours (the router checked); the next one says where
      if (!response.headers.has('Via')) return;
      try {
        stack.sendResponse(response);
      } catch (error) {
        log('response %d not forwarded: %s', response.status, error instanceof Error ? error.message : String(error));
      }
    },
    receiveError(error) {
      log('stateless proxy: %s', error.message);
    },
  });
}

/** §16.11 for one request: validate, preprocess, forward one copy with a derived branch. */
async function forwardStatelessly(stack: SipStack, request: SipRequest, options: StatelessProxyOptions): Promise<void> {
  const refusal = validateProxyRequest(request, { supported: options.supported ?? [] });
  if (refusal !== undefined) {
    if (request.method !== 'ACK') stack.sendResponse(refusal);
    return;
  }
  const branch = statelessBranch(request);
  preprocessRoute(request, (uri) => isOwnUri(stack, uri));
  const target = (await options.route?.(request)) ?? { uri: request.uri };
  const recordRoute = options.recordRoute === true && paramValue(request.to?.params ?? [], 'tag') === undefined && request.method !== 'REGISTER' ? recordRouteUri(stack, 'UDP') : undefined;
  const copy = branchRequest(request, recordRoute === undefined ? { uri: target.uri } : { uri: target.uri, recordRoute });
  try {
    const destination = target.destination ?? (await resolveUri(nextHopUri(copy)));
    const listener = stack.transports.listenerFor(destination.transport, destination.address);
    if (listener === undefined) throw new SipTransportError(`no ${destination.transport} listener`, destination);
    const via: Via = { protocol: 'SIP/2.0', transport: destination.transport, host: listener.sentBy.host, port: listener.sentBy.port, params: [['branch', branch], ['rport', null]] };
    copy.headers.prepend('Via', via);
    await stack.sendRequest(copy, { destination, via: 'keep', stateless: true });
  } catch (error) {
    log('%s %s not forwarded: %s', request.method, request.requestTarget, error instanceof Error ? error.message : String(error));
  }
}

/**
 * §16.11: the branch of a statelessly forwarded request, from what a retransmission, the CANCEL
 * (§9.1) and the non-2xx ACK (§17.1.1.3) of an INVITE share with it: the received top Via,
 * Request-URI, Call-ID, From tag and CSeq number. The ACK of a 2xx has its own top Via, so its own
 * branch.
 */
export function statelessBranch(request: SipRequest): string {
  const hash = createHash('sha1');
  hash.update(request.headers.values('Via')[0] ?? '');
  hash.update(`\u0000${request.requestTarget}\u0000${request.callId ?? ''}\u0000${paramValue(request.from?.params ?? [], 'tag') ?? ''}\u0000${request.cseq?.seq ?? ''}`);
  return `${MAGIC_COOKIE}${hash.digest('base64url').slice(0, 22)}`;
}
