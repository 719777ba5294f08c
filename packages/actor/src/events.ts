// The runtime's lifecycle events, for status pages and observers: spawns, exits and restarts.
import createDebug from 'debug';
import type { ExitReason } from './exit-reason.js';
import type { Pid } from './pid.js';

const log = createDebug('switchboard:actor:events');

/**
 * What the runtime reports to `runtime.on` listeners: a process spawned, a process exited, or a
 * supervisor restarted a child. Tools and the gateway's status page read these instead of polling.
 */
export type RuntimeEvent =
  | {
      /** A process started: its `init` returned ok. */
      readonly type: 'spawn';
      /** The started process. */
      readonly pid: Pid;
      /** Its behaviour's `behaviourName` ('gen_server', 'supervisor', …). */
      readonly behaviour: string;
      /** The name it was registered under at start, or null. */
      readonly name: string | null;
      /** The process that started it linked, or null. */
      readonly parent: Pid | null;
    }
  | {
      /** A process exited. */
      readonly type: 'exit';
      /** The process, now gone. */
      readonly pid: Pid;
      /** Why it exited. */
      readonly reason: ExitReason;
    }
  | {
      /** A supervisor restarted a child after it exited. */
      readonly type: 'restart';
      /** The supervisor (static or dynamic) that restarted it. */
      readonly supervisor: Pid;
      /** The child's id in the supervisor's spec. */
      readonly childId: string;
      /** The restarted child's new pid, or null when it is not running after the restart. */
      readonly pid: Pid | null;
      /** Why the previous instance exited. */
      readonly reason: ExitReason;
    };

/**
 * Receives every `RuntimeEvent`, synchronously, on the stack of the process that caused it: keep it short.
 */
export type RuntimeEventListener = (event: RuntimeEvent) => void;

/** A list of listeners; publishing with none costs one length check. */
export class EventStream {
  private listeners: RuntimeEventListener[] = [];

  get active(): boolean {
    return this.listeners.length > 0;
  }

  subscribe(listener: RuntimeEventListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  publish(event: RuntimeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        log('an event listener threw: %O', error);
      }
    }
  }
}
