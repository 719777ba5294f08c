// Via (RFC 3261 §20.42, §18.2.1; rport of RFC 3581): sent-protocol, sent-by and parameters.
import { type Param, formatParams, paramValue, readParams, readSimpleParams, sameName } from '../params.js';
import { Scanner, isTokenChar } from '../scanner.js';

export interface Via {
  /** "SIP/2.0" */
  readonly protocol: string;
  /** Upper case: UDP, TCP, TLS, SCTP, WS, WSS, or another token. */
  readonly transport: string;
  readonly host: string;
  readonly port: number | null;
  readonly params: readonly Param[];
}

/** Letters, digits, '-', '.' and '_' (seen in the wild in hostnames). */
function isHostChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95;
}

export function parseVia(text: string): Via {
  return parseCommonVia(text) ?? parseViaGeneral(text);
}

/**
 * The form nearly every Via has — "SIP/2.0/UDP host[:port];name=token;name" with one space and
 * no quotes — read in one pass; undefined for anything else (the general reader takes it).
 */
export function parseCommonVia(text: string): Via | undefined {
  if (!text.startsWith('SIP/2.0/')) return undefined;
  const sp = text.indexOf(' ', 8);
  if (sp <= 8) return undefined;
  for (let i = 8; i < sp; i++) if (!isTokenChar(text.charCodeAt(i))) return undefined;
  const written = text.slice(8, sp);
  const transport = written === 'UDP' || written === 'TCP' || written === 'TLS' || written === 'WS' || written === 'WSS' ? written : written.toUpperCase();
  let pos = sp + 1;
  const hostStart = pos;
  while (pos < text.length && isHostChar(text.charCodeAt(pos))) pos++;
  if (pos === hostStart) return undefined;
  const host = text.slice(hostStart, pos);
  let port: number | null = null;
  if (text.charCodeAt(pos) === 58) {
    let value = 0;
    const digits = ++pos;
    while (pos < text.length && text.charCodeAt(pos) >= 48 && text.charCodeAt(pos) <= 57) value = value * 10 + (text.charCodeAt(pos++) - 48);
    if (pos === digits || pos - digits > 5 || value > 65535) return undefined;
    port = value;
  }
  const params = readSimpleParams(text, pos);
  if (params === undefined) return undefined;
  const via: Via = { protocol: SIP_2_0, transport, host, port, params };
  return viaParamsAreSound(via) ? via : undefined;
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
