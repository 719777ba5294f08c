// name-addr / addr-spec with header parameters (RFC 3261 §20.10, §20.20, §20.39, §25.1): From, To,
// Contact, Route, Record-Route, Reply-To, Refer-To, P-Asserted-Identity, Path, Service-Route…
import { type Param, formatParams, readParams, readSimpleParams } from '../params.js';
import { octetsOf } from '../octets.js';
import { Scanner, isTokenChar, quote, tokenEnd } from '../scanner.js';
import { formatUri, parseCommonSipUri, parseUri, parseUriGeneral, type Uri } from '../uri.js';

/**
 * A name-addr or addr-spec value (RFC 3261 §25.1) with header parameters: From, To, Contact, Route,
 * Record-Route and the like.
 */
export interface NameAddr {
  /** The display name, unquoted; null when there is none. */
  readonly displayName: string | null;
  /** The address itself. */
  readonly uri: Uri;
  /** Header parameters (tag, expires, q…), after the URI. */
  readonly params: readonly Param[];
}

/** `Contact: *` (RFC 3261 §10.2.2), with its parameters (expires=0). */
export interface ContactStar {
  /** Always true: tells a `*` apart from a {@link NameAddr}. */
  readonly star: true;
  /** Header parameters after the `*`, usually `expires=0`. */
  readonly params: readonly Param[];
}

export function parseNameAddr(text: string, header: string): NameAddr {
  return parseCommonNameAddr(text, header) ?? parseNameAddrGeneral(text, header);
}

/**
 * The usual forms — `Name Words <uri>;p=v`, `"Quoted" <uri>;p=v`, `<uri>;p`, `uri;p=v` — with single
 * spaces, no escapes and token parameters, read in one pass from text[from, to) (a value inside
 * the message's head, uncut), scanning `octets` (text's, at the same offsets: see octets.ts);
 * undefined for anything else.
 */
export function parseCommonNameAddr(text: string, header: string, from = 0, to = text.length, octets: Uint8Array = octetsOf(text)): NameAddr | undefined {
  // (a value that starts with its '<' needs no search)
  let lt = from < to && octets[from] === 60 ? from : text.indexOf('<', from);
  if (lt >= to) lt = -1;
  let displayName: string | null = null;
  let uriStart: number;
  let uriEnd: number;
  let pos: number;
  if (lt >= 0) {
    if (lt > from) {
      let end = lt;
      if (octets[end - 1] === 32) end--;
      if (octets[from] === 34) {
        if (end - from < 2 || octets[end - 1] !== 34) return undefined;
        for (let i = from + 1; i < end - 1; i++) {
          const c = octets[i];
          if (c === 34 || c === 92) return undefined;
        }
        displayName = text.slice(from + 1, end - 1);
      } else {
        // tokens joined by single spaces
        for (let i = tokenEnd(octets, from, end); i < end; i = tokenEnd(octets, i + 1, end)) {
          if (octets[i] !== 32 || i === from || octets[i - 1] === 32) return undefined;
        }
        if (end === from || octets[end - 1] === 32) return undefined;
        displayName = text.slice(from, end);
      }
    }
    const gt = text.indexOf('>', lt);
    if (gt < 0 || gt >= to) return undefined;
    uriStart = lt + 1;
    uriEnd = gt;
    pos = gt + 1;
  } else {
    let semi = text.indexOf(';', from);
    if (semi < 0 || semi >= to) semi = to;
    // no URI headers, quotes, or a comma (a list of addr-specs is for the splitting reader)
    for (let i = from; i < semi; i++) {
      const c = octets[i];
      if (c === 63 || c === 34 || c === 44) return undefined;
    }
    uriStart = from;
    uriEnd = semi;
    pos = semi;
  }
  if (uriEnd === uriStart || octets[uriStart] === 32 || octets[uriEnd - 1] === 32) return undefined;
  const params = readSimpleParams(text, pos, to, octets);
  if (params === undefined) return undefined;
  const uri = parseCommonSipUri(text, uriStart, uriEnd, octets) ?? parseUriGeneral(text.slice(uriStart, uriEnd), header);
  return { displayName, uri, params };
}

/** Any name-addr or addr-spec, whitespace and quoting as RFC 3261 §25.1 allows. */
export function parseNameAddrGeneral(text: string, header: string): NameAddr {
  const s = new Scanner(text, header);
  s.ws();
  let displayName: string | null = null;
  let uri: Uri;
  if (s.peek() === '"') {
    displayName = s.quoted();
    s.ws();
    if (s.peek() !== '<') s.fail("expected '<' after the display name");
  }
  if (s.peek() !== '<') {
    // either *(token LWS) before '<', or an addr-spec
    const start = s.pos;
    const lt = findAngle(text, s.pos);
    if (lt >= 0 && displayName === null) {
      const words = text.slice(start, lt).trim();
      for (let i = 0; i < words.length; i++) {
        const c = words.charCodeAt(i);
        if (!isTokenChar(c) && c !== 32 && c !== 9) s.fail(`'${words[i]}' in an unquoted display name`);
      }
      displayName = words === '' ? null : words.includes('  ') || words.includes('\t') ? words.replace(/[ \t]+/g, ' ') : words;
      s.pos = lt;
    }
  }
  if (s.peek() === '<') {
    s.pos++;
    const close = text.indexOf('>', s.pos);
    if (close < 0) s.fail("expected '>'");
    const inner = text.slice(s.pos, close);
    if (inner !== inner.trim()) s.fail('whitespace inside <>');
    uri = parseUri(inner, header);
    s.pos = close + 1;
  } else {
    // addr-spec: the URI runs to the first ';' (what follows are header parameters) and carries
    // no URI headers or parameters of its own (RFC 3261 §20.10).
    const start = s.pos;
    while (!s.done && s.peek() !== ';' && s.peek() !== ' ' && s.peek() !== '\t') s.pos++;
    const spec = text.slice(start, s.pos);
    if (spec.includes('?')) s.fail('a URI with headers outside <>');
    uri = parseUri(spec, header);
  }
  const params = readParams(s);
  s.end();
  return { displayName, uri, params };
}

/** The first '<' outside quotes at or after `from`, or -1. */
function findAngle(text: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') return i;
    else if (c === ';') return -1;
  }
  return -1;
}

export function parseContact(text: string): NameAddr | ContactStar {
  const trimmed = text.trim();
  if (trimmed.startsWith('*')) {
    const s = new Scanner(trimmed, 'Contact');
    s.pos = 1;
    const params = readParams(s);
    s.end();
    return { star: true, params };
  }
  return parseNameAddr(text, 'Contact');
}

/**
 * Whether a Contact value is the `*` of a REGISTER that removes every binding (RFC 3261 §10.2.2)
 * rather than an address.
 */
export function isContactStar(value: NameAddr | ContactStar): value is ContactStar {
  return 'star' in value;
}

export function formatNameAddr(value: NameAddr | ContactStar): string {
  if ('star' in value) return `*${formatParams(value.params)}`;
  const name = value.displayName === null ? '' : `${quote(value.displayName)} `;
  return `${name}<${formatUri(value.uri)}>${formatParams(value.params)}`;
}
