// Test sessions: an MC that checks credentials, answers submits and sends receipts; an ESME that
// records what happens; and helpers to wait for I/O without sleeping.
import { createConnection, type Socket } from 'node:net';
import { once } from 'node:events';
import {
  CommandStatus,
  PduFramer,
  SessionReturn,
  createPdu,
  createResponse,
  decodePdu,
  encodePdu,
  formatReceipt,
  type Pdu,
  type Session,
} from '@switchboard/smpp';

export interface McState {
  readonly log: string[];
  nextId: number;
  /** Hold submit_sm responses (to fill the peer's window). */
  hold: boolean;
  held: Pdu[];
}

export const TestMc: Session<McState, { log: string[]; hold?: boolean }> = {
  init: (args) => SessionReturn.init({ log: args.log, nextId: 1, hold: args.hold ?? false, held: [] }),
  handlePdu(pdu, state) {
    state.log.push(`mc<-${pdu.command}`);
    if (pdu.command === 'bind_transceiver' || pdu.command === 'bind_transmitter' || pdu.command === 'bind_receiver') {
      const ok = pdu.system_id === 'esme01' && pdu.password === 'secret';
      return SessionReturn.ok(state, [createResponse(pdu, { system_id: 'TESTMC', command_status: ok ? CommandStatus.ESME_ROK : CommandStatus.ESME_RINVPASWD })]);
    }
    if (pdu.command === 'submit_sm') {
      if (state.hold) {
        state.held.push(pdu);
        return SessionReturn.ok(state);
      }
      const id = `m${state.nextId++}`;
      const receipt = createPdu('deliver_sm', {
        source_addr: pdu.destination_addr,
        destination_addr: pdu.source_addr,
        esm_class: 0x04,
        short_message: Buffer.from(formatReceipt({ id, state: 'DELIVERED', submitDate: new Date(0), doneDate: new Date(0) })),
        tlvs: { receipted_message_id: id, message_state: 2 },
      });
      return SessionReturn.ok(state, [createResponse(pdu, { message_id: id }), ...(pdu.registered_delivery ? [receipt] : [])]);
    }
    return SessionReturn.ok(state);
  },
};

export interface EsmeState {
  readonly log: string[];
  readonly lost: string[];
}

export const TestEsme: Session<EsmeState, { log: string[]; lost?: string[] }> = {
  init: (args) => SessionReturn.init({ log: args.log, lost: args.lost ?? [] }),
  handlePdu(pdu, state) {
    state.log.push(`esme<-${pdu.command}`);
    return SessionReturn.ok(state, pdu.command === 'deliver_sm' ? [createResponse(pdu)] : []);
  },
  handleResp(resp, original, state) {
    state.log.push(`${original.command}#${original.sequence_number}->${resp.command}:${resp.command_status}`);
    return SessionReturn.ok(state);
  },
  handleRespTimeout(pdus, state) {
    state.log.push(`timeout:${pdus.map((p) => `${p.command}#${p.sequence_number}`).join(',')}`);
    return SessionReturn.ok(state);
  },
  handleSendPduResult(pdu, result, state) {
    if (!result.ok) state.log.push(`not-sent:${pdu.command}:${result.error.name}`);
    return state;
  },
  terminate(reason, lost, state) {
    state.lost.push(...lost.map((p) => `${p.command}#${p.sequence_number}`));
    state.log.push(`terminate:${typeof reason === 'string' ? reason : (reason as Error).name}`);
  },
};

export const bind = (): Pdu => createPdu('bind_transceiver', { system_id: 'esme01', password: 'secret', interface_version: 0x34 });

/**
 * Waits for socket I/O: polls `predicate` once per event-loop turn (no sleeping), and fails after
 * `limit` ms of wall time — a bound for a broken test, never a measurement.
 */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, limit = 5000): Promise<void> {
  const deadline = Date.now() + limit;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Waits for `promise` while moving a virtual clock on in `step` ms strides (for answers the MC
 * delays on purpose, such as a failed bind's); fails after `limit` ms of wall time.
 */
export async function settleWithClock<T>(clock: { advance(ms: number): Promise<void> }, promise: Promise<T>, step = 250, limit = 5000): Promise<T> {
  let done = false;
  const watched = promise.finally(() => (done = true));
  watched.catch(() => {}); // the caller awaits the result below
  const deadline = Date.now() + limit;
  while (!done && Date.now() < deadline) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!done) await clock.advance(step);
  }
  return watched;
}

/** A raw TCP peer that speaks bytes and reads back decoded PDUs (or the close). */
export async function rawPeer(port: number): Promise<{ socket: Socket; received: (Pdu | string)[]; closed: () => boolean }> {
  const socket = createConnection({ host: '127.0.0.1', port, noDelay: true });
  await once(socket, 'connect');
  const received: (Pdu | string)[] = [];
  let closed = false;
  const framer = new PduFramer();
  socket.on('data', (chunk: Buffer) => framer.push(chunk, (frame) => received.push(decodePdu(frame))));
  socket.on('close', () => {
    closed = true;
    received.push('closed');
  });
  socket.on('error', () => {});
  return { socket, received, closed: () => closed };
}

/** A raw MC: records every PDU it receives, answers binds (ROK) and, if told, everything else. */
export async function rawMc(options: { answerAll?: boolean } = {}): Promise<{ port: number; received: Pdu[]; sockets: Socket[]; close(): Promise<void> }> {
  const { createServer } = await import('node:net');
  const received: Pdu[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.push(socket);
    socket.on('error', () => {});
    const framer = new PduFramer();
    socket.on('data', (chunk: Buffer) =>
      framer.push(chunk, (frame) => {
        const pdu = decodePdu(frame);
        received.push(pdu);
        const answer = pdu.command.startsWith('bind_') || (options.answerAll && !pdu.command.endsWith('_resp'));
        if (answer && !socket.destroyed) socket.write(encodePdu(createResponse(pdu as never)));
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    received,
    sockets,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
