// Event (RFC 6665 §8.2.1) and Subscription-State (§8.2.3).
import { type Param, formatParams, paramValue, readParams } from '../params.js';
import { Scanner } from '../scanner.js';

export interface EventHeader {
  /** The event package with its templates (presence, message-summary, refer, presence.winfo). */
  readonly package: string;
  readonly params: readonly Param[];
}

export function parseEvent(text: string, header = 'Event'): EventHeader {
  const s = new Scanner(text, header);
  s.ws();
  const name = s.token('the event package');
  const params = readParams(s);
  s.end();
  return { package: name, params };
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
  const s = new Scanner(text, 'Subscription-State');
  s.ws();
  const state = s.token('the subscription state').toLowerCase();
  const params = readParams(s);
  s.end();
  for (const name of ['expires', 'retry-after']) {
    const v = paramValue(params, name);
    if (v !== undefined && (v === null || !/^\d{1,10}$/.test(v))) s.fail(`a bad ${name}`);
  }
  return { state, params };
}

export function formatSubscriptionState(value: SubscriptionState): string {
  return `${value.state}${formatParams(value.params)}`;
}
