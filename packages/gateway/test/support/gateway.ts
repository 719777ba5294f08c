// Starting a gateway in a test: the environment of free ports and a fresh store, and waiting for
// its first bind.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gateway } from '@switchboard/gateway';
import { freePort } from '@switchboard/test-support';

/** Waits (wall time, at most 5 s) until the gateway has bound to its SMSC. */
export async function bound(gateway: Gateway): Promise<void> {
  for (let i = 0; i < 500 && gateway.pool.boundCount === 0; i++) await new Promise((r) => setTimeout(r, 10));
  if (gateway.pool.boundCount === 0) throw new Error('the gateway never bound to its SMSC');
}

/** SWITCHBOARD_* variables for a gateway on a free SIP port, the embedded SMSC, and a store in a new folder. */
export async function gatewayEnvironment(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  return { SWITCHBOARD_SIP_PORT: String(await freePort()), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), ...extra };
}
