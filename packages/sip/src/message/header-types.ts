// Which typed value each known header has, how to read one element and how to write it back.
// `list` headers take several comma-separated elements per row (RFC 3261 §7.3.1).
import { type Credentials, credentialsAt, formatCredentials, parseCredentials } from './headers/auth.js';
import { type CSeq, type RAck, cseqAt, formatCSeq, formatRAck, parseCSeq, parseRAck } from './headers/cseq.js';
import { type DateHeader, formatDate, parseDate } from './headers/date.js';
import { type EventHeader, type SubscriptionState, formatEvent, formatSubscriptionState, parseEvent, parseSubscriptionState } from './headers/event.js';
import { type MediaType, formatMediaType, mediaTypeAt, parseMediaType } from './headers/media-type.js';
import { type ContactStar, type NameAddr, formatNameAddr, parseCommonNameAddr, parseContact, parseNameAddr } from './headers/name-addr.js';
import { type ReasonHeader, formatReason, parseReason } from './headers/reason.js';
import { MAX_DELTA_SECONDS, callIdAt, parseCallId, parseWholeNumber, wholeNumberAt } from './headers/scalars.js';
import { type SessionExpires, formatSessionExpires, parseSessionExpires } from './headers/session-expires.js';
import { parseTokenItem, tokenListAt } from './headers/token-list.js';
import { type Via, formatVia, parseCommonVia, parseVia } from './headers/via.js';
import { type RetryAfter, type WarningHeader, formatRetryAfter, formatWarning, parseRetryAfter, parseWarning } from './headers/warning.js';

/** The typed value of each known header (by lowercase canonical name). */
export interface HeaderTypes {
  /** Via (RFC 3261 §20.42): one element per hop the request has crossed, topmost first. */
  via: Via;
  /** From (RFC 3261 §20.20): the request's logical originator, with its `tag`. */
  from: NameAddr;
  /** To (RFC 3261 §20.39): the request's logical recipient, with the UAS's `tag` once answered. */
  to: NameAddr;
  /**
   * Contact (RFC 3261 §20.10): where to reach the sender directly, or `*` in a REGISTER that
   * removes every binding.
   */
  contact: NameAddr | ContactStar;
  /** Route (RFC 3261 §20.34): the proxies a request must still visit, in order. */
  route: NameAddr;
  /** Record-Route (RFC 3261 §20.30): the proxies that asked to stay on the dialog's path. */
  'record-route': NameAddr;
  /** Path (RFC 3327): the proxies between a registering UA and its registrar. */
  path: NameAddr;
  /** Service-Route (RFC 3608): the route a registrar tells the UA to use for later requests. */
  'service-route': NameAddr;
  /** Reply-To (RFC 3261 §20.31): where a reply should go if it differs from From. */
  'reply-to': NameAddr;
  /** Refer-To (RFC 3515 §2.1): the target a REFER asks the recipient to contact. */
  'refer-to': NameAddr;
  /** Referred-By (RFC 3892): who caused the request to be sent. */
  'referred-by': NameAddr;
  /** P-Asserted-Identity (RFC 3325 §9.1): the identity a trusted network vouches for. */
  'p-asserted-identity': NameAddr;
  /** P-Preferred-Identity (RFC 3325 §9.2): the identity the UA would like asserted. */
  'p-preferred-identity': NameAddr;
  /**
   * Call-ID (RFC 3261 §20.8): the opaque identifier shared by every message of a call or
   * registration.
   */
  'call-id': string;
  /** CSeq (RFC 3261 §20.16): the request's sequence number and method. */
  cseq: CSeq;
  /** RAck (RFC 3262 §7.2): which reliable provisional response a PRACK acknowledges. */
  rack: RAck;
  /** RSeq (RFC 3262 §7.1): the sequence number of a reliable provisional response. */
  rseq: number;
  /** Max-Forwards (RFC 3261 §20.22): how many more hops the request may take, 0–255. */
  'max-forwards': number;
  /** Content-Length (RFC 3261 §20.14): the body's size in bytes. */
  'content-length': number;
  /**
   * Expires (RFC 3261 §20.19): a lifetime in seconds (of a registration, subscription or message).
   */
  expires: number;
  /**
   * Min-Expires (RFC 3261 §20.23): the shortest registration lifetime a registrar accepts, in
   * seconds.
   */
  'min-expires': number;
  /** Min-SE (RFC 4028 §5): the shortest session interval accepted, in seconds. */
  'min-se': number;
  /** Session-Expires (RFC 4028 §4): the session refresh interval and who refreshes. */
  'session-expires': SessionExpires;
  /** Content-Type (RFC 3261 §20.15): the body's media type. */
  'content-type': MediaType;
  /** Require (RFC 3261 §20.32): one option tag the UAS must support. */
  require: string;
  /** Supported (RFC 3261 §20.37): one option tag the sender supports. */
  supported: string;
  /** Unsupported (RFC 3261 §20.40): one required option tag the UAS does not support. */
  unsupported: string;
  /** Proxy-Require (RFC 3261 §20.29): one option tag proxies must support. */
  'proxy-require': string;
  /** Allow (RFC 3261 §20.5): one method the sender supports. */
  allow: string;
  /** Allow-Events (RFC 6665 §8.2.2): one event package the sender supports. */
  'allow-events': string;
  /** Authorization (RFC 3261 §20.7): the UA's answer to a 401 challenge. */
  authorization: Credentials;
  /** Proxy-Authorization (RFC 3261 §20.28): the UA's answer to a 407 challenge. */
  'proxy-authorization': Credentials;
  /** WWW-Authenticate (RFC 3261 §20.44): a UAS's or registrar's challenge, in a 401. */
  'www-authenticate': Credentials;
  /** Proxy-Authenticate (RFC 3261 §20.27): a proxy's challenge, in a 407. */
  'proxy-authenticate': Credentials;
  /** Event (RFC 6665 §8.2.1): the event package a SUBSCRIBE or NOTIFY is about. */
  event: EventHeader;
  /** Subscription-State (RFC 6665 §8.2.3): the state of the subscription a NOTIFY reports. */
  'subscription-state': SubscriptionState;
  /** Reason (RFC 3326): why a request (often a CANCEL or BYE) was sent. */
  reason: ReasonHeader;
  /** Warning (RFC 3261 §20.43): extra information about the response's status. */
  warning: WarningHeader;
  /** Retry-After (RFC 3261 §20.33): how long until the service is expected back, in seconds. */
  'retry-after': RetryAfter;
  /** Date (RFC 3261 §20.17): when the message was sent, in GMT. */
  date: DateHeader;
}

