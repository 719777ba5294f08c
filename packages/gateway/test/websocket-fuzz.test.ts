// Hostile input over SIP over WebSocket (RFC 7118), the gateway's newest door: the known killers and
// 2,000 mutated messages, one per frame over several WebSockets, raw junk frames and an oversized
// one. The gateway must answer or drop each, keep its tree as it was, and still answer OPTIONS over
// UDP and over a new WebSocket.
import test from 'ava';
import { WebSocket } from 'ws';
import { Runtime } from '@switchboard/actor';
import { parseMessage, type SipResponse } from '@switchboard/sip';
import { loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer, freePort, knownSipKillers, request, sipFuzzInput, type SipFuzzTarget } from '@switchboard/test-support';
import { bound, gatewayEnvironment } from './support/gateway.js';

const SEED = 20_261_201;
const MUTATED = 2000;
const CONNECTIONS = 4;

function open(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, 'sip');
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function options(port: number, branch: string, transport: 'UDP' | 'WS', localPort: number): string {
  return request([
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/${transport} 127.0.0.1:${localPort};branch=z9hG4bK${branch}`,
    `From: <sip:probe@127.0.0.1>;tag=${branch}`,
    'To: <sip:probe@127.0.0.1>',
    `Call-ID: ${branch}`,
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
  ]);
}

test('mutated SIP over WebSocket neither kills nor wedges the gateway', async (t) => {
  const wsPort = await freePort();
  const env = await gatewayEnvironment({ SWITCHBOARD_SIP_WS_PORT: String(wsPort), SWITCHBOARD_SIP_T1: '50' });
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  const gateway = await startGateway(new Runtime(), loadConfig({ env }));
  const sockets: WebSocket[] = [];
  try {
    await bound(gateway);
    const treeBefore = JSON.stringify(await (await fetch(`http://127.0.0.1:${gateway.statusPort}/status.json?children=0`)).json().then((s) => (s as { tree: unknown }).tree));
    for (let i = 0; i < CONNECTIONS; i++) sockets.push(await open(wsPort));
    let answers = 0;
    let reopened = 0;
    const watch = (ws: WebSocket): WebSocket => ws.on('message', () => answers++);
    for (const ws of sockets) watch(ws);
    const target: SipFuzzTarget = { host: '127.0.0.1', port: wsPort, domain: 'switchboard.local', localPort: 40_000, transport: 'TCP' };
    const inputs = [...knownSipKillers(target), ...Array.from({ length: MUTATED }, (_, i) => sipFuzzInput(SEED, i, target))];
    for (let i = 0; i < inputs.length; i++) {
      const slot = i % sockets.length;
      // a frame over the size limit closes its WebSocket (1009): the next input gets a new one
      if (sockets[slot]!.readyState !== WebSocket.OPEN) {
        sockets[slot] = watch(await open(wsPort));
        reopened++;
      }
      sockets[slot]!.send(inputs[i]!.bytes);
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }
    // junk that is no SIP at all, and a frame over the message size limit (the connection closes with 1009)
    sockets[0]!.send(Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]));
    const big = await open(wsPort);
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.send(Buffer.alloc(70_000, 0x41));
    t.is(await closed, 1009);
    await new Promise((r) => setTimeout(r, 1000));
    t.log(`${inputs.length} inputs over ${CONNECTIONS} WebSockets (${reopened} reopened after a close), ${answers} answers`);
    t.true(answers > 0);

    // alive: OPTIONS over UDP and over a new WebSocket
    const udp = await UdpPeer.open(parseMessage);
    udp.send(options(sipPort, 'wsfuzz-udp', 'UDP', udp.port), sipPort);
    t.is(((await udp.next()) as SipResponse).status, 200);
    udp.close();
    const fresh = await open(wsPort);
    const reply = new Promise<string>((resolve) => fresh.once('message', (data: Buffer) => resolve(data.toString())));
    fresh.send(options(wsPort, 'wsfuzz-ws', 'WS', 40_001));
    t.regex(await reply, /^SIP\/2\.0 200 /);
    fresh.close();
    const treeAfter = JSON.stringify(await (await fetch(`http://127.0.0.1:${gateway.statusPort}/status.json?children=0`)).json().then((s) => (s as { tree: unknown }).tree));
    t.is(treeAfter, treeBefore, 'no process of the tree was restarted');
  } finally {
    for (const ws of sockets) ws.terminate();
    await gateway.stop();
  }
});
