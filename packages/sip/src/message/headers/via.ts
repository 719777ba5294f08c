// Via (RFC 3261 §20.42, §18.2.1; rport of RFC 3581): sent-protocol, sent-by and parameters.
import { type Param, formatParams, paramValue, readParams, sameName } from '../params.js';
import { Scanner, tokenEnd } from '../scanner.js';
import { octetsOf } from '../octets.js';
import { isIpv6Reference } from '../uri.js';

/**
 * One Via value (RFC 3261 §20.42): the protocol and transport of a hop, where it was sent from, and
 * its parameters (branch, received, rport…).
 */
export interface Via {
  /** "SIP/2.0" */
  readonly protocol: string;
  /** Upper case: UDP, TCP, TLS, SCTP, WS, WSS, or another token. */
  readonly transport: string;
  /** The sent-by host: a name, an IPv4 address, or an IPv6 reference in brackets. */
  readonly host: string;
  /** The sent-by port; null when absent, which means the transport's default (RFC 3261 §18.2.2). */
  readonly port: number | null;
  /** Via parameters in order: branch, received, rport (RFC 3581), maddr, ttl and extensions. */
  readonly params: readonly Param[];
}

/** Letters, digits, '-', '.' and '_' (seen in the wild in hostnames). */
const HOST_CHARS = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._') HOST_CHARS[c.charCodeAt(0)] = 1;

function isHostChar(c: number): boolean {
  return c < 128 && HOST_CHARS[c] === 1;
}

export function parseVia(text: string): Via {
  return parseCommonVia(text) ?? parseViaGeneral(text);
}

/** HOST_CHARS over every octet (0 above 0x7F). */
const HOST_OCTETS = new Uint8Array(256);
HOST_OCTETS.set(HOST_CHARS);

/**
 * The form nearly every Via has — "SIP/2.0/UDP host[:port];name=token;name" with one space and
 * no quotes — read in one pass from text[from, to) (a value inside the message's head, uncut),
 * scanning `octets` (text's, at the same offsets: see octets.ts); undefined for anything else
 * (the general reader takes it).
 */
export function parseCommonVia(text: string, from = 0, to = text.length, octets: Uint8Array = octetsOf(text)): Via | undefined {
  if (to - from < 10) return undefined;
  // "SIP/2.0/"
  if (octets[from] !== 83 || octets[from + 1] !== 73 || octets[from + 2] !== 80 || octets[from + 3] !== 47) return undefined;
  if (octets[from + 4] !== 50 || octets[from + 5] !== 46 || octets[from + 6] !== 48 || octets[from + 7] !== 47) return undefined;
  const tokenStart = from + 8;
  let pos = tokenEnd(octets, tokenStart, to);
  if (pos === tokenStart || pos === to || octets[pos] !== 32) return undefined;
  const transport = transportAt(octets, text, tokenStart, pos);
  const hostStart = ++pos;
  while (pos < to && HOST_OCTETS[octets[pos]!] === 1) pos++;
  if (pos === hostStart) return undefined;
  const host = text.slice(hostStart, pos);
  let port: number | null = null;
  if (pos < to && octets[pos] === 58) {
    const digits = ++pos;
    let value = 0;
    let d: number;
    while (pos < to && (d = octets[pos]! - 48) >= 0 && d <= 9) {
      value = value * 10 + d;
      pos++;
    }
    if (pos === digits || pos - digits > 5 || value > 65535) return undefined;
    port = value;
  }
  // the first two are held apart, so that the usual one or two make an array of their own size
  let first: Param | undefined;
  let second: Param | undefined;
  let more: Param[] | undefined;
  while (pos < to) {
    if (octets[pos] !== 59) return undefined;
    const nameStart = ++pos;
    pos = tokenEnd(octets, pos, to);
    const nameLength = pos - nameStart;
    if (nameLength === 0) return undefined;
    const name = text.slice(nameStart, pos);
    let param: Param;
    if (pos < to && octets[pos] === 61) {
      const valueStart = ++pos;
      pos = tokenEnd(octets, pos, to);
      if (pos === valueStart) return undefined;
      // ttl is 0..255 and rport (with a value) a port
      if (nameLength === 3 && isTtl(octets, nameStart)) {
        if (numberIn(octets, valueStart, pos, 3, 255) < 0) return undefined;
      } else if (nameLength === 5 && isRport(octets, nameStart)) {
        if (numberIn(octets, valueStart, pos, 5, 65535) < 0) return undefined;
      }
      param = [name, text.slice(valueStart, pos)];
    } else {
      // branch and ttl take a value
      if ((nameLength === 6 && isBranch(octets, nameStart)) || (nameLength === 3 && isTtl(octets, nameStart))) return undefined;
      param = [name, null];
    }
    if (first === undefined) first = param;
    else if (second === undefined) second = param;
    else if (more === undefined) more = [first, second, param];
    else more.push(param);
  }
  const params = more ?? (second !== undefined ? [first!, second] : first !== undefined ? [first] : []);
  return { protocol: SIP_2_0, transport, host, port, params };
}

