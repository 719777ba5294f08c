// A benchmark ESME in its own process: `smpp-esme.ts ours|ours-client|node-smpp|echo PORT WINDOW N [SAMPLE]`.
// Binds, sends N submit_sm keeping WINDOW in flight, and prints {"seconds"} when every response
// is in; with SAMPLE, also {"sent","rss","heapUsed"} every SAMPLE responses.
import { performance } from 'node:perf_hooks';
import { Runtime, exited } from '@switchboard/actor';
import { SessionReturn, SmppClient, connectEsme, createPdu, encodePdu, type Pdu, type Session } from '@switchboard/smpp';
import { BIND, SUBMIT, TEXT, emit, memory } from './smpp-fixtures.js';
import { nodeSmpp } from './node-smpp.js';

const [impl = 'ours', portText = '0', windowText = '1', nText = '100000', sampleText] = process.argv.slice(2);
const port = Number(portText);
const window = Number(windowText);
const n = Number(nText);
const sample = sampleText === undefined ? Infinity : Number(sampleText);
const text = Buffer.from(TEXT);

let sent = 0;
let done = 0;
let start = 0;
const finish = (): void => emit({ seconds: (performance.now() - start) / 1000 });
const answered = (status: number): void => {
  if (status !== 0) throw new Error(`submit_sm failed with status ${status}`);
  done++;
  if (done % sample === 0) emit({ sent: done, ...memory() });
};

if (impl === 'echo') {
  // The floor at window 1: the submit_sm's bytes sent over bare node:net and echoed back, N times.
  const { connect } = await import('node:net');
  const bytes = encodePdu(createPdu('submit_sm', { ...SUBMIT, short_message: text }));
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((resolve) => socket.on('connect', resolve));
  await new Promise<void>((resolve) => {
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      while (received >= bytes.length) {
        received -= bytes.length;
        done++;
        if (done === n) return resolve();
        socket.write(bytes);
      }
    });
    start = performance.now();
    socket.write(bytes);
  });
  finish();
  socket.destroy();
} else if (impl === 'ours') {
  // The SMPPEX way: the session itself keeps the window full from handleResp.
  const submit = (): Pdu => createPdu('submit_sm', { ...SUBMIT, short_message: text });
  const BenchEsme: Session<null, null> = {
    handleResp(resp, original, state) {
      if (original.command === 'bind_transceiver') {
        start = performance.now();
        const first = Math.min(window, n);
        sent = first;
        return SessionReturn.ok(state, Array.from({ length: first }, submit));
      }
      answered(resp.command_status);
      if (done === n) {
        finish();
        return SessionReturn.stop('normal', state);
      }
      if (sent < n) {
        sent++;
        return SessionReturn.ok(state, [submit()]);
      }
      return SessionReturn.ok(state);
    },
  };
  const rt = new Runtime();
  const pid = await connectEsme(rt, { port, session: BenchEsme, args: null, options: { window }, bind: createPdu('bind_transceiver', BIND) });
  await exited(pid);
} else if (impl === 'ours-client') {
  // The promise client: one awaited submit per slot.
  const rt = new Runtime();
  const client = await SmppClient.connect(rt, { port, options: { window } });
  await client.bind({ mode: 'transceiver', ...BIND });
  start = performance.now();
  const lane = async (): Promise<void> => {
    while (sent < n) {
      sent++;
      const resp = await client.submit({ ...SUBMIT, short_message: text });
      answered(resp.command_status);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  finish();
  await client.close();
} else {
  const session = nodeSmpp.connect({ url: `smpp://127.0.0.1:${port}` });
  await new Promise<void>((resolve) => {
    const send = (): void => {
      sent++;
      session.submit_sm({ ...SUBMIT, short_message: TEXT }, (resp) => {
        answered(resp.command_status);
        if (done === n) return resolve();
        if (sent < n) send();
      });
    };
    session.bind_transceiver(BIND, () => {
      start = performance.now();
      for (let i = 0; i < Math.min(window, n); i++) send();
    });
  });
  finish();
  session.close();
}
process.exit(0);
