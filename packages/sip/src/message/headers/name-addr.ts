// name-addr / addr-spec with header parameters (RFC 3261 §20.10, §20.20, §20.39, §25.1): From, To,
// Contact, Route, Record-Route, Reply-To, Refer-To, P-Asserted-Identity, Path, Service-Route…
import { type Param, formatParams, readParams } from '../params.js';
import { Scanner, isTokenChar, quote } from '../scanner.js';
import { formatUri, parseUri, type Uri } from '../uri.js';

export interface NameAddr {
  /** The display name, unquoted; null when there is none. */
  readonly displayName: string | null;
  readonly uri: Uri;
  /** Header parameters (tag, expires, q…), after the URI. */
  readonly params: readonly Param[];
}

/** `Contact: *` (RFC 3261 §10.2.2), with its parameters (expires=0). */
export interface ContactStar {
  readonly star: true;
  readonly params: readonly Param[];
}

export function parseNameAddr(text: string, header: string): NameAddr {
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
      displayName = words === '' ? null : words.replace(/[ \t]+/g, ' ');
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

export function isContactStar(value: NameAddr | ContactStar): value is ContactStar {
  return 'star' in value;
}

export function formatNameAddr(value: NameAddr | ContactStar): string {
  if ('star' in value) return `*${formatParams(value.params)}`;
  const name = value.displayName === null ? '' : `${quote(value.displayName)} `;
  return `${name}<${formatUri(value.uri)}>${formatParams(value.params)}`;
}
