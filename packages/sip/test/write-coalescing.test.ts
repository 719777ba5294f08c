// The messages a stream connection writes during one turn of the event loop leave in one writev:
// the turn's first write corks the socket and a tick uncorks it once the turn's work is done.
// The tests run one at a time: countSocketWrites patches net.Socket.
import test from 'ava';
import { connect } from 'node:net';
import { once } from 'node:events';
import { Runtime } from '@switchboard/actor';
import { exampleUas, startStack } from '@switchboard/sip';
import { SipStreamSplitter, countSocketWrites, request } from '@switchboard/test-support';

const options = (i: number, port: number): string =>
  request([`OPTIONS sip:uas@127.0.0.1:${port};transport=tcp SIP/2.0`, `Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-cork-${i}`, 'Max-Forwards: 70', 'From: <sip:a@127.0.0.1>;tag=a', 'To: <sip:uas@127.0.0.1>', `Call-ID: cork-${i}`, `CSeq: ${i} OPTIONS`]);

test.serial('twenty requests read at once are answered in fewer writes than answers, every answer whole', async (t) => {
  const stack = await startStack(new Runtime(), { listen: [{ transport: 'tcp', port: 0 }], core: exampleUas() });
  const port = stack.listener('TCP')!.port;
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  const counts = countSocketWrites(client.localPort!);
  try {
    const splitter = new SipStreamSplitter();
    const answers: string[] = [];
    client.on('data', (chunk: Buffer) => answers.push(...splitter.push(chunk).map((m) => m.toString('latin1'))));
    client.write(Array.from({ length: 20 }, (_, i) => options(i + 1, port)).join(''));
    while (answers.length < 20) await new Promise((resolve) => setImmediate(resolve));
    t.true(answers.every((a) => a.startsWith('SIP/2.0 200 ')));
    t.deepEqual(answers.map((a) => /Call-ID: (\S+)/i.exec(a)?.[1]).sort(), Array.from({ length: 20 }, (_, i) => `cork-${i + 1}`).sort());
    t.true(counts.writes + counts.writevs < 20, `${counts.writes} writes, ${counts.writevs} writevs`);
    t.is(counts.writes + counts.chunks, 20);
  } finally {
    counts.restore();
    client.destroy();
    await stack.stop();
  }
});
