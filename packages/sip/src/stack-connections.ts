// The processes of stream and WebSocket connections: each runs under the stack's connection
// supervisor with the stack's limits; one that cannot start leaves the table and is closed.
import type { Socket } from 'node:net';
import createDebug from 'debug';
import { startChild, type ChildSpec, type Pid, type Runtime } from '@switchboard/actor';
import type { WebSocket } from 'ws';
import type { SipStack } from './stack.js';
import { DEFAULT_STACK_LIMITS } from './stack-options.js';
import { ConnectionProcess, StreamConnection, type ConnectionArgs } from './transport/connection.js';
import { WsConnection, WsConnectionProcess } from './transport/ws-connection.js';

const log = createDebug('switchboard:sip:stack');

/** @internal an accepted WebSocket: its process under the connection supervisor */
export function startWsConnection(stack: SipStack, transport: 'WS' | 'WSS', ws: WebSocket, socket: Socket): WsConnection {
  const connection = new WsConnection(transport, ws, socket, socket.remoteAddress ?? '', socket.remotePort ?? 0, stack.runtime.clock.now());
  superviseConnection(stack, 'sip-ws-connection', connection, (runtime, common, parent) => runtime.start(WsConnectionProcess, { ...common, connection }, { link: parent }), () => ws.terminate());
  return connection;
}

/** @internal a stream connection opened or accepted: its process under the connection supervisor */
export function startConnection(stack: SipStack, transport: 'TCP' | 'TLS', socket: Socket, address: string, port: number): StreamConnection {
  const connection = new StreamConnection(transport, socket, address, port, stack.runtime.clock.now());
  superviseConnection(stack, 'sip-connection', connection, (runtime, common, parent) => runtime.start(ConnectionProcess, { ...common, connection }, { link: parent }), () => socket.destroy());
  return connection;
}

/**
 * Starts a connection's process under the connection supervisor with the stack's limits; when it
 * cannot run (the stack stopping, the supervisor refusing), the connection leaves the table and
 * `abandon` closes its socket.
 */
function superviseConnection(
  stack: SipStack,
  id: string,
  connection: StreamConnection | WsConnection,
  start: (runtime: Runtime, common: Omit<ConnectionArgs, 'connection'>, parent: Pid) => Promise<Pid>,
  abandon: () => void,
): void {
  const supervisor = stack.connectionSupervisor;
  if (supervisor === null) {
    abandon();
    return;
  }
  const spec: ChildSpec = {
    id,
    restart: 'temporary',
    // Not brutal_kill: terminate must run to close the socket.
    shutdown: 1000,
    type: 'worker', // every field set: resolveChildSpec takes it as it is, no copy per start
    start: ({ runtime, supervisor: parent }) =>
      start(
        runtime,
        {
          transports: stack.transports,
          inbound: stack.router,
          limits: stack.options.limits ?? {},
          idleTimeout: stack.options.idleTimeout ?? DEFAULT_STACK_LIMITS.idleTimeout,
          partialMessageTimeout: stack.options.partialMessageTimeout ?? DEFAULT_STACK_LIMITS.partialMessageTimeout,
          now: () => runtime.clock.now(),
        },
        parent,
      ),
  };
  startChild(supervisor, spec).catch((error: unknown) => {
    log('%s process not started: %s', id, error instanceof Error ? error.message : String(error));
    stack.transports.removeConnection(connection);
    abandon();
  });
}
