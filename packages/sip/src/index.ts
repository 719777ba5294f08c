// @switchboard/sip: SIP (RFC 3261) for Node.js. This is the package's one public face.

export { SipParseError, SipValidationError } from './message/errors.js';
export { parseUri, formatUri, uriParam, escapeUri, unescapeUri, isSipUri, isTelUri, sipUri } from './message/uri.js';
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