// The parameter names the reader checks, at octets[at], in either case: a name the reader has
// scanned holds token characters only, and of those only a letter ORed with 0x20 gives a letter.

function isTtl(octets: Uint8Array, at: number): boolean {
  return (octets[at]! | 32) === 116 && (octets[at + 1]! | 32) === 116 && (octets[at + 2]! | 32) === 108;
}

function isRport(octets: Uint8Array, at: number): boolean {
  return (octets[at]! | 32) === 114 && (octets[at + 1]! | 32) === 112 && (octets[at + 2]! | 32) === 111 && (octets[at + 3]! | 32) === 114 && (octets[at + 4]! | 32) === 116;
}

function isBranch(octets: Uint8Array, at: number): boolean {
  return (octets[at]! | 32) === 98 && (octets[at + 1]! | 32) === 114 && (octets[at + 2]! | 32) === 97 && (octets[at + 3]! | 32) === 110 && (octets[at + 4]! | 32) === 99 && (octets[at + 5]! | 32) === 104;
}

/** The transport token text[from, to), upper case. */
function transportAt(octets: Uint8Array, text: string, from: number, to: number): string {
  const a = octets[from];
  const b = octets[from + 1];
  if (to - from === 3) {
    const c = octets[from + 2];
    if (a === 85 && b === 68 && c === 80) return 'UDP';
    if (a === 84 && b === 67 && c === 80) return 'TCP';
    if (a === 84 && b === 76 && c === 83) return 'TLS';
    if (a === 87 && b === 83 && c === 83) return 'WSS';
  } else if (to - from === 2 && a === 87 && b === 83) return 'WS';
  return text.slice(from, to).toUpperCase();
}

/** The number octets[from, to) when it is 1 to `digits` digits and at most `max`, else -1. */
function numberIn(octets: Uint8Array, from: number, to: number, digits: number, max: number): number {
  if (to === from || to - from > digits) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = octets[i]! - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value > max ? -1 : value;
}

const SIP_2_0 = 'SIP/2.0';

/** Any Via, whitespace and quoting as RFC 3261 §25.1 allows. */
export function parseViaGeneral(text: string): Via {
  const s = new Scanner(text, 'Via');
  s.ws();
  const name = s.token('the protocol name');
  s.expect('/');
  const version = s.token('the protocol version');
  s.expect('/');
  const transport = s.token('the transport').toUpperCase();
  s.ws();
  let host: string;
  if (s.peek() === '[') {
    const close = text.indexOf(']', s.pos);
    if (close < 0) s.fail('an unclosed IPv6 reference');
    host = text.slice(s.pos, close + 1);
    if (!isIpv6Reference(host)) s.fail('a bad IPv6 reference');
    s.pos = close + 1;
  } else {
    const start = s.pos;
    while (s.pos < text.length && isHostChar(text.charCodeAt(s.pos))) s.pos++;
    host = text.slice(start, s.pos);
    if (host === '') s.fail('expected the sent-by host');
  }
  let port: number | null = null;
  if (s.eat(':')) {
    const digits = s.token('a port');
    if (!/^\d{1,5}$/.test(digits) || Number(digits) > 65535) s.fail('a bad port');
    port = Number(digits);
  }
  const params = readParams(s);
  s.end();
  const via: Via = { protocol: `${name.toUpperCase()}/${version}`, transport, host, port, params };
  checkViaParams(via, s);
  return via;
}

function checkViaParams(via: Via, s: Scanner): void {
  if (!viaParamsAreSound(via)) s.fail('a bad ttl, rport or branch');
}

/** ttl is 0..255, rport (when it has a value) a port, branch has a value. */
function viaParamsAreSound(via: Via): boolean {
  for (const [name, value] of via.params) {
    if (name.length === 3 && sameName(name, 'ttl')) {
      if (value === null || !/^\d{1,3}$/.test(value) || Number(value) > 255) return false;
    } else if (name.length === 5 && sameName(name, 'rport')) {
      if (value !== null && (!/^\d{1,5}$/.test(value) || Number(value) > 65535)) return false;
    } else if (name.length === 6 && sameName(name, 'branch')) {
      if (value === null) return false;
    }
  }
  return true;
}

export function formatVia(via: Via): string {
  return `${via.protocol}/${via.transport} ${via.host}${via.port === null ? '' : `:${via.port}`}${formatParams(via.params)}`;
}

/** The branch parameter, if any. */
export function viaBranch(via: Via): string | undefined {
  return paramValue(via.params, 'branch') ?? undefined;
}

/** rport: a number once filled in, true when asked for (bare), undefined when absent. */
export function viaRport(via: Via): number | true | undefined {
  const value = paramValue(via.params, 'rport');
  return value === undefined ? undefined : value === null ? true : Number(value);
}
