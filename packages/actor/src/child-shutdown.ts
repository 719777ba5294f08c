// Stopping one child the OTP way: unlink, send `shutdown`, wait for the exit, and kill it when
// its shutdown time runs out. Waiting uses `exited` (out of band), so it works from inside the
// supervisor's own async callback while its mailbox is held.
import type { Clock } from './clock.js';
import type { Shutdown } from './child-spec.js';
import type { ExitReason } from './exit-reason.js';
import type { Pid } from './pid.js';
import { exit, exited, unlink } from './signals.js';

const TIMED_OUT = Symbol('timed out');

/** Stops `child` on behalf of `supervisor`; resolves with its exit reason. */
export async function shutdownChild(child: Pid, shutdown: Shutdown, supervisor: Pid, clock: Clock): Promise<ExitReason> {
  const done = exited(child);
  unlink(child, supervisor);
  if (shutdown === 'brutal_kill') {
    exit(child, 'kill', supervisor);
    return done;
  }
  exit(child, 'shutdown', supervisor);
  if (shutdown === 'infinity') return done;
  let timer: unknown;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = clock.setTimeout(() => resolve(TIMED_OUT), shutdown);
  });
  const first = await Promise.race([done, timeout]);
  if (first !== TIMED_OUT) {
    clock.clearTimeout(timer);
    return first;
  }
  exit(child, 'kill', supervisor);
  return done;
}
