// Reason (RFC 3326): protocol; cause=…; text="…". One element per comma-separated value.
import { type Param, formatParams, paramValue, readParams } from '../params.js';
import { Scanner } from '../scanner.js';

export interface ReasonHeader {
  /** SIP, Q.850, or another token. */
  readonly protocol: string;
  readonly params: readonly Param[];
}

export function parseReason(text: string): ReasonHeader {
  const s = new Scanner(text, 'Reason');
  s.ws();
  const protocol = s.token('the protocol');
  const params = readParams(s);
  s.end();
  const cause = paramValue(params, 'cause');
  if (cause !== undefined && (cause === null || !/^\d+$/.test(cause))) s.fail('a bad cause');
  return { protocol, params };
}

export function formatReason(value: ReasonHeader): string {
  return `${value.protocol}${formatParams(value.params)}`;
}
