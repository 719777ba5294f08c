// Warning (RFC 3261 §20.43) and Retry-After (§20.33).
import { type Param, formatParams, readParams } from '../params.js';
import { Scanner, quote } from '../scanner.js';
import { MAX_DELTA_SECONDS } from './scalars.js';

/**
 * One Warning value (RFC 3261 §20.43): a warn-code, the agent that added it and a human-readable
 * text.
 */
export interface WarningHeader {
  /** Three digits. */
  readonly code: number;
  /** The warn-agent: the host (and port) or pseudonym of the element that added the warning. */
  readonly agent: string;
  /** The warn-text, unquoted; meant for a human, not for machines. */
  readonly text: string;
}

export function parseWarning(value: string): WarningHeader {
  const s = new Scanner(value, 'Warning');
  s.ws();
  const code = s.token('the warn-code');
  if (!/^\d{3}$/.test(code)) s.fail(`warn-code ${code} is not three digits`);
  s.ws();
  const start = s.pos;
  while (!s.done && s.peek() !== ' ' && s.peek() !== '\t') s.pos++;
  const agent = value.slice(start, s.pos);
  if (agent === '') s.fail('expected the warn-agent');
  s.ws();
  const text = s.quoted();
  s.end();
  return { code: Number(code), agent, text };
}

export function formatWarning(value: WarningHeader): string {
  return `${value.code} ${value.agent} ${quote(value.text)}`;
}

/** A Retry-After value (RFC 3261 §20.33): how long the sender should wait before trying again. */
export interface RetryAfter {
  /** The delay in seconds. */
  readonly seconds: number;
  /** The parenthesised comment, without its parentheses; null when there is none. */
  readonly comment: string | null;
  /** Parameters after the delay, such as `duration`. */
  readonly params: readonly Param[];
}

export function parseRetryAfter(value: string): RetryAfter {
  const s = new Scanner(value, 'Retry-After');
  s.ws();
  const digits = s.token('delta-seconds');
  if (!/^\d+$/.test(digits) || digits.length > 10 || Number(digits) > MAX_DELTA_SECONDS) s.fail(`${digits} is not a delta-seconds value`);
  s.ws();
  let comment: string | null = null;
  if (s.peek() === '(') {
    const close = value.lastIndexOf(')');
    if (close < s.pos) s.fail('an unterminated comment');
    comment = value.slice(s.pos + 1, close);
    s.pos = close + 1;
  }
  const params = readParams(s);
  s.end();
  return { seconds: Number(digits), comment, params };
}

export function formatRetryAfter(value: RetryAfter): string {
  return `${value.seconds}${value.comment === null ? '' : ` (${value.comment})`}${formatParams(value.params)}`;
}
