// Which process is running a callback right now. Set around every synchronous callback
// invocation; after an `await` inside a callback it is no longer set.
import type { Proc } from './process.js';

let current: Proc | null = null;

export function currentProc(): Proc | null {
  return current;
}

/** Sets the running process and returns the previous one, to be restored afterwards. */
export function enterProc(proc: Proc | null): Proc | null {
  const previous = current;
  current = proc;
  return previous;
}
