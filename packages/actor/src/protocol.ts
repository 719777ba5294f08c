// Message types of a server, as one type parameter that travels from the behaviour to its Pid,
// so `call(pid, request)` checks the request and types the reply.

/**
 * What a server accepts. Declare only what it handles: a protocol without `cast` makes
 * `cast(pid, …)` a type error.
 *
 * @example
 * type CounterProtocol = { call: 'get'; reply: number; cast: { add: number } };
 */
export interface Protocol {
  /** The requests accepted by `call` and handled by `handleCall`; omit it for a server without calls. */
  readonly call?: unknown;
  /** What `handleCall` answers, and so what a `call` promise resolves with. */
  readonly reply?: unknown;
  /** The messages accepted by `cast` and handled by `handleCast`; omit it for a server without casts. */
  readonly cast?: unknown;
  /** The plain messages accepted by `send` and handled by `handleInfo`, beside the system messages. */
  readonly info?: unknown;
}

/** The protocol of a pid whose server is not known statically: every message is `unknown`. */
export interface AnyProtocol {
  /** Any request may be sent with `call`. */
  readonly call: unknown;
  /** A call's reply is not known statically. */
  readonly reply: unknown;
  /** Any message may be sent with `cast`. */
  readonly cast: unknown;
  /** Any message may be sent with `send`. */
  readonly info: unknown;
}

/** The requests a protocol's server accepts through `call` (`never` when it declares none). */
export type CallOf<P extends Protocol> = P extends {
  /** The protocol's call requests, when it declares them. */
  readonly call: infer C;
}
  ? C
  : never;
/** The reply type of a protocol's calls (`unknown` when it declares none). */
export type ReplyOf<P extends Protocol> = P extends {
  /** The protocol's reply type, when it declares one. */
  readonly reply: infer R;
}
  ? R
  : unknown;
/** The messages a protocol's server accepts through `cast` (`never` when it declares none). */
export type CastOf<P extends Protocol> = P extends {
  /** The protocol's cast messages, when it declares them. */
  readonly cast: infer C;
}
  ? C
  : never;
/** The plain messages a protocol's server accepts through `send` (`never` when it declares none). */
export type InfoOf<P extends Protocol> = P extends {
  /** The protocol's info messages, when it declares them. */
  readonly info: infer I;
}
  ? I
  : never;
