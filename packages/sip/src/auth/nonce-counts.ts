// Nonce-count replay protection (RFC 7616 §3.3 "nc", §5.5) in bounded memory: the highest nc seen
// per nonce, for at most `capacity` nonces, the least recently used forgotten first. Only requests
// that passed verification are recorded, so hostile traffic cannot fill the table.

/** The highest nonce count accepted for each of the most recently used nonces. */
export class NonceCounts {
  // A Map iterates in insertion order; re-inserting on use makes its first key the least recent.
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.seen.size;
  }

  /**
   * Records `count` for `nonce` if it is higher than any before; false for a replay (a count
   * already used or lower). A nonce forgotten for room is taken as new: the nonce's own expiry
   * still bounds how long it can be replayed.
   */
  accept(nonce: string, count: number): boolean {
    const last = this.seen.get(nonce);
    if (last !== undefined && count <= last) return false;
    this.seen.delete(nonce);
    this.seen.set(nonce, count);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}
