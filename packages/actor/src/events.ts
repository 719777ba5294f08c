// The runtime's lifecycle events, for status pages and observers: spawns, exits and restarts.
import createDebug from 'debug';
import type { ExitReason } from './exit-reason.js';
import type { Pid } from './pid.js';

const log = createDebug('switchboard:actor:events');

export type RuntimeEvent =
  | { readonly type: 'spawn'; readonly pid: Pid; readonly behaviour: string; readonly name: string | null; readonly parent: Pid | null }
  | { readonly type: 'exit'; readonly pid: Pid; readonly reason: ExitReason }
  | { readonly type: 'restart'; readonly supervisor: Pid; readonly childId: string; readonly pid: Pid | null; readonly reason: ExitReason };

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
