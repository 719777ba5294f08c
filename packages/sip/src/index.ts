// @switchboard/sip: SIP (RFC 3261) for Node.js. This is the package's one public face.

/**
 * SIP (RFC 3261) on the actor runtime: messages, transports, the four transaction machines,
 * the Core behaviour, the stack and digest authentication (see docs/sip.md).
 *
 * @module @switchboard/sip
 */

export { SipParseError, SipValidationError } from './message/errors.js';
export { parseUri, formatUri, uriParam, escapeUri, unescapeUri, isSipUri, isTelUri, sipUri, isIpv6Reference } from './message/uri.js';
export type { Uri, SipUri, TelUri, OtherUri, UriParam } from './message/uri.js';
export { paramValue, withParam } from './message/params.js';
export type { Param } from './message/params.js';
export { canonicalName } from './message/header-names.js';
export { HeaderList } from './message/header-list.js';
export type { HeaderInput } from './message/header-list.js';
export type { HeaderTypes, TypedHeaderName } from './message/header-types.js';
export { viaBranch, viaRport } from './message/headers/via.js';
export type { Via } from './message/headers/via.js';
export { isContactStar } from './message/headers/name-addr.js';
export type { NameAddr, ContactStar } from './message/headers/name-addr.js';
export type { CSeq, RAck } from './message/headers/cseq.js';
export type { MediaType } from './message/headers/media-type.js';
export { authParam } from './message/headers/auth.js';
export type { Credentials } from './message/headers/auth.js';
export type { EventHeader, SubscriptionState } from './message/headers/event.js';
export type { ReasonHeader } from './message/headers/reason.js';
export type { WarningHeader, RetryAfter } from './message/headers/warning.js';
export type { SessionExpires } from './message/headers/session-expires.js';
export type { DateHeader } from './message/headers/date.js';
export { SipRequest, SipResponse, SIP_VERSION } from './message/message.js';
export type { SipMessage } from './message/message.js';
export { parseMessage, DEFAULT_LIMITS } from './message/parser.js';
export type { ParseLimits, ParseOptions } from './message/parser.js';
export { serializeMessage } from './message/serializer.js';
export { SipStreamFramer } from './message/framer.js';
export type { FramerEvents } from './message/framer.js';
export { createRequest, createResponse, newBranch, newTag, newCallId, MAGIC_COOKIE, REASON_PHRASES } from './message/builders.js';
export type { RequestInit, ResponseInit } from './message/builders.js';
export { validateRequest, validateResponse, hasRfc3261Branch, UnsupportedExtensionError } from './message/validate.js';
export type { RequestChecks } from './message/validate.js';

// ---- transports, transactions, the Core behaviour and the stack ----
export { SipStack, UDP_SIZE_LIMIT } from './stack.js';
export { startStack, stackChild } from './stack-tree.js';
export { DEFAULT_STACK_LIMITS } from './stack-options.js';
export type { StackStats } from './stack.js';
export type { ListenOptions, StackOptions, SendRequestOptions } from './stack-options.js';
export type { Core, CoreFactory } from './core.js';
export { ServerTransaction, ClientTransaction } from './transaction/handles.js';
export type { Transaction } from './transaction/handles.js';
export type { RespondOptions } from './transaction/messages.js';
export type { ServerKey, ClientKey } from './transaction/key.js';
export { TransactionTimeoutError, TransactionAbortedError } from './transaction/errors.js';
export { DEFAULT_TIMERS, transactionTimers } from './transaction/timers.js';
export type { TimerBase, TransactionTimers } from './transaction/timers.js';
export { inviteClientMachine } from './transaction/invite-client.js';
export type { InviteClientEvent, ClientContext as InviteClientContext } from './transaction/invite-client.js';
export { nonInviteClientMachine } from './transaction/non-invite-client.js';
export type { NonInviteClientEvent, NonInviteClientContext } from './transaction/non-invite-client.js';
export { inviteServerMachine } from './transaction/invite-server.js';
export type { InviteServerEvent, InviteServerContext } from './transaction/invite-server.js';
export { nonInviteServerMachine } from './transaction/non-invite-server.js';
export type { NonInviteServerEvent } from './transaction/non-invite-server.js';
export { SipTransportError } from './transport/errors.js';
export type { Connection, Destination, Source, SentBy, TransportName } from './transport/endpoint.js';
export type { Listener } from './transport/transport-set.js';
export { exampleUas, newUasCounters, ExampleUas } from './examples/uas.js';
export type { UasCounters } from './examples/uas.js';
export { exampleUac, ExampleUac } from './examples/uac.js';
export type { CallOutcome } from './examples/uac.js';

