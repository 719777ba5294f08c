// The loop-detection hash of RFC 3261 §16.3 step 4 and §16.6 step 8: a digest of everything that
// decides how a request is admitted and routed, so a request that comes back with the same digest
// has looped, and one whose routing fields changed (a spiral) has not.
import { createHash } from 'node:crypto';
import type { SipRequest } from '../message/message.js';
import { paramValue } from '../message/params.js';

/**
 * The digest of a request as received: Request-URI, Route, Proxy-Require, Proxy-Authorization,
 * the From and To tags, Call-ID and CSeq number (RFC 3261 §16.6 step 8).
 */
export function loopHash(request: SipRequest): string {
  const hash = createHash('sha1');
  const part = (text: string | undefined | null): void => void hash.update(`${text ?? ''}\u0000`);
  part(request.requestTarget);
  for (const route of request.headers.getAll('Route')) part(route);
  for (const tag of request.headers.getAll('Proxy-Require')) part(tag);
  for (const credentials of request.headers.getAll('Proxy-Authorization')) part(credentials);
  part(paramValue(request.from?.params ?? [], 'tag'));
  part(paramValue(request.to?.params ?? [], 'tag'));
  part(request.callId);
  part(String(request.cseq?.seq ?? ''));
  return hash.digest('base64url');
}
