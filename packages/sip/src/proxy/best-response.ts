// Choosing the response a proxy sends upstream once every branch has a final one (RFC 3261
// §16.7 step 6), and aggregating the challenges of the 401s and 407s (§16.7 step 7).
import { SipResponse } from '../message/message.js';
import { REASON_PHRASES } from '../message/builders.js';

/** §16.7 step 6: within 4xx, these say how the request could succeed, so they are preferred. */
const PREFERRED_4XX = [401, 407, 415, 420, 484] as const;

/**
 * The best of the final non-2xx responses the branches got (RFC 3261 §16.7 steps 6 and 7), or
 * undefined when there is none (every branch timed out: the caller answers 408).
 *
 * - A 6xx wins over everything (the first one received).
 * - Else the lowest class; within 4xx, 401, 407, 415, 420 and 484 first (in that order); else the
 *   first response received of that class.
 * - A chosen 503 is sent as 500 (§16.7 step 6: the 503 spoke of the next hop, not of this proxy).
 * - A chosen 401 or 407 carries every WWW-Authenticate and Proxy-Authenticate of all the 401s and
 *   407s (§16.7 step 7), so the UAC can answer each challenge at once.
 *
 * The responses are not changed; the chosen one is copied when it needs a change.
 *
 * @example
 * ```ts fragment
 * const best = chooseBestResponse([busy, notFound, decline]); // decline: a 6xx wins
 * ```
 */
export function chooseBestResponse(responses: readonly SipResponse[]): SipResponse | undefined {
  const finals = responses.filter((r) => r.status >= 300);
  if (finals.length === 0) return undefined;
  const global = finals.find((r) => r.status >= 600);
  if (global !== undefined) return global;
  const lowest = Math.min(...finals.map((r) => Math.floor(r.status / 100)));
  const ofClass = finals.filter((r) => Math.floor(r.status / 100) === lowest);
  let best = ofClass[0]!;
  if (lowest === 4) {
    for (const status of PREFERRED_4XX) {
      const preferred = ofClass.find((r) => r.status === status);
      if (preferred !== undefined) {
        best = preferred;
        break;
      }
    }
  }
  if (best.status === 503) {
    const copy = new SipResponse(500, REASON_PHRASES[500]!, best.headers.clone(), best.body);
    return copy;
  }
  if (best.status === 401 || best.status === 407) return withAllChallenges(best, finals);
  return best;
}

/** §16.7 step 7: the challenges of every 401 and 407, in the chosen one. */
function withAllChallenges(chosen: SipResponse, finals: readonly SipResponse[]): SipResponse {
  const challenged = finals.filter((r) => r.status === 401 || r.status === 407);
  if (challenged.length === 1) return chosen;
  const headers = chosen.headers.clone();
  headers.delete('WWW-Authenticate');
  headers.delete('Proxy-Authenticate');
  for (const response of challenged) {
    for (const value of response.headers.getAll('WWW-Authenticate')) headers.append('WWW-Authenticate', value);
    for (const value of response.headers.getAll('Proxy-Authenticate')) headers.append('Proxy-Authenticate', value);
  }
  return new SipResponse(chosen.status, chosen.reason, headers, chosen.body);
}
