// The headers of a message: rows in their original order, names canonical, values raw (folding
// undone) and parsed on first typed access. Several rows of one header and comma-separated
// elements within a row read as one list (RFC 3261 §7.3.1).
import { SipParseError } from './errors.js';
import { CODECS, codecOf, type HeaderTypes, type TypedHeaderName } from './header-types.js';
import { NOT_LISTS, canonicalName } from './header-names.js';
import { splitCommas } from './scanner.js';

interface Row {
  readonly name: string;
  readonly key: string;
  readonly value: string;
  /** The row's typed elements, once read. */
  parsed: unknown[] | undefined;
}

/** A header value to set: raw text, or typed values of a known header. */
export type HeaderInput<K extends string> = K extends TypedHeaderName ? HeaderTypes[K] | readonly HeaderTypes[K][] | string : string;

/** Header names as written on the wire → canonical name and key (the same few names come again and again). */
const NAMES = new Map<string, { readonly name: string; readonly key: string }>();

function keyOf(name: string): string {
  return canonicalName(name).toLowerCase();
}

export class HeaderList implements Iterable<readonly [name: string, value: string]> {
  private rows: Row[] = [];

  /** @internal used by the parser: one row, name as read. */
  add(name: string, value: string): void {
    let known = NAMES.get(name);
    if (known === undefined) {
      const canonical = canonicalName(name);
      known = { name: canonical, key: canonical.toLowerCase() };
      if (NAMES.size < 4096) NAMES.set(name, known);
    }
    this.rows.push({ name: known.name, key: known.key, value, parsed: undefined });
  }

  get size(): number {
    return this.rows.length;
  }

  *[Symbol.iterator](): Iterator<readonly [string, string]> {
    for (const row of this.rows) yield [row.name, row.value];
  }

  has(name: string): boolean {
    const key = keyOf(name);
    return this.rows.some((row) => row.key === key);
  }

  /** The first row's raw value. */
  get(name: string): string | undefined {
    const key = keyOf(name);
    return this.rows.find((row) => row.key === key)?.value;
  }

  /** Every row's raw value, in order. */
  getAll(name: string): string[] {
    const key = keyOf(name);
    return this.rows.filter((row) => row.key === key).map((row) => row.value);
  }

  /** Raw elements across rows, split on commas for list headers. */
  values(name: string): string[] {
    const key = keyOf(name);
    const split = !NOT_LISTS.has(key);
    const out: string[] = [];
    for (const row of this.rows) if (row.key === key) out.push(...(split ? splitCommas(row.value) : [row.value]));
    return out;
  }

  /** Every typed element of a known header, across rows. Throws SipParseError on a bad value. */
  all<K extends TypedHeaderName>(name: K): HeaderTypes[K][] {
    const key = name.toLowerCase();
    const out: HeaderTypes[K][] = [];
    for (const row of this.rows) if (row.key === key) out.push(...(this.parsedRow(row) as HeaderTypes[K][]));
    return out;
  }

  /** The first typed element of a known header, or undefined. */
  first<K extends TypedHeaderName>(name: K): HeaderTypes[K] | undefined {
    const key = name.toLowerCase();
    const row = this.rows.find((r) => r.key === key);
    return row === undefined ? undefined : (this.parsedRow(row)[0] as HeaderTypes[K]);
  }

  private parsedRow(row: Row): unknown[] {
    if (row.parsed !== undefined) return row.parsed;
    const codec = codecOf(row.key);
    if (codec === undefined) return (row.parsed = [row.value]);
    const parts = codec.list ? splitCommas(row.value) : [row.value];
    row.parsed = parts.map((part) => {
      if (part === '') throw new SipParseError('an empty element', 400, row.name);
      return codec.parse(part);
    });
    return row.parsed;
  }

  /** Reads every known header, so a bad value surfaces now; returns the first error, or undefined. */
  check(): SipParseError | undefined {
    for (const row of this.rows) {
      try {
        this.parsedRow(row);
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
    const at = this.rows.findIndex((r) => r.key === row.key);
    this.rows = this.rows.filter((r) => r.key !== row.key);
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
    const at = this.rows.findIndex((r) => r.key === row.key);
    this.rows.splice(at < 0 ? this.rows.length : at, 0, row);
    return this;
  }

  /** Removes every row of `name`; returns how many there were. */
  delete(name: string): number {
    const key = keyOf(name);
    const before = this.rows.length;
    this.rows = this.rows.filter((row) => row.key !== key);
    return before - this.rows.length;
  }

  /** Removes the first element of a list header (the top Via, the first Route) and returns it. */
  shift<K extends TypedHeaderName>(name: K): HeaderTypes[K] | undefined {
    const key = name.toLowerCase();
    const at = this.rows.findIndex((r) => r.key === key);
    if (at < 0) return undefined;
    const row = this.rows[at]!;
    const elements = this.parsedRow(row) as HeaderTypes[K][];
    const codec = CODECS[name];
    if (elements.length <= 1) this.rows.splice(at, 1);
    else {
      const rest = elements.slice(1);
      this.rows[at] = { name: row.name, key, value: rest.map((v) => (codec.format as (x: unknown) => string)(v)).join(', '), parsed: rest };
    }
    return elements[0];
  }

  clone(): HeaderList {
    const copy = new HeaderList();
    copy.rows = this.rows.map((row) => ({ ...row }));
    return copy;
  }

  private makeRow(name: string, value: unknown): Row {
    const canonical = canonicalName(name);
    const key = canonical.toLowerCase();
    if (typeof value === 'string') {
      if (/[\r\n]/.test(value)) throw new TypeError(`a header value may not contain CR or LF (${canonical})`);
      return { name: canonical, key, value: value.trim(), parsed: undefined };
    }
    const codec = codecOf(key);
    if (codec === undefined) throw new TypeError(`${canonical} takes a string value`);
    const elements = Array.isArray(value) ? (value as unknown[]) : [value];
    return { name: canonical, key, value: elements.map((v) => codec.format(v)).join(', '), parsed: elements };
  }
}
