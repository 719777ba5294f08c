// Starting a SIP stack as one supervision tree (rest_for_one: the transaction table, the
// connections, the core, then the listeners), alone or as a child of a supervisor of yours.
import type { Socket } from 'node:net';
import { startDynamicSupervisor, startSupervisor, worker, type ChildSpec, type Pid, type Runtime, type SupervisorPid } from '@switchboard/actor';
import type { WebSocket } from 'ws';
import { DEFAULT_LIMITS } from './message/parser.js';
import { CoreProcess } from './core.js';
import { SipStack } from './stack.js';
import { startConnection, startWsConnection } from './stack-connections.js';
import { DEFAULT_STACK_LIMITS, type StackOptions } from './stack-options.js';
import { HeldTransactionsProcess } from './transaction/held-process.js';
import { StreamListener } from './transport/stream-listener.js';
import { DEFAULT_UDP_BUFFER, UdpTransport } from './transport/udp.js';
import { WsListener } from './transport/ws-listener.js';

/** The port of a listener that names none: RFC 3261 §19.1.2 for SIP, HTTP's for WebSocket (RFC 6455 §3). */
const DEFAULT_PORTS = { udp: 5060, tcp: 5060, tls: 5061, ws: 80, wss: 443 } as const;

function finite(limit: number): number | undefined {
  return Number.isFinite(limit) ? limit : undefined;
}

/**
 * Starts a stack: a supervisor over the transaction supervisor, the connection supervisor, the
 * core process and one process per listener. Resolves once every listener is bound.
 *
 * @example
 * const stack = await startStack(runtime, { listen: [{ transport: 'udp', port: 5060 }], core: (stack) => new MyCore(stack) });
 */
export async function startStack(runtime: Runtime, options: StackOptions, startOptions: { readonly link?: Pid } = {}): Promise<SipStack> {
  const stack = new SipStack(runtime, options);
  stack.transports.opener = (transport, socket, address, port) => startConnection(stack, transport, socket, address, port);
  const dynamic = (id: string, set: (pid: SupervisorPid, runtime: Runtime) => unknown, maxChildren?: number): ChildSpec => ({
    id,
    type: 'supervisor',
    shutdown: 'infinity',
    start: async ({ runtime: rt, supervisor }) => {
      const pid = await startDynamicSupervisor(rt, { intensity: 1_000_000, period: 1, ...(maxChildren === undefined ? {} : { maxChildren }) }, { link: supervisor });
      await set(pid, rt);
      return pid;
    },
  });
  const children: ChildSpec[] = [
    // The router admits by the same count before starting anything; the supervisor's cap backs it up.
    // The held transactions' process lives and dies with the transaction supervisor, linked to it.
    dynamic(
      'transactions',
      (pid, rt) => {
        stack.transactionSupervisor = pid;
        return rt.start(HeldTransactionsProcess, stack.held, { link: pid });
      },
      finite(options.maxTransactions ?? DEFAULT_STACK_LIMITS.maxTransactions),
    ),
    dynamic('connections', (pid) => (stack.connectionSupervisor = pid)),
    worker('core', CoreProcess, { factory: options.core, stack, started: (pid) => (stack.core = pid) }),
  ];
  for (const [index, listen] of options.listen.entries()) {
    const host = listen.host ?? '127.0.0.1';
    const port = listen.port ?? DEFAULT_PORTS[listen.transport];
    if (listen.transport === 'ws' || listen.transport === 'wss') {
      const transport = listen.transport === 'wss' ? 'WSS' : 'WS';
      children.push(
        worker(`${listen.transport}-${index}`, WsListener, {
          transport,
          transports: stack.transports,
          host,
          port,
          advertise: listen.advertise,
          tls: listen.tls,
          maxMessageSize: options.limits?.maxMessageSize ?? DEFAULT_LIMITS.maxMessageSize,
          handshakeTimeout: options.partialMessageTimeout ?? DEFAULT_STACK_LIMITS.partialMessageTimeout,
          accept: (t: 'WS' | 'WSS', ws: WebSocket, socket: Socket) => startWsConnection(stack, t, ws, socket),
        }),
      );
    } else if (listen.transport === 'udp') {
      children.push(worker(`udp-${index}`, UdpTransport, { transports: stack.transports, inbound: stack.router, host, port, advertise: listen.advertise, limits: options.limits ?? {}, bufferSize: listen.bufferSize ?? DEFAULT_UDP_BUFFER }));
    } else {
      const transport = listen.transport === 'tls' ? 'TLS' : 'TCP';
      children.push(
        worker(`${listen.transport}-${index}`, StreamListener, {
          transport,
          transports: stack.transports,
          host,
          port,
          advertise: listen.advertise,
          tls: listen.tls,
          accept: (t: 'TCP' | 'TLS', socket: Socket) => startConnection(stack, t, socket, socket.remoteAddress ?? '', socket.remotePort ?? 0),
        }),
      );
    }
  }
  stack.supervisor = await startSupervisor(runtime, { strategy: 'rest_for_one', children, intensity: 10, period: 5000 }, startOptions.link === undefined ? {} : { link: startOptions.link });
  return stack;
}

/**
 * A child spec that runs a stack under a supervisor of yours (an application's tree, say);
 * `started` hears of each stack it starts, restarts included.
 *
 * @example
 * await startApplication({ children: [stackChild('sip', { listen, core }, (stack) => (current = stack))] });
 */
export function stackChild(id: string, options: StackOptions, started?: (stack: SipStack) => void): ChildSpec {
  return {
    id,
    type: 'supervisor',
    shutdown: 'infinity',
    start: async ({ runtime, supervisor }) => {
      const stack = await startStack(runtime, options, { link: supervisor });
      started?.(stack);
      return stack.supervisor;
    },
  };
}
