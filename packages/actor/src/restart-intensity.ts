// OTP's restart intensity: more than `intensity` restarts within `period` ms means the supervisor
// gives up. Timestamps come from the runtime's clock.
import type { Clock } from './clock.js';

export class RestartIntensity {
  private readonly restarts: number[] = [];

  constructor(
    readonly intensity: number,
    readonly period: number,
    private readonly clock: Clock,
  ) {
    if (!(intensity >= 0) || !(period > 0)) throw new RangeError('intensity must be >= 0 and period > 0');
  }

  /** Records one restart; returns false when that exceeds the intensity. */
  record(): boolean {
    const now = this.clock.now();
    this.restarts.push(now);
    const horizon = now - this.period;
    while (this.restarts.length > 0 && this.restarts[0]! <= horizon) this.restarts.shift();
    return this.restarts.length <= this.intensity;
  }
}
