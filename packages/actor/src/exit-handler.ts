// What is called as a process exits, out of band: `onExit` callbacks and `exited` resolvers.
import type { ExitReason } from './exit-reason.js';

/**
 * An object told as a process exits (`onExit(pid, handler)`): the DOM's `EventListener` object
 * form. Where many processes each own something to release, one shared method on an object they
 * already have replaces a closure (and its context) per process.
 *
 * @example
 * ```ts fragment
 * class Connection implements ExitHandler {
 *   constructor(readonly socket: Socket) {}
 *   processExited(): void {
 *     this.socket.destroy(); // one method on the prototype, shared by every connection
 *   }
 * }
 * onExit(self(), new Connection(socket));
 * ```
 */
export interface ExitHandler {
  /** Called once, synchronously, with the exit reason; the process is already dead. */
  processExited(reason: ExitReason): void;
}

/** One of the things a process calls as it exits. */
export type ExitWaiter = ((reason: ExitReason) => void) | ExitHandler;
