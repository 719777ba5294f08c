// What both SMPP implementations send in the session benchmarks: the same bind and submit_sm.
export const BIND = { system_id: 'bench', password: 'secret', interface_version: 0x34 };
export const SUBMIT = {
  source_addr_ton: 5,
  source_addr: 'Switchbrd',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  destination_addr: '447700900123',
  registered_delivery: 0,
};
export const TEXT = 'Your verification code is 482913. It expires in 10 minutes.';

/** Child processes report one JSON object per line on stdout. */
export function emit(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Heap and RSS after full GCs (the process runs with --expose-gc). */
export function memory(): { heapUsed: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}
