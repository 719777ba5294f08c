// URIs of RFC 3261 §19.1 (sip, sips), RFC 3966 (tel), and any other absolute URI kept intact.
// Components are held %-decoded; formatting escapes what must be escaped, so parse(format(u))
// equals u (the bytes may differ where the sender escaped more than it had to).
import { isIPv6 } from 'node:net';
import { SipParseError } from './errors.js';
import { octetsOf } from './octets.js';
import { NO_PARAMS, sameName } from './params.js';

/** A URI parameter or header: name, and value (null for a bare name like `lr`). */
export type UriParam = readonly [name: string, value: string | null];

/**
 * A SIP or SIPS URI (RFC 3261 §19.1): `sip:user:password@host:port;params?headers`, with escapes
 * decoded.
 */
export interface SipUri {
  /** `sips` asks for TLS on every hop (RFC 3261 §19.1.1); lower case. */
  readonly scheme: 'sip' | 'sips';
  /** The user part, decoded; null when the URI names a host only. */
  readonly user: string | null;
  /**
   * The password after `user:`, decoded; null when absent (RFC 3261 §19.1.1 advises against using
   * one).
   */
  readonly password: string | null;
  /** A hostname, an IPv4 address, or an IPv6 reference with its brackets ([2001:db8::1]). */
  readonly host: string;
  /** The port; null when absent, which means the transport's default (5060, or 5061 for sips). */
  readonly port: number | null;
  /** In order; names as written (compare them case-insensitively: use `uriParam`). */
  readonly params: readonly UriParam[];
  /** The `?h=v&…` part, decoded. */
  readonly headers: readonly (readonly [name: string, value: string])[];
}

/** A tel URI (RFC 3966): a telephone number with parameters such as `phone-context`. */
export interface TelUri {
  /** Always `tel`. */
  readonly scheme: 'tel';
  /** The telephone-subscriber: global (+…) or local number, visual separators kept. */
  readonly number: string;
  /** In order; names as written (compare them case-insensitively: use `uriParam`). */
  readonly params: readonly UriParam[];
}

/** Any other absolute URI (mailto:, urn:, http:…), kept as written. */
export interface OtherUri {
  /** The scheme, lower case. */
  readonly scheme: string;
  /** The whole URI as written, scheme included; written back unchanged. */
  readonly raw: string;
}

/**
 * Any URI a SIP message may carry: narrow it with {@link isSipUri}, {@link isTelUri} or its
 * `scheme`.
 */
export type Uri = SipUri | TelUri | OtherUri;

/** Whether a URI is a `sip:` or `sips:` URI, narrowing it to {@link SipUri}. */
export function isSipUri(uri: Uri): uri is SipUri {
  return uri.scheme === 'sip' || uri.scheme === 'sips';
}

/** Whether a URI is a `tel:` URI, narrowing it to {@link TelUri}. */
export function isTelUri(uri: Uri): uri is TelUri {
  return uri.scheme === 'tel';
}

/** The value of parameter `name` (case-insensitive): a string, null for a bare name, undefined if absent. */
export function uriParam(uri: SipUri | TelUri, name: string): string | null | undefined {
  for (const [key, value] of uri.params) if (sameName(key, name)) return value;
  return undefined;
}