// ---- digest authentication ----
export { DigestAuthenticator } from './auth/authenticator.js';
export type { DigestAuthenticatorOptions, DigestLookup, ChallengeOptions, AnswerOptions, VerifyOptions } from './auth/authenticator.js';
export type { DigestVerification, DigestFailure, DigestAccepted, DigestMissing, DigestStale, DigestRefused, DigestRefusal, DigestMalformed } from './auth/verification.js';
export { DigestClient } from './auth/client.js';
export type { DigestCredentials, DigestClientOptions, AuthorizeOptions } from './auth/client.js';
export { digestChallenges } from './auth/challenge.js';
export type { DigestChallenge } from './auth/challenge.js';
export { digestHa1, digestResponse, digestAlgorithm, DIGEST_ALGORITHMS } from './auth/digest-hash.js';
export type { DigestAlgorithm, DigestInputs } from './auth/digest-hash.js';
export { DigestConfigError, DigestChallengeError } from './auth/errors.js';
export { parseChallenges, formatChallenge } from './message/headers/auth.js';

// ---- dialogs ----
export { Dialog, TARGET_REFRESH_METHODS } from './dialog/dialog.js';
export type { DialogState, DialogRole, DialogId, InDialogRequestInit } from './dialog/dialog.js';
export { DialogTable, DEFAULT_MAX_DIALOGS } from './dialog/table.js';
export type { DialogTableOptions, UasDialogOptions, DialogTransaction } from './dialog/table.js';
export type { DialogRequestMatch, OutsideDialog, InDialog, NoDialog, OutOfOrder, DialogResponseOutcome, NoDialogChange, EarlyDialog, AckToSend, DialogUpdated, DialogsTerminated, DialogRefused } from './dialog/outcomes.js';
export { routeInDialog, routeSetOf, isLooseRoute } from './dialog/route-set.js';
export type { DialogRouting } from './dialog/route-set.js';
export { noDialogResponse, outOfOrderResponse, dialogLimitResponse } from './dialog/refusals.js';
export { DialogLimitError, DialogStateError } from './dialog/errors.js';

// ---- proxy ----
export { StatefulProxy, statefulProxy, DEFAULT_TIMER_C } from './proxy/stateful-proxy.js';
export type { StatefulProxyOptions, ProxyLocator } from './proxy/stateful-proxy.js';
export { statelessProxy, statelessBranch } from './proxy/stateless-proxy.js';
export type { StatelessProxyOptions } from './proxy/stateless-proxy.js';
export type { ProxyTarget } from './proxy/target.js';
export { validateProxyRequest } from './proxy/validate.js';
export type { ProxyValidation } from './proxy/validate.js';
export { loopHash } from './proxy/loop-hash.js';
export { preprocessRoute } from './proxy/route-preprocess.js';
export { branchRequest, fixStrictRoute } from './proxy/branch-request.js';
export type { BranchOptions } from './proxy/branch-request.js';
export { addRecordRoute, recordRouteUri } from './proxy/record-route.js';
export { chooseBestResponse } from './proxy/best-response.js';
export { isOwnUri } from './proxy/own-uri.js';
export { ProxyTimerCError } from './proxy/errors.js';
export type { CancelHandling } from './router.js';

// ---- WebSocket (RFC 7118) ----
export { isWebSocket } from './transport/endpoint.js';
export type { ConnectionTransport } from './transport/endpoint.js';
export { SIP_SUBPROTOCOL } from './transport/ws-listener.js';

// ---- server location (RFC 3263) ----
export { ServerLocator, DEFAULT_LOCATE_OPTIONS } from './locate/server-locator.js';
export type { ServerLocatorOptions, LocateFilter } from './locate/server-locator.js';
export { TargetList } from './locate/target-list.js';
export type { LocatedTarget } from './locate/target-list.js';
export { firstAttempt } from './locate/failover.js';
export type { LocateOption } from './locate/failover.js';
export { orderSrv } from './locate/srv-order.js';
export { sipNaptrs, srvName } from './locate/naptr.js';
export type { SipNaptr } from './locate/naptr.js';
export { DnsCache } from './locate/dns-cache.js';
export type { CacheClock } from './locate/dns-cache.js';
export { dnsResolver } from './locate/dns-resolver.js';
export type { DnsResolver, LocateRecordType } from './locate/dns-resolver.js';
export { DnsLookupError } from './locate/errors.js';
