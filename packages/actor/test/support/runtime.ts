// A runtime on a fresh VirtualClock: what nearly every test starts from. Crash reports are
// dropped unless a test asks for them (test/reports.test.ts checks them).
import { Runtime, VirtualClock, type RuntimeOptions } from '@switchboard/actor';

export function virtualRuntime(options: Omit<RuntimeOptions, 'clock'> = {}): { rt: Runtime; clock: VirtualClock } {
  const clock = new VirtualClock();
  return { rt: new Runtime({ reports: false, ...options, clock }), clock };
}
