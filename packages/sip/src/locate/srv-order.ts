// RFC 2782's order of SRV records: lowest priority first; within a priority, a weighted random
// draw, one record at a time, with records of weight 0 placed first so they are rarely picked.
import type { SrvRecord } from 'node:dns';

/**
 * Orders SRV records for trying, as RFC 2782 ("Usage rules") says: by priority ascending; within
 * one priority, repeatedly draw a number between 0 and the sum of the remaining weights and take
 * the first record whose running sum reaches it. `random` returns a number in [0, 1) (default
 * `Math.random`); inject one for a deterministic order (records of a priority are lined up by
 * target name before the draws, so the order does not depend on the DNS answer's). A lone record whose target is `.` means
 * the service is not offered there: the result is empty.
 *
 * @example
 * ```ts
 * const order = orderSrv([{ name: 'a', port: 5060, priority: 10, weight: 60 }, { name: 'b', port: 5060, priority: 10, weight: 40 }], () => 0.9);
 * // b first: 0.9 × 101 → 90, past a's running sum of 60
 * ```
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const usable = records.filter((r) => r.name !== '' && r.name !== '.');
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  const ordered: SrvRecord[] = [];
  for (const priority of priorities) {
    // RFC 2782: "arrange all SRV RRs (that have not been ordered yet) in any order, except that
    // all those with weight 0 are placed at the beginning of the list".
    // Sorted by target too, so that an injected random gives one order whatever the DNS answer's.
    const remaining = usable.filter((r) => r.priority === priority).sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.port - b.port));
    while (remaining.length > 0) {
      const total = remaining.reduce((sum, r) => sum + r.weight, 0);
      const draw = Math.min(total, Math.floor(random() * (total + 1)));
      let running = 0;
      let index = remaining.length - 1;
      for (let i = 0; i < remaining.length; i++) {
        running += remaining[i]!.weight;
        if (running >= draw) {
          index = i;
          break;
        }
      }
      ordered.push(remaining.splice(index, 1)[0]!);
    }
  }
  return ordered;
}
