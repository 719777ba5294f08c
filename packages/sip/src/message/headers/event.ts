// Event (RFC 6665 §8.2.1) and Subscription-State (§8.2.3).
import { SipParseError } from '../errors.js';
import { type Param, formatParams, paramValue, parseTokenWithParams } from '../params.js';

/**
 * An Event value (RFC 6665 §8.2.1): the event package a SUBSCRIBE or NOTIFY is about, with its
 * parameters.
 */
export interface EventHeader {
  /** The event package with its templates (presence, message-summary, refer, presence.winfo). */
  readonly package: string;
  /** Parameters after the package, such as `id` (RFC 6665 §8.2.1). */
  readonly params: readonly Param[];
}

export function parseEvent(text: string, header = 'Event'): EventHeader {
  const { token, params } = parseTokenWithParams(text, header, 'the event package');
  return { package: token, params };
}

export function formatEvent(value: EventHeader): string {
  return `${value.package}${formatParams(value.params)}`;
}

/**
 * A Subscription-State value (RFC 6665 §8.2.3): the state a NOTIFY reports, with its parameters.
 */
export interface SubscriptionState {
  /** active, pending, terminated, or an extension, lower case. */
  readonly state: string;
  /**
   * Parameters after the state, such as `expires`, `reason` and `retry-after`; their numbers are
   * checked when parsed.
   */
  readonly params: readonly Param[];
}

export function parseSubscriptionState(text: string): SubscriptionState {
  const { token, params } = parseTokenWithParams(text, 'Subscription-State', 'the subscription state');
  for (const name of ['expires', 'retry-after']) {
    const v = paramValue(params, name);
    if (v !== undefined && (v === null || !/^\d{1,10}$/.test(v))) throw new SipParseError(`a bad ${name} parameter`, 400, 'Subscription-State');
  }
  return { state: token.toLowerCase(), params };
}

export function formatSubscriptionState(value: SubscriptionState): string {
  return `${value.state}${formatParams(value.params)}`;
}
