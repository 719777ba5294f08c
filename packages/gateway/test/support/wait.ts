// Waiting, in wall time, for something a real peer does: polled every 20 ms, failing with what was awaited.

/** Resolves once `check` holds; rejects after `ms` (default 10 s) naming `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
