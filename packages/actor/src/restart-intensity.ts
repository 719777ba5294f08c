// OTP's restart intensity: more than `intensity` restarts within `period` means the supervisor
// gives up. Timestamps come from the runtime's clock. OTP counts in whole seconds
// (`erlang:monotonic_time(second)`) and keeps a restart while `Now - Then =< Period`, so with a
// period of 1 s two crashes 1.1 s apart usually give up; we do the same for a period in whole
// seconds, and count in milliseconds (the same inclusive rule) for any other period.
import type { Clock } from './clock.js';

export class RestartIntensity {
  private readonly restarts: number[] = [];
  /** 1000 for a period in whole seconds (OTP's unit), else 1. */
  private readonly unit: number;

  constructor(
    readonly intensity: number,
    readonly period: number,
    private readonly clock: Clock,
  ) {
    if (!(intensity >= 0) || !(period > 0)) throw new RangeError('intensity must be >= 0 and period > 0');
    this.unit = period % 1000 === 0 ? 1000 : 1;
  }

  /** Records one restart; returns false when that exceeds the intensity. */
  record(): boolean {
    const now = Math.floor(this.clock.now() / this.unit);
    this.restarts.push(now);
    const horizon = now - this.period / this.unit;
    while (this.restarts.length > 0 && this.restarts[0]! < horizon) this.restarts.shift();
    return this.restarts.length <= this.intensity;
  }
}
