// The transaction timers of RFC 3261 §17 and Table 4, with RFC 6026's L and M, as named values
// computed from T1, T2 and T4 — never literals in the machines.

/** The base timer values (RFC 3261 §17.1.1.1); every other timer derives from them. */
export interface TimerBase {
  /** Round-trip estimate, default 500 ms. */
  readonly t1: number;
  /** Longest retransmission interval for non-INVITE requests and INVITE responses, default 4 s. */
  readonly t2: number;
  /** Longest time a message stays in the network, default 5 s. */
  readonly t4: number;
}

/**
 * The RFC 3261 defaults (§17.1.1.1, Table 4): T1 500 ms, T2 4 s, T4 5 s. Raise T1 on high-latency
 * links.
 */
export const DEFAULT_TIMERS: TimerBase = { t1: 500, t2: 4000, t4: 5000 };

/** Timer values for one transaction; on a reliable transport the wait timers are zero (Table 4). */
export interface TransactionTimers {
  /** A: first INVITE retransmission interval (T1), doubled each time, no cap. */
  readonly A: number;
  /** B: INVITE transaction timeout, 64·T1. */
  readonly B: number;
  /** D: wait for response retransmissions, at least 32 s over UDP, 0 over reliable transports. */
  readonly D: number;
  /** E: first non-INVITE retransmission interval (T1), doubled up to T2. */
  readonly E: number;
  /** F: non-INVITE transaction timeout, 64·T1. */
  readonly F: number;
  /** G: first INVITE response retransmission interval (T1), doubled up to T2. */
  readonly G: number;
  /** H: wait for the ACK, 64·T1. */
  readonly H: number;
  /** I: wait for ACK retransmissions, T4 over UDP, 0 over reliable transports. */
  readonly I: number;
  /** J: wait for non-INVITE request retransmissions, 64·T1 over UDP, 0 over reliable transports. */
  readonly J: number;
  /** K: wait for non-INVITE response retransmissions, T4 over UDP, 0 over reliable transports. */
  readonly K: number;
  /** L (RFC 6026): INVITE server in Accepted, absorbing INVITE retransmissions, 64·T1. */
  readonly L: number;
  /** M (RFC 6026): INVITE client in Accepted, taking 2xx retransmissions, 64·T1. */
  readonly M: number;
  /** T2, the cap of E and G. */
  readonly T2: number;
  /** When the INVITE server sends 100 Trying if the core has not answered (RFC 3261 §17.2.1: 200 ms). */
  readonly TRYING: number;
  /** No retransmissions over reliable transports (§17.1.1.2, §17.1.2.2, §17.2.1). */
  readonly retransmit: boolean;
}

/** RFC 3261 §17.1.1.2: "Timer D … at least 32 seconds for unreliable transports". */
const TIMER_D_UNRELIABLE = 32_000;
/** RFC 3261 §17.2.1: a 100 Trying if the TU will not answer within 200 ms. */
const TRYING_DELAY = 200;

/**
 * Every timer of one transaction (RFC 3261 Table 4, RFC 6026 L and M), derived from the base
 * values; `reliable` zeroes the wait timers and turns retransmission off.
 *
 * @example
 * ```ts
 * transactionTimers(DEFAULT_TIMERS, false).B; // 32_000 (64·T1)
 * transactionTimers(DEFAULT_TIMERS, true).K; // 0: no response retransmissions to absorb over TCP
 * ```
 */
export function transactionTimers(base: TimerBase, reliable: boolean): TransactionTimers {
  const { t1, t2, t4 } = base;
  const sixtyFourT1 = 64 * t1;
  return {
    A: t1,
    B: sixtyFourT1,
    D: reliable ? 0 : Math.max(TIMER_D_UNRELIABLE, sixtyFourT1),
    E: t1,
    F: sixtyFourT1,
    G: t1,
    H: sixtyFourT1,
    I: reliable ? 0 : t4,
    J: reliable ? 0 : sixtyFourT1,
    K: reliable ? 0 : t4,
    L: sixtyFourT1,
    M: sixtyFourT1,
    T2: t2,
    TRYING: TRYING_DELAY,
    retransmit: !reliable,
  };
}
