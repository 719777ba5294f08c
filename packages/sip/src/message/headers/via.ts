// Via (RFC 3261 §20.42, §18.2.1; rport of RFC 3581): sent-protocol, sent-by and parameters.
import { type Param, formatParams, paramValue, readParams } from '../params.js';
import { Scanner } from '../scanner.js';

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
  const ttl = paramValue(via.params, 'ttl');
  if (ttl !== undefined && (ttl === null || !/^\d{1,3}$/.test(ttl) || Number(ttl) > 255)) s.fail('a bad ttl');
  const rport = paramValue(via.params, 'rport');
  if (rport !== undefined && rport !== null && (!/^\d{1,5}$/.test(rport) || Number(rport) > 65535)) s.fail('a bad rport');
  const branch = paramValue(via.params, 'branch');
  if (branch === null) s.fail('a branch without a value');
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
