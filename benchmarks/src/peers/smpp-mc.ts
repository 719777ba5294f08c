// A benchmark MC in its own process: `smpp-mc.ts ours|node-smpp|echo [enquireLinkMs]`. It answers binds
// and submit_sm (with message ids) and nothing else; prints {"port"} when listening, and answers a
// line "mem" on stdin with {"heapUsed","rss"} after full GCs, and a line "cpu" with process.cpuUsage()
// and the time (ms, performance.now()).
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Runtime } from '@switchboard/actor';
import { SessionReturn, createResponse, listenMc, type Session } from '@switchboard/smpp';
import { emit, memory } from './smpp-fixtures.js';
import { nodeSmpp } from './node-smpp.js';

const [impl = 'ours', enquire] = process.argv.slice(2);
let ids = 0;
let port: number;

if (impl === 'echo') {
  // The floor: bare node:net, every chunk written straight back (no framing, no decoding).
  const { createServer } = await import('node:net');
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
} else if (impl === 'ours') {
  const BenchMc: Session<null, null> = {
    handlePdu(pdu, state) {
      if (pdu.command === 'submit_sm') return SessionReturn.ok(state, [createResponse(pdu, { message_id: (++ids).toString(16) })]);
      if (pdu.command === 'bind_transceiver') return SessionReturn.ok(state, [createResponse(pdu, { system_id: 'BENCHMC' })]);
      return SessionReturn.ok(state);
    },
  };
  const rt = new Runtime();
  const mc = await listenMc(rt, {
    session: BenchMc,
    args: null,
    maxConnections: 100_000,
    options: enquire === undefined ? {} : { enquireLinkInterval: Number(enquire) },
  });
  port = mc.port;
} else {
  const server = nodeSmpp.createServer((session) => {
    session.on('error', () => {});
    session.on('bind_transceiver', (pdu) => session.send(pdu.response({ system_id: 'BENCHMC' })));
    session.on('submit_sm', (pdu) => session.send(pdu.response({ message_id: (++ids).toString(16) })));
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
    if (enquire !== undefined) setInterval(() => session.enquire_link({}, () => {}), Number(enquire));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
}
emit({ port });
process.on('SIGINT', () => process.exit(0));
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'mem') emit(memory());
  if (line.trim() === 'cpu') emit({ ...process.cpuUsage(), at: performance.now() });
});