/**
 * The lowercase canonical name of a header that has a typed value: the keys of {@link HeaderTypes}.
 */
export type TypedHeaderName = keyof HeaderTypes;

interface Codec<T> {
  readonly list: boolean;
  parse(text: string): T;
  /**
   * Which one-pass reader takes the usual form of a row's value still inside the message's head
   * (see {@link readSpan}); 0 for none.
   */
  readonly reader: number;
  /** The header's canonical name, for errors (the name-addr readers'). */
  readonly header: string;
  /** The bounds of a whole number (the number reader's). */
  readonly min: number;
  readonly max: number;
  format(value: T): string;
}

// The one-pass readers, by the number a codec names in `reader` (readSpan's switch on it calls each
// reader directly, where a function per codec would make one call site call them all). The cases
// there are written as literals: a module's constants are loaded and checked on every use.
const NO_READER = 0;
const VIA = 1;
const NAME_ADDR = 2;
const CONTACT = 3;
const CALL_ID = 4;
const CSEQ = 5;
const NUMBER = 6;
const MEDIA_TYPE = 7;
const TOKENS = 8;
const CREDENTIALS = 9;

function codec<T>(list: boolean, parse: (text: string) => T, format: (value: T) => string, reader = NO_READER, header = '', max = 0, min = 0): Codec<T> {
  return { list, parse, reader, header, min, max, format };
}

const nameAddr = (header: string): Codec<NameAddr> => codec(true, (t) => parseNameAddr(t, header), formatNameAddr, NAME_ADDR, header);
const single = (header: string): Codec<NameAddr> => codec(false, (t) => parseNameAddr(t, header), formatNameAddr, NAME_ADDR, header);
const whole = (header: string, max: number, min = 0): Codec<number> => codec(false, (t) => parseWholeNumber(t, header, max, min), String, NUMBER, header, max, min);
const tokens = (header: string): Codec<string> => codec(true, (t) => parseTokenItem(t, header), (v) => v, TOKENS, header);
const credentials = (header: string): Codec<Credentials> => codec(false, (t) => parseCredentials(t, header), formatCredentials, CREDENTIALS, header);

