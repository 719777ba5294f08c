// Session options, with SMPPEX's defaults where it has them.

/**
 * Options of an SMPP session: window, timers, limits and flow control. Both `connectEsme` and
 * `listenMc` take them; every one has a default.
 */
export interface SessionOptions {
  /** Most requests in flight at once; more wait for a slot. Default 10. */
  readonly window?: number;
  /** How long a request may wait for a window slot (ms). Default 30,000. */
  readonly windowTimeout?: number;
  /** Response deadline of a request (ms). Default 60,000 (SMPPEX's response_limit). */
  readonly responseTimeout?: number;
  /** A connection not bound within this long is closed (ms). Default 10,000 (session_init_limit). */
  readonly sessionInitTime?: number;
  /** Idle time after which an enquire_link is sent (ms). Default 30,000 (enquire_link_limit). */
  readonly enquireLinkInterval?: number;
  /** An unanswered enquire_link closes the session after this long (ms). Default 30,000. */
  readonly enquireLinkRespTimeout?: number;
  /** Close a session that receives nothing for this long (ms). Default Infinity. */
  readonly inactivityTimeout?: number;
  /** Largest command_length accepted. Default 70,000. */
  readonly maxCommandLength?: number;
  /**
   * Socket write buffer (bytes) above which reading pauses until it drains, and queued requests
   * wait instead of being written. Default 1 MiB.
   */
  readonly highWaterMark?: number;
  /**
   * Most requests waiting to be sent (for a window slot, the throttle, or the write buffer to
   * drain). A request beyond it fails with QueueFullError (reported like any unsent PDU); reading
   * goes on, since the peer's responses are what drain it. Default 1,000.
   */
  readonly maxQueued?: number;
  /**
   * A peer that keeps the session stuck — its write buffer above `highWaterMark` — for this long
   * (ms) is disconnected with PeerStalledError. Default 60,000. (A peer that does not answer our
   * requests is the response timeout's.)
   */
  readonly stallTimeout?: number;
  /** Most submit_sm / submit_multi / data_sm / broadcast_sm sent per second. Default unlimited. */
  readonly throttle?: number;
  /**
   * Most submit_sm / submit_multi / data_sm / broadcast_sm accepted per second; more are answered
   * ESME_RTHROTTLED without reaching handlePdu (an MC's rate limit). Default unlimited.
   */
  readonly incomingThrottle?: number;
}

export type ResolvedSessionOptions = Required<SessionOptions> & { readonly responseCheckInterval: number };

/** Sessions of one MC share one options object: resolve it once. */
const resolvedCache = new WeakMap<SessionOptions, ResolvedSessionOptions>();

export function resolveSessionOptions(options: SessionOptions = {}): ResolvedSessionOptions {
  const cached = resolvedCache.get(options);
  if (cached !== undefined) return cached;
  const resolved = {
    window: options.window ?? 10,
    windowTimeout: options.windowTimeout ?? 30_000,
    responseTimeout: options.responseTimeout ?? 60_000,
    sessionInitTime: options.sessionInitTime ?? 10_000,
    enquireLinkInterval: options.enquireLinkInterval ?? 30_000,
    enquireLinkRespTimeout: options.enquireLinkRespTimeout ?? 30_000,
    inactivityTimeout: options.inactivityTimeout ?? Infinity,
    maxCommandLength: options.maxCommandLength ?? 70_000,
    highWaterMark: options.highWaterMark ?? 1024 * 1024,
    maxQueued: options.maxQueued ?? 1000,
    stallTimeout: options.stallTimeout ?? 60_000,
    throttle: options.throttle ?? Infinity,
    incomingThrottle: options.incomingThrottle ?? Infinity,
  };
  for (const [key, value] of Object.entries(resolved)) {
    if (!(typeof value === 'number' && value > 0)) throw new RangeError(`session option ${key} must be a positive number, got ${String(value)}`);
  }
  const checkEvery = Math.min(1000, resolved.responseTimeout, resolved.enquireLinkRespTimeout);
  const result: ResolvedSessionOptions = Object.freeze({ ...resolved, responseCheckInterval: checkEvery });
  resolvedCache.set(options, result);
  return result;
}
