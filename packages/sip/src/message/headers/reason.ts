// Reason (RFC 3326): protocol; cause=…; text="…". One element per comma-separated value.
import { SipParseError } from '../errors.js';
import { type Param, formatParams, paramValue, parseTokenWithParams } from '../params.js';

/**
 * One Reason value (RFC 3326 §2): the protocol whose cause explains why the request was sent, with
 * `cause` and `text` parameters.
 */
export interface ReasonHeader {
  /** SIP, Q.850, or another token. */
  readonly protocol: string;
  /** Parameters after the protocol: `cause` (checked to be a number) and `text`. */
  readonly params: readonly Param[];
}

export function parseReason(text: string): ReasonHeader {
  const { token, params } = parseTokenWithParams(text, 'Reason', 'the protocol');
  const cause = paramValue(params, 'cause');
  if (cause !== undefined && (cause === null || !/^\d+$/.test(cause))) throw new SipParseError('a bad cause parameter', 400, 'Reason');
  return { protocol: token, params };
}

export function formatReason(value: ReasonHeader): string {
  return `${value.protocol}${formatParams(value.params)}`;
}