const HEX = '0123456789ABCDEF';

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Decodes %XX escapes (as octets, read as UTF-8); a '%' that is not an escape stays as it is. */
export function unescapeUri(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 37 && i + 2 < text.length + 0 && hexValue(text.charCodeAt(i + 1)) >= 0 && hexValue(text.charCodeAt(i + 2)) >= 0) {
      bytes.push(hexValue(text.charCodeAt(i + 1)) * 16 + hexValue(text.charCodeAt(i + 2)));
      i += 2;
    } else {
      for (const b of Buffer.from(text[i]!, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// What may stay unescaped in each component (RFC 3261 §25.1): unreserved plus the component's own.
const UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()";
const ALLOWED = {
  user: new Set(`${UNRESERVED}&=+$,;?/`),
  password: new Set(`${UNRESERVED}&=+$,`),
  param: new Set(`${UNRESERVED}[]/:&+$`),
  header: new Set(`${UNRESERVED}[]/?:+$`),
};

/** Escapes what `component` may not carry raw. */
export function escapeUri(text: string, component: keyof typeof ALLOWED): string {
  const allowed = ALLOWED[component];
  let plain = true;
  for (const ch of text) if (!allowed.has(ch)) plain = false;
  if (plain) return text;
  let out = '';
  for (const ch of text) {
    if (allowed.has(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

function fail(text: string, what: string, header?: string): never {
  throw new SipParseError(`${what} in URI ${JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text)}`, 400, header);
}

const IPV6_REF = /^\[[0-9A-Fa-f:.]+\]$/;

/**
 * Whether `host` is an IPv6 reference: `[` IPv6address `]` (RFC 3261 §25.1 as corrected by RFC
 * 5954 §4.1, which takes RFC 3986's IPv6address: at most one `::`, eight groups in all, a dotted
 * IPv4 tail whose parts are 0–255). No zone identifier: SIP URIs have none.
 *
 * @example
 * isIpv6Reference('[2001:db8::10]'); // true
 * isIpv6Reference('[::1::2]');       // false
 */
export function isIpv6Reference(host: string): boolean {
  return IPV6_REF.test(host) && isIPv6(host.slice(1, -1));
}

const isAlpha = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
function isScheme(text: string): boolean {
  if (text.length === 0 || !isAlpha(text.charCodeAt(0))) return false;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(isAlpha(c) || isDigit(c) || c === 43 || c === 45 || c === 46)) return false;
  }
  return true;
}

/** A hostname (labels of alphanumerics and inner hyphens, an optional final dot) or an IPv4 address. */
function isHost(text: string): boolean {
  let labelStart = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 46 : text.charCodeAt(i);
    if (c === 46) {
      const length = i - labelStart;
      if (length === 0) return i === text.length && i > 0 && text.charCodeAt(i - 1) === 46 && text.length > 1;
      if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) return false;
      labelStart = i + 1;
    } else if (!(isAlpha(c) || isDigit(c) || c === 45)) return false;
  }
  return true;
}

/** No whitespace, quotes or angle brackets inside a URI. */
function hasForbidden(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 34 || c === 60 || c === 62 || c === 127) return true;
  }
  return false;
}

/**
 * Parses a URI. `header` names the header it came from, for errors. Whitespace inside the URI is
 * an error (RFC 4475 §3.1.2.8).
 */
export function parseUri(text: string, header?: string): Uri {
  return parseCommonSipUri(text) ?? parseUriGeneral(text, header);
}

/** @internal every URI form, by the grammar (parseUri tries the one-pass reader first). */
export function parseUriGeneral(text: string, header?: string): Uri {
  const colon = text.indexOf(':');
  if (colon <= 0) fail(text, 'no scheme', header);
  const scheme = text.slice(0, colon);
  if (!isScheme(scheme)) fail(text, 'a bad scheme', header);
  if (hasForbidden(text)) fail(text, 'whitespace, a control character, a quote or an angle bracket', header);
  const lower = scheme === 'sip' || scheme === 'sips' || scheme === 'tel' ? scheme : scheme.toLowerCase();
  const rest = text.slice(colon + 1);
  if (lower === 'sip' || lower === 'sips') return parseSipUri(lower, rest, text, header);
  if (lower === 'tel') return parseTelUri(rest, text, header);
  return { scheme: lower, raw: text };
}

/** A Request-URI: an absolute URI; a SIP one carries no headers (RFC 3261 §19.1.5). */
export function parseRequestUri(text: string): Uri {
  const uri = parseUri(text, 'Request-URI');
  if (isSipUri(uri) && uri.headers.length > 0) throw new SipParseError('the Request-URI carries headers (RFC 3261 §19.1.5)', 400, 'Request-URI');
  return uri;
}

// unreserved and the user / param characters that never need decoding or special handling
const PLAIN = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()+$,&=") PLAIN[c.charCodeAt(0)] = 1;

/**
 * `sip:` / `sips:` URIs of the usual shape — plain user, hostname or IPv4, optional port, plain
 * parameters, no password, escapes or headers — read in one pass from text[from, to), scanning
 * `octets` (text's, at the same offsets: see octets.ts); undefined for anything else (parseUri's
 * general path then reads it, with the same result).
 */
export function parseCommonSipUri(text: string, from = 0, to = text.length, octets: Uint8Array = octetsOf(text)): SipUri | undefined {
  let pos: number;
  let scheme: 'sip' | 'sips';
  // "sip:" or "sips:"
  if (to - from < 5 || octets[from] !== 115 || octets[from + 1] !== 105 || octets[from + 2] !== 112) return undefined;
  const fourth = octets[from + 3];
  if (fourth === 58) {
    scheme = 'sip';
    pos = from + 4;
  } else if (fourth === 115 && octets[from + 4] === 58) {
    scheme = 'sips';
    pos = from + 5;
  } else return undefined;
  let user: string | null = null;
  // the user part, when an '@' comes before `to`
  let c = 0;
  let at = text.indexOf('@', pos);
  if (at >= to) at = -1;
  if (at >= 0) {
    if (at === pos) return undefined;
    for (let i = pos; i < at; i++) if (PLAIN_PART[octets[i]!] !== 1) return undefined;
    user = text.slice(pos, at);
    pos = at + 1;
  }
  // hostname labels: letters, digits and inner '-', joined by single dots
  const hostStart = pos;
  for (;;) {
    const label = pos;
    while (pos < to && LABEL[octets[pos]!] === 1) pos++;
    if (pos === label || octets[label] === 45 || octets[pos - 1] === 45) return undefined;
    if (pos < to && octets[pos] === 46) pos++;
    else break;
  }
  const host = text.slice(hostStart, pos);
  let port: number | null = null;
  if (pos < to && octets[pos] === 58) {
    const digits = ++pos;
    let value = 0;
    while (pos < to && (c = octets[pos]! - 48) >= 0 && c <= 9) {
      value = value * 10 + c;
      pos++;
    }
    if (pos === digits || pos - digits > 5 || value > 65535) return undefined;
    port = value;
  }
  if (pos === to) return { scheme, user, password: null, host, port, params: NO_PARAMS, headers: NO_HEADERS };
  // the first two are held apart, so that the usual one or two make an array of their own size
  let first: UriParam | undefined;
  let second: UriParam | undefined;
  let more: UriParam[] | undefined;
  while (pos < to) {
    if (octets[pos] !== 59) return undefined;
    const nameStart = ++pos;
    while (pos < to && PLAIN_PART[octets[pos]!] === 1) pos++;
    if (pos === nameStart) return undefined;
    const name = text.slice(nameStart, pos);
    let param: UriParam;
    if (pos < to && octets[pos] === 61) {
      const valueStart = ++pos;
      while (pos < to && PLAIN_PART[octets[pos]!] === 1) pos++;
      if (pos === valueStart) return undefined;
      param = [name, text.slice(valueStart, pos)];
    } else param = [name, null];
    if (first === undefined) first = param;
    else if (second === undefined) second = param;
    else if (more === undefined) more = [first, second, param];
    else more.push(param);
  }
  const params = more ?? (second === undefined ? [first!] : [first!, second]);
  return { scheme, user, password: null, host, port, params, headers: NO_HEADERS };
}

/** The headers of a URI without any (one frozen array for all of them). */
const NO_HEADERS: SipUri['headers'] = Object.freeze([]);

/** PLAIN without '=' and '&', over every octet: what a user part, a parameter name or value holds on the one-pass path. */
const PLAIN_PART = new Uint8Array(256);
PLAIN_PART.set(PLAIN.map((v, c) => (c === 61 || c === 38 ? 0 : v)));

/** Letters, digits and '-', over every octet: what a hostname's label holds. */
const LABEL = new Uint8Array(256);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-') LABEL[c.charCodeAt(0)] = 1;

function parseParams(text: string, whole: string, header: string | undefined): UriParam[] {
  const params: UriParam[] = [];
  if (text === '') return params;
  for (const part of text.split(';')) {
    if (part === '') fail(whole, 'an empty parameter', header);
    const eq = part.indexOf('=');
    const name = unescapeUri(eq < 0 ? part : part.slice(0, eq));
    if (name === '') fail(whole, 'a parameter without a name', header);
    params.push([name, eq < 0 ? null : unescapeUri(part.slice(eq + 1))]);
  }
  return params;
}

function parseSipUri(scheme: 'sip' | 'sips', rest: string, whole: string, header: string | undefined): SipUri {
  let user: string | null = null;
  let password: string | null = null;
  let at = rest.indexOf('@');
  let hostPart = rest;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const pc = userinfo.indexOf(':');
    user = unescapeUri(pc < 0 ? userinfo : userinfo.slice(0, pc));
    password = pc < 0 ? null : unescapeUri(userinfo.slice(pc + 1));
    if (user === '') fail(whole, 'an empty user', header);
  }
  at = hostPart.indexOf('?');
  const headersPart = at < 0 ? '' : hostPart.slice(at + 1);
  if (at >= 0) hostPart = hostPart.slice(0, at);
  const semi = hostPart.indexOf(';');
  const hostport = semi < 0 ? hostPart : hostPart.slice(0, semi);
  const params = parseParams(semi < 0 ? '' : hostPart.slice(semi + 1), whole, header);

  let host: string;
  let port: number | null = null;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) fail(whole, 'an unclosed IPv6 reference', header);
    host = hostport.slice(0, close + 1);
    const after = hostport.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) fail(whole, 'junk after the IPv6 reference', header);
      port = parsePort(after.slice(1), whole, header);
    }
    if (!isIpv6Reference(host)) fail(whole, 'a bad IPv6 reference', header);
  } else {
    const pc = hostport.indexOf(':');
    host = pc < 0 ? hostport : hostport.slice(0, pc);
    if (pc >= 0) port = parsePort(hostport.slice(pc + 1), whole, header);
    if (!isHost(host)) fail(whole, 'a bad host', header);
  }
  const headers: (readonly [string, string])[] = [];
  if (headersPart !== '') {
    for (const part of headersPart.split('&')) {
      const eq = part.indexOf('=');
      if (eq <= 0) fail(whole, 'a bad header', header);
      headers.push([unescapeUri(part.slice(0, eq)), unescapeUri(part.slice(eq + 1))]);
    }
  }
  return { scheme, user, password, host, port, params, headers };
}

