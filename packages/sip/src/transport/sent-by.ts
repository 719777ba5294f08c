// The sent-by a listener advertises (RFC 3261 §18.1.1): the configured name, else the bound
// address, else (for a wildcard bind) the first non-internal address of the machine.
import { networkInterfaces } from 'node:os';
import type { SentBy } from './endpoint.js';

export function advertisedSentBy(bound: string, port: number, family: 4 | 6, advertise: string | undefined): SentBy {
  if (advertise !== undefined) return { host: advertise, port };
  if (bound !== '0.0.0.0' && bound !== '::') return { host: family === 6 ? `[${bound}]` : bound, port };
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (!a.internal && (a.family === 'IPv4') === (family === 4)) return { host: family === 6 ? `[${a.address}]` : a.address, port };
    }
  }
  return { host: family === 6 ? '[::1]' : '127.0.0.1', port };
}
