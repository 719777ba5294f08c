// Loopback ports for tests: SIP listens on one number for UDP and TCP, so `freePort` finds one free
// for both; `freePorts` hands out several TCP ports at once, all different.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/** A loopback port free for both UDP and TCP. */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    server.close();
    const udp = createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    udp.close();
    if (free) return port;
  }
}

/** Free loopback TCP ports, all different (for peers that cannot listen on port 0 and report it). */
export async function freePorts(count: number): Promise<number[]> {
  const { createServer } = await import('node:net');
  // every listener stays open until all ports are known, so no port is handed out twice
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}
