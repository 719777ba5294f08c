// Unique names for processes (OTP's registered names). A name is released when its process
// exits; claiming a taken name fails with the pid that holds it.
import { AlreadyRegisteredError, NoProcError } from './errors.js';
import { registryInUse } from './destination.js';
import type { Pid } from './pid.js';
import type { Proc } from './process.js';
import type { AnyProtocol, Protocol } from './protocol.js';

/**
 * Names for processes (OTP's registered names): one name, one live process. A name is released when
 * its process exits, so a restarted child can take it again. Each runtime has one, at `runtime.registry`.
 */
export class Registry {
  private readonly byName = new Map<string, Proc>();

  /**
   * Gives `pid` the name `name`.
   * @throws AlreadyRegisteredError when the name is taken (it carries the holder's pid)
   * @throws NoProcError when `pid` has exited
   * @throws TypeError when `pid` already has another name
   */
  register(name: string, pid: Pid): void {
    const proc = pid.proc;
    if (proc === null || proc.status > 1) throw new NoProcError(pid);
    this.claim(name, proc);
  }

  /** Removes a name; returns false if it was not registered. */
  unregister(name: string): boolean {
    const proc = this.byName.get(name);
    if (proc === undefined) return false;
    this.byName.delete(name);
    proc.name = null;
    if (this.byName.size === 0) registryInUse(this, false);
    return true;
  }

  /** The pid registered under `name`, if any. Type it with the protocol you expect. */
  whereis<P extends Protocol = AnyProtocol>(name: string): Pid<P> | undefined {
    return this.byName.get(name)?.pid as Pid<P> | undefined;
  }

  /** The name of `pid`, if it has one. */
  nameOf(pid: Pid): string | undefined {
    return pid.proc?.name ?? undefined;
  }

  /** Every registered name. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** How many names are registered now. */
  get size(): number {
    return this.byName.size;
  }

  /** @internal */
  claim(name: string, proc: Proc): void {
    const holder = this.byName.get(name);
    if (holder !== undefined) throw new AlreadyRegisteredError(name, holder.pid);
    if (proc.name !== null) throw new TypeError(`${proc.pid} is already registered as ${JSON.stringify(proc.name)}`);
    this.byName.set(name, proc);
    proc.name = name;
    if (this.byName.size === 1) registryInUse(this, true);
  }

  /** @internal the process exited */
  release(proc: Proc): void {
    if (proc.name !== null && this.byName.get(proc.name) === proc) {
      this.byName.delete(proc.name);
      if (this.byName.size === 0) registryInUse(this, false);
    }
    proc.name = null;
  }
}
