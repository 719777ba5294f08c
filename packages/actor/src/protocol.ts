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
  readonly call?: unknown;
  readonly reply?: unknown;
  readonly cast?: unknown;
  readonly info?: unknown;
}

/** The protocol of a pid whose server is not known statically: every message is `unknown`. */
export interface AnyProtocol {
  readonly call: unknown;
  readonly reply: unknown;
  readonly cast: unknown;
  readonly info: unknown;
}

export type CallOf<P extends Protocol> = P extends { readonly call: infer C } ? C : never;
export type ReplyOf<P extends Protocol> = P extends { readonly reply: infer R } ? R : unknown;
export type CastOf<P extends Protocol> = P extends { readonly cast: infer C } ? C : never;
export type InfoOf<P extends Protocol> = P extends { readonly info: infer I } ? I : never;
