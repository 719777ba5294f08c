// Date (RFC 3261 §20.17): an RFC 1123 date, always in GMT. A malformed Date is not fatal to a
// message (RFC 4475 §3.1.2.12): it reads as `{ valid: false }`, raw text kept.

/**
 * A Date value (RFC 3261 §20.17). A malformed date does not fail the message (RFC 4475 §3.1.2.12):
 * it reads as `valid: false` with the raw text kept, so check `valid` before using `date`.
 */
export type DateHeader =
  | {
      /** True: the value is a well-formed RFC 1123 date. */
      readonly valid: true;
      /** The instant the value names. */
      readonly date: Date;
    }
  | {
      /** False: the value is not a date this parser accepts. */
      readonly valid: false;
      /** The value as received, trimmed; written back unchanged. */
      readonly raw: string;
    };

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

export function parseDate(text: string): DateHeader {
  const raw = text.trim();
  const m = RFC1123.exec(raw);
  if (m === null) return { valid: false, raw };
  const date = new Date(Date.UTC(Number(m[4]), MONTHS.indexOf(m[3]!), Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7])));
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(m[2]) || DAYS[date.getUTCDay()] !== m[1]) return { valid: false, raw };
  return { valid: true, date };
}

export function formatDate(value: DateHeader): string {
  if (!value.valid) return value.raw;
  const d = value.date;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
}
