// A cursor over one header value (folding already turned into spaces), with the lexical pieces of
// RFC 3261 §25.1: tokens, quoted strings, separators with optional whitespace around them.
import { SipParseError } from './errors.js';

/** 1 at the code of each token character (below 128), else 0. */
export const TOKEN_CHARS = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") TOKEN_CHARS[c.charCodeAt(0)] = 1;
const TOKEN = TOKEN_CHARS;

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

/** The end of the run of token characters in octets[from, to) that starts at `from`. */
export function tokenEnd(octets: Uint8Array, from: number, to: number): number {
  let pos = from;
  while (pos < to && TOKEN_OCTETS[octets[pos]!] === 1) pos++;
  return pos;
}

/** TOKEN_CHARS over every octet value (0 above 0x7F): one load per octet, no range check. */
const TOKEN_OCTETS = new Uint8Array(256);
TOKEN_OCTETS.set(TOKEN_CHARS);

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

export class Scanner {
  pos = 0;
  constructor(
    readonly text: string,
    /** The header being read, for errors. */
    readonly header: string,
  ) {}

  fail(what: string): never {
    throw new SipParseError(`${what} at column ${this.pos + 1} in ${JSON.stringify(this.text.length > 80 ? `${this.text.slice(0, 80)}…` : this.text)}`, 400, this.header);
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  /** Skips spaces and tabs. */
  ws(): this {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c !== 32 && c !== 9) break;
      this.pos++;
    }
    return this;
  }

  /** Consumes `ch` (with whitespace around it) if it is next; true if it was. */
  eat(ch: string): boolean {
    const start = this.pos;
    this.ws();
    if (this.text[this.pos] === ch) {
      this.pos++;
      this.ws();
      return true;
    }
    this.pos = start;
    return false;
  }

  expect(ch: string): void {
    if (!this.eat(ch)) this.fail(`expected '${ch}'`);
  }

  /** A token, or '' when none is here. */
  tokenOrEmpty(): string {
    const start = this.pos;
    const text = this.text;
    while (this.pos < text.length && isTokenChar(text.charCodeAt(this.pos))) this.pos++;
    return text.slice(start, this.pos);
  }

  token(what = 'a token'): string {
    const value = this.tokenOrEmpty();
    if (value === '') this.fail(`expected ${what}`);
    return value;
  }

  /** A quoted-string; returns its content with quoted-pairs resolved. */
  quoted(): string {
    if (this.text[this.pos] !== '"') this.fail('expected a quoted string');
    this.pos++;
    let out = '';
    const text = this.text;
    for (;;) {
      if (this.pos >= text.length) this.fail('unterminated quoted string');
      const c = text[this.pos++]!;
      if (c === '"') return out;
      if (c === '\\') {
        if (this.pos >= text.length) this.fail('unterminated quoted string');
        out += text[this.pos++]!;
      } else out += c;
    }
  }

  /** Everything up to (not including) the first of `stops` outside quotes and <>, trimmed. */
  until(stops: string): string {
    const start = this.pos;
    const text = this.text;
    let quoted = false;
    let angle = false;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (quoted) {
        if (c === '\\') this.pos++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '<') angle = true;
      else if (c === '>') angle = false;
      else if (!angle && stops.includes(c)) break;
      this.pos++;
    }
    return text.slice(start, this.pos).trim();
  }

  rest(): string {
    const value = this.text.slice(this.pos);
    this.pos = this.text.length;
    return value;
  }

  end(): void {
    this.ws();
    if (!this.done) this.fail(`unexpected '${this.peek()}'`);
  }
}

/** Splits a header value on commas outside quotes and <> (RFC 3261 §7.3.1). */
export function splitCommas(value: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let angle = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === ',' && !angle) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts;
}

/** Quotes `text` as a quoted-string when it is not a token. */
export function quoteIfNeeded(text: string): string {
  return isToken(text) ? text : quote(text);
}

export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
