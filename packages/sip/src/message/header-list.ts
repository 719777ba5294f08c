// The headers of a message: rows in their original order, names canonical, values raw (folding
// undone) and parsed on first typed access. Several rows of one header and comma-separated
// elements within a row read as one list (RFC 3261 §7.3.1).
import { SipParseError } from './errors.js';
import { CODECS, readSpan, type HeaderTypes, type TypedHeaderName } from './header-types.js';
import { NOT_LISTS, canonicalName } from './header-names.js';
import { nameOf, type KnownName } from './name-table.js';
import { splitCommas } from './scanner.js';

/**
 * One header row. A parsed row holds only where its value lies in the message's head; the string
 * is cut on first use (most rows of most messages are never read).
 */
interface Row {
  /** The canonical name, the key rows are compared by, and the codec of a typed header. */
  readonly known: KnownName;
  value: string | undefined;
  readonly start: number;
  readonly end: number;
  /**
   * The row's typed elements, once read: an array, or the one element itself (no element of a
   * known header is an array), which saves an array per row of most messages.
   */
  parsed: unknown;
}

/** A row's parsed elements, as a list. */
function elementsOf(parsed: unknown): unknown[] {
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** A header value to set: raw text, or typed values of a known header. */
export type HeaderInput<K extends string> = K extends TypedHeaderName ? HeaderTypes[K] | readonly HeaderTypes[K][] | string : string;

const NO_OCTETS = new Uint8Array(0);

function keyOf(name: string): string {
  return canonicalName(name).toLowerCase();
}

/**
 * The headers of a message (RFC 3261 §7.3): rows in their original order, names canonical, values
 * raw and parsed on first typed read. Several rows of one header and the comma-separated elements
 * within a row read as one list (§7.3.1); header names are case-insensitive everywhere.
 *
 * @example
 * ```ts
 * const headers = new HeaderList().append('Via', 'SIP/2.0/UDP
 * pc33.example.com;branch=z9hG4bK776asdhds');
 * headers.first('via')?.host; // 'pc33.example.com'
 * headers.set('max-forwards', 70);
 * ```
 */
export class HeaderList implements Iterable<readonly [name: string, value: string]> {
  private rows: Row[] = [];
  /** The head the parser read the rows from. */
  private source = '';
  /** The head's octets, at the same offsets (what the one-pass readers scan: see octets.ts). */
  private octets: Uint8Array = NO_OCTETS;

  /** @internal used by the parser: the head that `addSpan` offsets point into, and its octets. */
  setSource(head: string, octets: Uint8Array): void {
    this.source = head;
    this.octets = octets;
  }

  /** @internal used by the parser: a row whose value is source[start, end). */
  addSpan(known: KnownName, start: number, end: number): void {
    this.rows.push({ known, value: undefined, start, end, parsed: undefined });
  }

  /** @internal used by the parser: the last row's typed element, read as it was added. */
  setLastParsed(parsed: unknown): void {
    this.rows[this.rows.length - 1]!.parsed = parsed;
  }

  /** @internal used by the parser: a row with a folded value. */
  addFolded(known: KnownName, value: string): void {
    this.rows.push({ known, value, start: 0, end: 0, parsed: undefined });
  }

  private valueOf(row: Row): string {
    return (row.value ??= this.source.slice(row.start, row.end));
  }

  /** How many rows there are (a list header's comma-separated elements in one row count once). */
  get size(): number {
    return this.rows.length;
  }

  /** Every row as `[name, raw value]`, in order, names canonical. */
  *[Symbol.iterator](): Iterator<readonly [string, string]> {
    for (const row of this.rows) yield [row.known.name, this.valueOf(row)];
  }

  /** @internal the serializer's: every row as `Name: value` CRLF, with one Content-Length set to `bodyLength`. */
  wireRows(bodyLength: number): string {
    let out = '';
    let wroteLength = false;
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row.known.key === 'content-length') {
        if (wroteLength) continue;
        wroteLength = true;
        out += `Content-Length: ${bodyLength}\r\n`;
      } else out += `${row.known.name}: ${this.valueOf(row)}\r\n`;
    }
    if (!wroteLength) out += `Content-Length: ${bodyLength}\r\n`;
    return out;
  }

  /** Whether at least one row of `name` (case-insensitive) is present. */
  has(name: string): boolean {
    const key = keyOf(name);
    return this.rows.some((row) => row.known.key === key);
  }

  /** The first row's raw value. */
  get(name: string): string | undefined {
    const key = keyOf(name);
    for (const row of this.rows) if (row.known.key === key) return this.valueOf(row);
    return undefined;
  }

  /** Every row's raw value, in order. */
  getAll(name: string): string[] {
    const key = keyOf(name);
    return this.rows.filter((row) => row.known.key === key).map((row) => this.valueOf(row));
  }

  /** Raw elements across rows, split on commas for list headers. */
  values(name: string): string[] {
    const key = keyOf(name);
    const split = !NOT_LISTS.has(key);
    const out: string[] = [];
    for (const row of this.rows) if (row.known.key === key) out.push(...(split ? splitCommas(this.valueOf(row)) : [this.valueOf(row)]));
    return out;
  }

  /** Every typed element of a known header, across rows. Throws SipParseError on a bad value. */
  all<K extends TypedHeaderName>(name: K): HeaderTypes[K][] {
    const key = name.toLowerCase();
    const out: HeaderTypes[K][] = [];
    for (const row of this.rows) {
      if (row.known.key !== key) continue;
      const parsed = this.parsedRow(row);
      if (Array.isArray(parsed)) out.push(...(parsed as HeaderTypes[K][]));
      else out.push(parsed as HeaderTypes[K]);
    }
    return out;
  }

  /** The first typed element of a known header, or undefined. */
  first<K extends TypedHeaderName>(name: K): HeaderTypes[K] | undefined {
    const key = name.toLowerCase();
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row.known.key !== key) continue;
      const parsed = row.parsed ?? this.parseRow(row);
      return (Array.isArray(parsed) ? parsed[0] : parsed) as HeaderTypes[K];
    }
    return undefined;
  }

  /**
   * @internal lets go of what was read from the head and can be read from it again: the cut text
   * and the typed values of the rows still as received (the next read makes equal values, new
   * objects). For a message kept long: a held transaction's request.
   */
  releaseReads(): void {
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      // rows set by hand or folded have no span in the head (end 0) and keep their values
      if (row.end > 0) {
        row.value = undefined;
        row.parsed = undefined;
      }
    }
  }

  /** @internal the parser's: the first typed element of row `index` (a known header's). */
  firstAt(index: number): unknown {
    const row = this.rows[index]!;
    const parsed = row.parsed ?? this.parseRow(row);
    return Array.isArray(parsed) ? parsed[0] : parsed;
  }

  private parsedRow(row: Row): unknown {
    return row.parsed ?? this.parseRow(row);
  }

  private parseRow(row: Row): unknown {
    const codec = row.known.codec;
    if (codec !== undefined && row.value === undefined) {
      // the usual form, read where it lies in the head (no string cut)
      const quick = readSpan(codec, this.source, row.start, row.end, this.octets);
      if (quick !== undefined) return (row.parsed = quick);
    }
    const value = this.valueOf(row);
    if (codec === undefined) return (row.parsed = value);
    if (!codec.list || value.indexOf(',') < 0) {
      if (value === '') throw new SipParseError('an empty element', 400, row.known.name);
      return (row.parsed = codec.parse(value));
    }
    const parts = splitCommas(value);
    const parsed: unknown[] = [];
    for (const part of parts) {
      if (part === '') throw new SipParseError('an empty element', 400, row.known.name);
      parsed.push(codec.parse(part));
    }
    return (row.parsed = parsed);
  }

  /** Reads every known header, so a bad value surfaces now; returns the first error, or undefined. */
  check(): SipParseError | undefined {
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row.parsed !== undefined || row.known.codec === undefined) continue; // read already, or raw: nothing to check
      try {
        this.parseRow(row);
      } catch (error) {
        if (error instanceof SipParseError) return error;
        throw error;
      }
    }
    return undefined;
  }

  /** Replaces every row of `name` with one row (at the first one's place, or at the end). */
  set<K extends string>(name: K, value: HeaderInput<Lowercase<K>>): this {
    const row = this.makeRow(name, value);
    const key = row.known.key;
    const at = this.rows.findIndex((r) => r.known.key === key);
    this.rows = this.rows.filter((r) => r.known.key !== key);
    if (at < 0) this.rows.push(row);
    else this.rows.splice(at, 0, row);
    return this;
  }

  /** Adds a row after the others. */
  append<K extends string>(name: K, value: HeaderInput<Lowercase<K>>): this {
    this.rows.push(this.makeRow(name, value));
    return this;
  }

  /** Adds a row before every other row of that header (a proxy's Via or Record-Route). */
  prepend<K extends string>(name: K, value: HeaderInput<Lowercase<K>>): this {
    const row = this.makeRow(name, value);
    const key = row.known.key;
    const at = this.rows.findIndex((r) => r.known.key === key);
    this.rows.splice(at < 0 ? this.rows.length : at, 0, row);
    return this;
  }

  /** Removes every row of `name`; returns how many there were. */
  delete(name: string): number {
    const key = keyOf(name);
    const before = this.rows.length;
    this.rows = this.rows.filter((row) => row.known.key !== key);
    return before - this.rows.length;
  }

  /** Removes the first element of a list header (the top Via, the first Route) and returns it. */
  shift<K extends TypedHeaderName>(name: K): HeaderTypes[K] | undefined {
    const key = name.toLowerCase();
    const at = this.rows.findIndex((r) => r.known.key === key);
    if (at < 0) return undefined;
    const row = this.rows[at]!;
    const elements = elementsOf(this.parsedRow(row)) as HeaderTypes[K][];
    const codec = CODECS[name];
    if (elements.length <= 1) this.rows.splice(at, 1);
    else {
      const rest = elements.slice(1);
      this.rows[at] = { known: row.known, value: rest.map((v) => (codec.format as (x: unknown) => string)(v)).join(', '), start: 0, end: 0, parsed: rest };
    }
    return elements[0];
  }

  /**
   * A copy whose rows can be changed without touching this list (typed values are shared: they are
   * read-only).
   */
  clone(): HeaderList {
    const copy = new HeaderList();
    copy.source = this.source;
    copy.octets = this.octets;
    copy.rows = this.rows.map((row) => ({ ...row }));
    return copy;
  }

  private makeRow(name: string, value: unknown): Row {
    const known = nameOf(canonicalName(name));
    if (typeof value === 'string') {
      if (/[\r\n]/.test(value)) throw new TypeError(`a header value may not contain CR or LF (${known.name})`);
      return { known, value: value.trim(), start: 0, end: 0, parsed: undefined };
    }
    const codec = known.codec;
    if (codec === undefined) throw new TypeError(`${known.name} takes a string value`);
    const elements = Array.isArray(value) ? (value as unknown[]) : [value];
    return { known, value: elements.map((v) => codec.format(v)).join(', '), start: 0, end: 0, parsed: elements };
  }
}
