// Whether a local port is open yet, read from /proc/net (Linux): a peer started as a child process
// (sipp's uas, say) says nothing when it is ready, and a client started before it listens is
// refused (TCP) or loses its first requests (UDP). Read-only: no probe connection that the peer
// would count.
import { readFileSync } from 'node:fs';

/** TCP's LISTEN state in /proc/net/tcp's `st` column. */
const TCP_LISTEN = '0A';

/** Whether some socket listens on `port` (TCP) or is bound to it (UDP), on IPv4 or IPv6. */
export function isListening(port: number, transport: 'udp' | 'tcp'): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of [`/proc/net/${transport}`, `/proc/net/${transport}6`]) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6 table on this machine
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4 || !fields[1]!.endsWith(`:${hexPort}`)) continue;
      if (transport === 'udp' || fields[3] === TCP_LISTEN) return true;
    }
  }
  return false;
}

/** Resolves once `port` is open (see isListening), polled every 10 ms; rejects after `timeoutMs`. */
export async function whenListening(port: number, transport: 'udp' | 'tcp', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isListening(port, transport)) {
    if (Date.now() > deadline) throw new Error(`nothing listens on ${transport} port ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
