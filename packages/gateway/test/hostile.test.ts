// The gateway against hostile SIP input (issue: one datagram must not kill it): a bare CR in a
// header, a header bad only when the core reads it (1,000 in a row, past any restart intensity),
// a MESSAGE needing too many SMS parts, contacts past the per-user limit, a MESSAGE retransmitted
// after a restart, and a status page whose size does not grow with the traffic.
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { parseMessage, type SipMessage, type SipResponse } from '@switchboard/sip';
import { loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer, request } from '@switchboard/test-support';
import { bound, gatewayEnvironment } from './support/gateway.js';
import { userMessage } from './support/message.js';


function environment(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return gatewayEnvironment({ SWITCHBOARD_AUTH_MODE: 'off', ...extra });
}

async function status(peer: UdpPeer<SipMessage>): Promise<number> {
  return ((await peer.next()) as SipResponse).status;
}

test.serial('one bad datagram, or a thousand, is answered 400 and the gateway serves the next MESSAGE', async (t) => {
  const env = await environment();
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  const gateway = await startGateway(new Runtime(), loadConfig({ env }));
  const peer = await UdpPeer.open(parseMessage);
  try {
    await bound(gateway);
    const good = userMessage({ fromPort: peer.port, sipPort, user: '447700900555', to: '447700900123', callId: 'cr-1', body: 'hi' });
    // RFC 3261 §25.1: CR only in CRLF. The parser refuses it, so nothing downstream has to write it back.
    peer.sendBytes(Buffer.from(good.replace('From: <sip:447700900555', 'From: "a\rb" <sip:447700900555'), 'latin1'), sipPort);
    const refused = (await peer.next()) as SipResponse;
    t.is(refused.status, 400);
    t.regex(refused.reason, /bare CR/);
    // Bad only when the core reads it: 1,000 in 2 s crashed the core past its intensity, then the stack.
    for (let i = 0; i < 1000; i++) {
      const bad = userMessage({ fromPort: peer.port, sipPort, user: '447700900555', to: '447700900123', callId: `late-${i}`, body: 'hi', contentType: 'text/' });
      peer.send(bad, sipPort);
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 20)); // keep within the socket buffers
    }
    const answers = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const s = await status(peer);
      answers.set(s, (answers.get(s) ?? 0) + 1);
    }
    t.deepEqual([...answers], [[400, 1000]]);
    peer.send(good, sipPort);
    t.is(await status(peer), 202, 'the same gateway takes a good MESSAGE');
    t.is(gateway.pool.counters.submitted, 1);
  } finally {
    peer.close();
    await gateway.stop();
  }
});

test.serial('a MESSAGE needing more SMS parts than smpp.maxParts is 513 and never reaches the SMSC', async (t) => {
  const env = await environment({ SWITCHBOARD_SMPP_MAX_PARTS: '3' });
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  const gateway = await startGateway(new Runtime(), loadConfig({ env }));
  const peer = await UdpPeer.open(parseMessage);
  try {
    await bound(gateway);
    peer.send(userMessage({ fromPort: peer.port, sipPort, user: '447700900555', to: '447700900123', callId: 'long-1', body: 'x'.repeat(153 * 3) }), sipPort);
    t.is(await status(peer), 202, 'three parts are allowed');
    peer.send(userMessage({ fromPort: peer.port, sipPort, user: '447700900555', to: '447700900123', callId: 'long-2', body: 'x'.repeat(153 * 3 + 1) }), sipPort);
    const tooLong = (await peer.next()) as SipResponse;
    t.is(tooLong.status, 513);
    t.regex(tooLong.reason, /more than 3 SMS parts/);
    t.is(gateway.pool.counters.submitted, 1);
  } finally {
    peer.close();
    await gateway.stop();
  }
});

test.serial('a MESSAGE retransmitted to a restarted gateway is answered again and not submitted twice', async (t) => {
  const env = await environment();
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  let gateway = await startGateway(new Runtime(), loadConfig({ env }));
  const peer = await UdpPeer.open(parseMessage);
  try {
    await bound(gateway);
    const message = userMessage({ fromPort: peer.port, sipPort, user: '447700900555', to: '447700900123', callId: 'dup-1', body: 'once' });
    peer.send(message, sipPort);
    t.is(await status(peer), 202);
    await gateway.stop();
    gateway = await startGateway(new Runtime(), loadConfig({ env }));
    await bound(gateway);
    peer.send(message, sipPort); // the same Call-ID, CSeq and From tag: a retransmission
    t.is(await status(peer), 202);
    peer.send(message.replace('CSeq: 1 MESSAGE', 'CSeq: 2 MESSAGE').replace('branch=z9hG4bKdup-1', 'branch=z9hG4bKdup-2'), sipPort);
    t.is(await status(peer), 202);
    t.is(gateway.pool.counters.submitted, 1, 'only the new CSeq went to the SMSC after the restart');
  } finally {
    peer.close();
    await gateway.stop();
  }
});

test.serial('contacts past sip.maxBindingsPerUser are 403; /status.json lists at most 20 children per supervisor', async (t) => {
  const env = await environment({ SWITCHBOARD_SIP_MAX_BINDINGS_PER_USER: '2' });
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  const gateway = await startGateway(new Runtime(), loadConfig({ env }));
  const peer = await UdpPeer.open(parseMessage);
  const registration = (n: number): string =>
    request([
      `REGISTER sip:127.0.0.1:${sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKreg${n}`,
      `From: <sip:447700900555@switchboard.local>;tag=r${n}`,
      'To: <sip:447700900555@switchboard.local>',
      'Call-ID: reg-flood',
      `CSeq: ${n} REGISTER`,
      `Contact: <sip:447700900555@127.0.0.1:${10_000 + n}>`,
    ]);
  try {
    peer.send(registration(1), sipPort);
    t.is(await status(peer), 200);
    peer.send(registration(2), sipPort);
    t.is(await status(peer), 200);
    peer.send(registration(3), sipPort);
    const over = (await peer.next()) as SipResponse;
    t.is(over.status, 403);
    t.regex(over.reason, /at most 2 contacts/);
    // Live transaction processes are counted, not listed one by one: an INVITE answered 405 and never
    // ACKed keeps its process in Completed until Timer H (an answered OPTIONS is held without one).
    for (let i = 0; i < 60; i++) peer.send(request([`INVITE sip:127.0.0.1:${sipPort} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKinv${i}`, `From: <sip:x@h>;tag=o${i}`, 'To: <sip:y@h>', `Call-ID: inv-${i}`, 'CSeq: 1 INVITE']), sipPort);
    for (let i = 0; i < 60; i++) t.is(await status(peer), 405);
    const json = (await (await fetch(`http://127.0.0.1:${gateway.statusPort}/status.json`)).json()) as { sip: { serverTransactions: number }; tree: unknown };
    t.true(json.sip.serverTransactions >= 60);
    const transactions = findNode(json.tree, 'transactions');
    t.is(transactions?.children?.length, 20);
    t.true((transactions?.omitted ?? 0) >= 40);
  } finally {
    peer.close();
    await gateway.stop();
  }
});

interface Node {
  readonly id: string;
  readonly children?: Node[];
  readonly omitted?: number;
}

function findNode(tree: unknown, id: string): Node | undefined {
  const node = tree as Node;
  if (node.id === id) return node;
  for (const child of node.children ?? []) {
    const found = findNode(child, id);
    if (found !== undefined) return found;
  }
  return undefined;
}
