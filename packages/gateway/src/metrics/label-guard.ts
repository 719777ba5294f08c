// A cap on the values a configured label (a connector or bind id) may take. Those ids come from the
// configuration, so they are few; the cap is there so that a wiring mistake (a phone number or a
// message id passed as a connector) costs one `other` series instead of one series per message.
import createDebug from 'debug';

const log = createDebug('switchboard:gateway:metrics');

/** The value that stands for every value past a {@link LabelGuard}'s cap. */
export const OVERFLOW_LABEL = 'other';

/** Admits up to `max` distinct values of one label; later new values become {@link OVERFLOW_LABEL}. */
export class LabelGuard {
  readonly #seen = new Set<string>();
  #warned = false;

  constructor(
    /** The label's name, for the log line when the cap is reached. */
    readonly label: string,
    /** The most distinct values kept. */
    readonly max: number,
  ) {}

  /** The value to record for `value`: itself while under the cap (or already seen), else `other`. */
  admit(value: string): string {
    if (this.#seen.has(value)) return value;
    if (this.#seen.size < this.max) {
      this.#seen.add(value);
      return value;
    }
    if (!this.#warned) {
      this.#warned = true;
      log('label %s has %d values, the cap: new values are recorded as %s (first: %s)', this.label, this.max, OVERFLOW_LABEL, value);
    }
    return OVERFLOW_LABEL;
  }
}
