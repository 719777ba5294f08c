// Session-Expires (RFC 4028 §4): delta-seconds; refresher=uac|uas.
import { type Param, formatParams, readParams } from '../params.js';
import { Scanner } from '../scanner.js';

/**
 * A Session-Expires value (RFC 4028 §4): the session interval and, in `refresher`, which side
 * refreshes.
 */
export interface SessionExpires {
  /** The session interval in seconds. */
  readonly seconds: number;
  /** Parameters after the interval, such as `refresher=uac` or `refresher=uas`. */
  readonly params: readonly Param[];
}

export function parseSessionExpires(text: string): SessionExpires {
  const s = new Scanner(text, 'Session-Expires');
  s.ws();
  const digits = s.token('delta-seconds');
  if (!/^\d{1,10}$/.test(digits) || Number(digits) > 2 ** 32 - 1) s.fail(`${digits} is not a delta-seconds value`);
  const params = readParams(s);
  s.end();
  return { seconds: Number(digits), params };
}

export function formatSessionExpires(value: SessionExpires): string {
  return `${value.seconds}${formatParams(value.params)}`;
}
