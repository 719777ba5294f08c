// Load for the memory benchmark: `smpp-sessions.ts PORT COUNT` opens COUNT connections, binds
// each as a transceiver, answers every enquire_link, prints {"bound"} once all are bound, and
// keeps them open until killed. The same generator runs against both MCs. Past 20,000 connections
// each further 20,000 come from another loopback address (127.0.0.2, .3, …): one source address
// has only ~28 k ephemeral ports towards one MC port.
import { connect } from 'node:net';
import { PduFramer, createPdu, createResponse, decodePdu, encodePdu } from '@switchboard/smpp';
import { BIND, emit } from './smpp-fixtures.js';

const [portText = '0', countText = '1000'] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
let bound = 0;
let enquireLinks = 0;

function open(index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', ...(count > 20_000 ? { localAddress: `127.0.0.${2 + Math.floor(index / 20_000)}` } : {}) });
    const framer = new PduFramer();
    socket.on('error', reject);
    socket.on('connect', () => socket.write(encodePdu(createPdu('bind_transceiver', { ...BIND, sequence_number: 1 }))));
    socket.on('data', (chunk: Buffer) =>
      framer.push(chunk, (frame) => {
        const pdu = decodePdu(frame);
        if (pdu.command === 'bind_transceiver_resp') {
          if (pdu.command_status !== 0) return reject(new Error(`bind refused: ${pdu.command_status}`));
          bound++;
          resolve();
        } else if (pdu.command === 'enquire_link') {
          enquireLinks++;
          socket.write(encodePdu(createResponse(pdu)));
        }
      }),
    );
  });
}

for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => open(i + j)));
emit({ bound });
setInterval(() => emit({ enquireLinks }), 1000);
