// A runtime on a fresh VirtualClock: what nearly every test starts from.
import { Runtime, VirtualClock, type RuntimeOptions } from '@switchboard/actor';

export function virtualRuntime(options: Omit<RuntimeOptions, 'clock'> = {}): { rt: Runtime; clock: VirtualClock } {
  const clock = new VirtualClock();
  return { rt: new Runtime({ ...options, clock }), clock };
}
