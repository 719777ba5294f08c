// Where a message goes: a pid, a name registered on a runtime (OTP's registered names), or a name
// resolved through another registry (OTP's `{via, Module, Name}`). Names resolve at each send, so
// a restarted server is reached under its name.
import { AmbiguousNameError } from './errors.js';
import { Pid } from './pid.js';
import type { Proc } from './process.js';
import type { Protocol } from './protocol.js';

/** What a `Via` name is resolved through: a runtime's `Registry`, a unique `KeyRegistry`, or your own. */
export interface NameResolver<K = string> {
  /** The pid registered under `name`, or undefined. */
  whereis(name: K): Pid | undefined;
}

/** A name resolved through a registry of your choice (OTP's `{via, Module, Name}`); make one with `via`. */
export interface Via<K = unknown> {
  /** The registry that resolves the name. */
  readonly via: NameResolver<K>;
  /** The name, in the registry's own terms. */
  readonly name: K;
}

/**
 * Where `call`, `cast`, `send` and `stop` deliver: a pid; a name registered on the caller's
 * runtime (outside a process: on the one runtime that has that name); or a `Via` name.
 */
export type Dest<P extends Protocol = Protocol> = Pid<P> | string | Via;

/**
 * A name resolved through `registry` at each send (OTP's `{via, Module, Name}`).
 *
 * @example
 * ```ts fragment
 * await call(via(sessions, 'smsc-1'), 'status');
 * ```
 */
export function via<K>(registry: NameResolver<K>, name: K): Via<K> {
  return { via: registry, name };
}

/** Registries that hold at least one name: what a name resolves through outside any process. */
const namedRegistries = new Set<{ whereis(name: string): Pid | undefined }>();

/** @internal a registry gained its first name or lost its last one */
export function registryInUse(registry: { whereis(name: string): Pid | undefined }, inUse: boolean): void {
  if (inUse) namedRegistries.add(registry);
  else namedRegistries.delete(registry);
}

/**
 * The process `dest` names now, or null when nothing is registered under it (or it has exited).
 * @throws AmbiguousNameError a bare name used outside any process is registered on several runtimes
 */
export function resolveDest(dest: Dest, caller: Proc | null): Proc | null {
  if (dest instanceof Pid) return dest.proc;
  if (typeof dest === 'string') {
    if (caller !== null) return caller.rt.registry.whereis(dest)?.proc ?? null;
    let found: Pid | undefined;
    for (const registry of namedRegistries) {
      const pid = registry.whereis(dest);
      if (pid === undefined) continue;
      if (found !== undefined) throw new AmbiguousNameError(dest);
      found = pid;
    }
    return found?.proc ?? null;
  }
  return dest.via.whereis(dest.name)?.proc ?? null;
}

/** How `dest` is written in an error: the pid, or the name. */
export function destLabel(dest: Dest): Pid | string {
  if (dest instanceof Pid || typeof dest === 'string') return dest;
  return String(dest.name);
}
