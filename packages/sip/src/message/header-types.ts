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
  via: Via;
  from: NameAddr;
  to: NameAddr;
  contact: NameAddr | ContactStar;
  route: NameAddr;
  'record-route': NameAddr;
  path: NameAddr;
  'service-route': NameAddr;
  'reply-to': NameAddr;
  'refer-to': NameAddr;
  'referred-by': NameAddr;
  'p-asserted-identity': NameAddr;
  'p-preferred-identity': NameAddr;
  'call-id': string;
  cseq: CSeq;
  rack: RAck;
  rseq: number;
  'max-forwards': number;
  'content-length': number;
  expires: number;
  'min-expires': number;
  'min-se': number;
  'session-expires': SessionExpires;
  'content-type': MediaType;
  require: string;
  supported: string;
  unsupported: string;
  'proxy-require': string;
  allow: string;
  'allow-events': string;
  authorization: Credentials;
  'proxy-authorization': Credentials;
  'www-authenticate': Credentials;
  'proxy-authenticate': Credentials;
  event: EventHeader;
  'subscription-state': SubscriptionState;
  reason: ReasonHeader;
  warning: WarningHeader;
  'retry-after': RetryAfter;
  date: DateHeader;
}

export type TypedHeaderName = keyof HeaderTypes;

interface Codec<T> {
  readonly list: boolean;
  parse(text: string): T;
  /**
   * The one-pass reader of the usual form, on a row's value still inside the message's head,
   * text[from, to): the row's elements, or undefined for anything it does not take, which
   * `parse` then reads from the cut string.
   */
  readonly span?: (text: string, from: number, to: number) => T[] | undefined;
  format(value: T): string;
}

/** A span reader's one element, as the row's list. */
function one<T>(value: T | undefined): T[] | undefined {
  return value === undefined ? undefined : [value];
}

const nameAddr = (header: string): Codec<NameAddr> => ({ list: true, parse: (t) => parseNameAddr(t, header), span: (t, from, to) => one(parseCommonNameAddr(t, header, from, to)), format: formatNameAddr });
const single = (header: string): Codec<NameAddr> => ({ list: false, parse: (t) => parseNameAddr(t, header), span: (t, from, to) => one(parseCommonNameAddr(t, header, from, to)), format: formatNameAddr });
const whole = (header: string, max: number, min = 0): Codec<number> => ({ list: false, parse: (t) => parseWholeNumber(t, header, max, min), span: (t, from, to) => one(wholeNumberAt(t, from, to, max, min)), format: String });
const tokens = (header: string): Codec<string> => ({ list: true, parse: (t) => parseTokenItem(t, header), span: tokenListAt, format: (v) => v });
const credentials = (header: string): Codec<Credentials> => ({ list: false, parse: (t) => parseCredentials(t, header), span: (t, from, to) => one(credentialsAt(t, from, to)), format: formatCredentials });

export const CODECS: { readonly [K in TypedHeaderName]: Codec<HeaderTypes[K]> } = {
  via: { list: true, parse: parseVia, span: (t, from, to) => one(parseCommonVia(t, from, to)), format: formatVia },
  from: single('From'),
  to: single('To'),
  contact: { list: true, parse: parseContact, format: formatNameAddr },
  route: nameAddr('Route'),
  'record-route': nameAddr('Record-Route'),
  path: nameAddr('Path'),
  'service-route': nameAddr('Service-Route'),
  'reply-to': single('Reply-To'),
  'refer-to': single('Refer-To'),
  'referred-by': single('Referred-By'),
  'p-asserted-identity': nameAddr('P-Asserted-Identity'),
  'p-preferred-identity': nameAddr('P-Preferred-Identity'),
  'call-id': { list: false, parse: parseCallId, span: (t, from, to) => one(callIdAt(t, from, to)), format: (v) => v },
  cseq: { list: false, parse: parseCSeq, span: (t, from, to) => one(cseqAt(t, from, to)), format: formatCSeq },
  rack: { list: false, parse: parseRAck, format: formatRAck },
  rseq: whole('RSeq', MAX_DELTA_SECONDS, 1),
  'max-forwards': whole('Max-Forwards', 255),
  'content-length': whole('Content-Length', 2 ** 31 - 1),
  expires: whole('Expires', MAX_DELTA_SECONDS),
  'min-expires': whole('Min-Expires', MAX_DELTA_SECONDS),
  'min-se': whole('Min-SE', MAX_DELTA_SECONDS),
  'session-expires': { list: false, parse: parseSessionExpires, format: formatSessionExpires },
  'content-type': { list: false, parse: (t) => parseMediaType(t), span: (t, from, to) => one(mediaTypeAt(t, from, to)), format: formatMediaType },
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
  event: { list: false, parse: (t) => parseEvent(t), format: formatEvent },
  'subscription-state': { list: false, parse: parseSubscriptionState, format: formatSubscriptionState },
  reason: { list: true, parse: parseReason, format: formatReason },
  warning: { list: true, parse: parseWarning, format: formatWarning },
  'retry-after': { list: false, parse: parseRetryAfter, format: formatRetryAfter },
  date: { list: false, parse: parseDate, format: formatDate },
};

const BY_KEY = new Map<string, Codec<unknown>>(Object.entries(CODECS) as [string, Codec<unknown>][]);

export function codecOf(key: string): Codec<unknown> | undefined {
  return BY_KEY.get(key);
}