function parsePort(text: string, whole: string, header: string | undefined): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) fail(whole, 'a bad port', header);
  return Number(text);
}

function parseTelUri(rest: string, whole: string, header: string | undefined): TelUri {
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (!/^\+?[0-9A-Fa-f*#().-]+$/.test(number) || !/[0-9A-Fa-f*#]/.test(number)) fail(whole, 'a bad telephone number', header);
  return { scheme: 'tel', number, params: parseParams(semi < 0 ? '' : rest.slice(semi + 1), whole, header) };
}

function formatParams(params: readonly UriParam[]): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${escapeUri(name, 'param')}` : `;${escapeUri(name, 'param')}=${escapeUri(value, 'param')}`;
  return out;
}

/** Formats a URI in its canonical form. */
export function formatUri(uri: Uri): string {
  if (isSipUri(uri)) {
    let out = `${uri.scheme}:`;
    if (uri.user !== null) {
      out += escapeUri(uri.user, 'user');
      if (uri.password !== null) out += `:${escapeUri(uri.password, 'password')}`;
      out += '@';
    }
    out += uri.host;
    if (uri.port !== null) out += `:${uri.port}`;
    out += formatParams(uri.params);
    if (uri.headers.length > 0) out += `?${uri.headers.map(([n, v]) => `${escapeUri(n, 'header')}=${escapeUri(v, 'header')}`).join('&')}`;
    return out;
  }
  if (isTelUri(uri)) return `tel:${uri.number}${formatParams(uri.params)}`;
  return (uri as OtherUri).raw;
}

/** Builds a sip: URI from its parts. */
export function sipUri(parts: { host: string; user?: string; port?: number; params?: readonly UriParam[]; scheme?: 'sip' | 'sips' }): SipUri {
  return { scheme: parts.scheme ?? 'sip', user: parts.user ?? null, password: null, host: parts.host, port: parts.port ?? null, params: parts.params ?? [], headers: [] };
}
