// Idempotency-Key: a client that retries a submit with the same key gets the first message back
// instead of a second SMS. The store keeps the key and a hash of the request with the message
// (unique per API key, across nodes); on this node, concurrent requests with the same key also
// wait for the first one, so they never race each other into the store.
import { createHash } from 'node:crypto';

/** An Idempotency-Key's shape: 1 to 255 printable ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** JSON with every object's keys sorted, so two spellings of one body give one text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of a request body's canonical JSON: what tells a retry from a different request. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}

/** Runs one task at a time per name: a second caller with the same name waits for the first, then runs. */
export class PerNameQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` once every earlier task with `name` has settled. */
  async run<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(name) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(name, tail);
    try {
      return await current;
    } finally {
      // the map holds only names with a task running or waiting: bounded by the requests in flight
      if (this.#tails.get(name) === tail) this.#tails.delete(name);
    }
  }
}
