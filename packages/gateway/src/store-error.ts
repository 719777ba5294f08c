// The one error a Store rejects with once it is open: the database failed (unreachable, closed,
// out of space, timed out). Callers answer for it (SIP 503 with Retry-After, SMPP a temporary
// error) instead of crashing; the cause says what the driver said.

/** A store operation failed; `operation` names the method, `cause` holds the driver's error. */
export class StoreError extends Error {
  /** A stable error code, `ERR_GATEWAY_STORE`, to test for instead of the message. */
  readonly code = 'ERR_GATEWAY_STORE';
  /** Builds the error for the store method `operation` that failed with `cause`. */
  constructor(
    /** The Store method that failed (`queueOutbound`, `changeBindings`…). */
    readonly operation: string,
    cause: unknown,
  ) {
    super(`the store failed in ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreError';
  }
}

/** Seconds a SIP client is asked to wait (Retry-After) when the store fails. */
export const STORE_RETRY_AFTER = 5;

/**
 * Runs a store step around a caller's `decide`: what `decide` throws is the caller's own error (a
 * bug), so it comes out as it was, not as a StoreError (the step is rolled back all the same).
 */
export async function withDecision<D extends (...args: never[]) => unknown, T>(decide: D, step: (guarded: D) => Promise<T>): Promise<T> {
  let thrown: { readonly error: unknown } | undefined;
  const guarded = ((...args: Parameters<D>) => {
    try {
      return decide(...args);
    } catch (error) {
      thrown = { error };
      throw error;
    }
  }) as D;
  try {
    return await step(guarded);
  } catch (error) {
    throw thrown === undefined ? error : thrown.error;
  }
}
