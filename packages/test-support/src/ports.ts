// Loopback ports for tests: SIP listens on one number for UDP and TCP, so `freePort` finds one free
// for both; `freePorts` hands out several TCP ports at once, all different.
//
// A port is handed out from below the kernel's ephemeral range, never from it: between the check
// here and the peer's own bind (seconds later for a spawned program), any outgoing connection on
// the machine may take an ephemeral port as its local port, and the peer's bind then fails with
// EADDRINUSE. The kernel never picks a port below the range by itself, so only another test that
// drew the same random number can take it, and the draw is over some 20,000 ports.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const LOWEST = 10_000;

/** The first port of the kernel's ephemeral range (Linux); 32768, its default, elsewhere. */
function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

const below = ephemeralStart();
const handedOut = new Set<number>();

function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function binds(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const udp = createSocket('udp4');
    udp.once('error', () => {
      udp.close();
      resolve(false);
    });
    udp.bind(port, '127.0.0.1', () => udp.close(() => resolve(true)));
  });
}

async function draw(udp: boolean): Promise<number> {
  if (below - LOWEST < 1_000) throw new Error(`the ephemeral range starts at ${below}: no room below it for test ports`);
  for (;;) {
    const port = LOWEST + Math.floor(Math.random() * (below - LOWEST));
    if (handedOut.has(port)) continue;
    if (!(await listens(port))) continue;
    if (udp && !(await binds(port))) continue;
    handedOut.add(port);
    return port;
  }
}

/** A loopback port free for both UDP and TCP, outside the kernel's ephemeral range. */
export function freePort(): Promise<number> {
  return draw(true);
}

/** Free loopback TCP ports, all different (for peers that cannot listen on port 0 and report it). */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await draw(false));
  return ports;
}