export const CODECS: { readonly [K in TypedHeaderName]: Codec<HeaderTypes[K]> } = {
  via: codec(true, parseVia, formatVia, VIA, 'Via'),
  from: single('From'),
  to: single('To'),
  contact: codec(true, parseContact, formatNameAddr, CONTACT, 'Contact'),
  route: nameAddr('Route'),
  'record-route': nameAddr('Record-Route'),
  path: nameAddr('Path'),
  'service-route': nameAddr('Service-Route'),
  'reply-to': single('Reply-To'),
  'refer-to': single('Refer-To'),
  'referred-by': single('Referred-By'),
  'p-asserted-identity': nameAddr('P-Asserted-Identity'),
  'p-preferred-identity': nameAddr('P-Preferred-Identity'),
  'call-id': codec(false, parseCallId, (v) => v, CALL_ID, 'Call-ID'),
  cseq: codec(false, parseCSeq, formatCSeq, CSEQ, 'CSeq'),
  rack: codec(false, parseRAck, formatRAck),
  rseq: whole('RSeq', MAX_DELTA_SECONDS, 1),
  'max-forwards': whole('Max-Forwards', 255),
  'content-length': whole('Content-Length', 2 ** 31 - 1),
  expires: whole('Expires', MAX_DELTA_SECONDS),
  'min-expires': whole('Min-Expires', MAX_DELTA_SECONDS),
  'min-se': whole('Min-SE', MAX_DELTA_SECONDS),
  'session-expires': codec(false, parseSessionExpires, formatSessionExpires),
  'content-type': codec(false, (t) => parseMediaType(t), formatMediaType, MEDIA_TYPE, 'Content-Type'),
  require: tokens('Require'),
  supported: tokens('Supported'),
  unsupported: tokens('Unsupported'),
  'proxy-require': tokens('Proxy-Require'),
  allow: tokens('Allow'),
  'allow-events': tokens('Allow-Events'),
  authorization: credentials('Authorization'),
  'proxy-authorization': credentials('Proxy-Authorization'),
  'www-authenticate': credentials('WWW-Authenticate'),
  'proxy-authenticate': credentials('Proxy-Authenticate'),
  event: codec(false, (t) => parseEvent(t), formatEvent),
  'subscription-state': codec(false, parseSubscriptionState, formatSubscriptionState),
  reason: codec(true, parseReason, formatReason),
  warning: codec(true, parseWarning, formatWarning),
  'retry-after': codec(false, parseRetryAfter, formatRetryAfter),
  date: codec(false, parseDate, formatDate),
};

/**
 * The usual form of a row's value read where it lies in the head, text[from, to), scanning the
 * head's octets (see octets.ts), by `codec`'s one-pass reader: the row's one element, or its
 * elements, or undefined for anything the reader does not take (and for a codec without one),
 * which `codec.parse` then reads from the cut string.
 */
export function readSpan(codec: Codec<unknown>, text: string, from: number, to: number, octets: Uint8Array): unknown {
  switch (codec.reader) {
    case 1: // VIA
      return parseCommonVia(text, from, to, octets);
    case 2: // NAME_ADDR
      return parseCommonNameAddr(text, codec.header, from, to, octets);
    case 3: // CONTACT
      // `*` (RFC 3261 §10.2.2) is for parseContact
      return octets[from] === 42 ? undefined : parseCommonNameAddr(text, 'Contact', from, to, octets);
    case 4: // CALL_ID
      return callIdAt(text, from, to, octets);
    case 5: // CSEQ
      return cseqAt(text, from, to, octets);
    case 6: // NUMBER
      return wholeNumberAt(text, from, to, codec.max, codec.min, octets);
    case 7: // MEDIA_TYPE
      return mediaTypeAt(text, from, to, octets);
    case 8: // TOKENS
      return tokenListAt(text, from, to, octets);
    case 9: // CREDENTIALS
      return credentialsAt(text, from, to, octets);
    default:
      return undefined;
  }
}

const BY_KEY = new Map<string, Codec<unknown>>(Object.entries(CODECS) as [string, Codec<unknown>][]);
/**
 * The typed headers' keys as CODECS spells them: property names, which V8 keeps internalized, so
 * that comparing one with a literal ('cseq') or a caller's name is one pointer comparison.
 */
const KEYS = new Map<string, string>(Object.keys(CODECS).map((key) => [key, key]));

/** `key`, the very string CODECS is keyed by when it is a typed header's (see KEYS). */
export function typedKey(key: string): string {
  return KEYS.get(key) ?? key;
}

export function codecOf(key: string): Codec<unknown> | undefined {
  return BY_KEY.get(key);
}
