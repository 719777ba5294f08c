// Event (RFC 6665 §8.2.1) and Subscription-State (§8.2.3).
import { SipParseError } from '../errors.js';
import { type Param, formatParams, paramValue, parseTokenWithParams } from '../params.js';

export interface EventHeader {
  /** The event package with its templates (presence, message-summary, refer, presence.winfo). */
  readonly package: string;
  readonly params: readonly Param[];
}

export function parseEvent(text: string, header = 'Event'): EventHeader {
  const { token, params } = parseTokenWithParams(text, header, 'the event package');
  return { package: token, params };
}

export function formatEvent(value: EventHeader): string {
  return `${value.package}${formatParams(value.params)}`;
}

export interface SubscriptionState {
  /** active, pending, terminated, or an extension, lower case. */
  readonly state: string;
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
