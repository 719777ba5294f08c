// Opaque process identifiers and unique references. A Pid holds its process directly (no table
// lookup on send) and lets go of it when the process exits, so a stale pid costs a few bytes.
import type { Protocol } from './protocol.js';
import type { Proc } from './process.js';

let nextRefId = 1;

/**
 * Identifies a process. Comparable with `===`; printable as `<0.N.0>`. The type parameter is the
 * server's {@link Protocol}, so messages sent through it are type-checked. A plain `Pid` accepts
 * any process; `Pid<AnyProtocol>` is one whose messages are `unknown`.
 */
export class Pid<P extends Protocol = Protocol> {
  /** Type-level only: the protocol this process speaks. */
  declare readonly __protocol?: P;
  /** @internal the live process, or null once it has exited. */
  proc: Proc | null;

  /** @internal */
  constructor(
    /** The process's number, unique within the Node.js process and never reused: the N of `<0.N.0>`. */
    readonly id: number,
    proc: Proc,
  ) {
    this.proc = proc;
  }

  /** Prints the pid as Erlang does, `<0.N.0>`, for logs and error messages. */
  toString(): string {
    return `<0.${this.id}.0>`;
  }

  /** Serializes the pid as its `<0.N.0>` string, so status pages and logs can show it. */
  toJSON(): string {
    return this.toString();
  }
}

/** A unique reference, as returned by `monitor` and `sendAfter`. */
export class Ref {
  /** The reference's number, unique within the Node.js process and never reused. */
  readonly id: number;
  /** Makes a new reference, distinct from every other one (OTP's `make_ref/0`). */
  constructor() {
    this.id = nextRefId++;
  }
  /** Prints the reference as `#Ref<N>`, for logs and error messages. */
  toString(): string {
    return `#Ref<${this.id}>`;
  }
}
