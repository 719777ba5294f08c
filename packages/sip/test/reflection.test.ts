// Reflection and amplification (RFC 3261 §18.2.1, §18.2.2, RFC 3581 §4): a request whose top Via
// claims `received`, an `rport` value or a unicast `maddr` of the sender's choosing has its
// responses sent where it really came from, and nothing reaches the claimed address. On loopback:
// the decoys listen on 127.0.0.2 and on other ports of 127.0.0.1.
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import { createResponse, paramValue, parseMessage, startStack, type Core, type SipMessage, type SipRequest, type SipResponse } from '@switchboard/sip';
import { UdpPeer, request } from '@switchboard/test-support';
import { stampReceived } from '../src/transport/received.js';
import { isMulticast, responseTarget } from '../src/transport/response-target.js';

/** Answers every request 200 (a REGISTER's answer is what an attacker would have reflected). */
const answering = (): Core => ({
  receiveRequest: (r, tx) => tx?.respond(createResponse(r, 200)),
  receiveResponse: () => {},
  receiveError: () => {},
});

async function decoy(host: string, port = 0): Promise<{ socket: Socket; got: Buffer[]; port: number }> {
  const socket = createSocket('udp4');
  const got: Buffer[] = [];
  socket.on('message', (bytes) => got.push(bytes));
  socket.bind(port, host);
  await once(socket, 'listening');
  return { socket, got, port: socket.address().port };
}

function options(stackPort: number, via: string, branch: string): string {
  return request([
    `OPTIONS sip:uas@127.0.0.1:${stackPort} SIP/2.0`,
    `Via: SIP/2.0/UDP ${via};branch=${branch}`,
    'From: <sip:attacker@127.0.0.1>;tag=a1',
    'To: <sip:uas@127.0.0.1>',
    `Call-ID: reflect-${branch}`,
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
  ]);
}

test('a Via claiming received, an rport value or a unicast maddr gets its response at the real source, and nothing goes to the claimed address', async (t) => {
  const runtime = new Runtime({ clock: new VirtualClock() });
  const stack = await startStack(runtime, { listen: [{ transport: 'udp', port: 0 }], core: answering });
  const port = stack.listener('UDP')!.port;
  const peer = await UdpPeer.open<SipMessage>((b) => parseMessage(b));
  // another host at the peer's own port, another port on another host, another port on the peer's host
  const samePortElsewhere = await decoy('127.0.0.2', peer.port);
  const elsewhere = await decoy('127.0.0.2');
  const otherPort = await decoy('127.0.0.1');
  t.teardown(async () => {
    for (const d of [samePortElsewhere, elsewhere, otherPort]) d.socket.close(() => {});
    peer.close();
    await stack.stop();
  });
  const me = `127.0.0.1:${peer.port}`;
  const cases: [string, string][] = [
    ['z9hG4bKrefl1', `${me};received=127.0.0.2;rport=${elsewhere.port}`],
    ['z9hG4bKrefl2', `${me};received=127.0.0.2`],
    ['z9hG4bKrefl3', `${me};rport=${otherPort.port}`],
    ['z9hG4bKrefl4', `${me};maddr=127.0.0.2`],
    ['z9hG4bKrefl5', `${me};rport;received=127.0.0.2;received=127.0.0.3`],
  ];
  for (const [branch, via] of cases) {
    peer.send(options(port, via, branch), port);
    const response = (await peer.next()) as SipResponse;
    t.is(response.status, 200, branch);
    const top = response.topVia!;
    t.is(paramValue(top.params, 'branch'), branch);
    const received = paramValue(top.params, 'received');
    const rport = paramValue(top.params, 'rport');
    if (rport !== undefined) {
      // RFC 3581 §4: rport asked for (bare or not): the real port, and received with it
      t.is(rport, String(peer.port), `${branch}: rport is the source port`);
      t.is(received, '127.0.0.1', `${branch}: received is the source address`);
    } else {
      // §18.2.1: sent-by is the source address, so no received at all
      t.is(received, undefined, `${branch}: the sender's received is gone`);
    }
    t.is(response.headers.getAll('Via').length, 1);
    t.false(/received=127\.0\.0\.[23]/.test(response.headers.getAll('Via')[0]!), `${branch}: the claimed address is not echoed as received`);
  }
  // A marker from the peer to each decoy queues behind anything the stack sent them before.
  for (const d of [samePortElsewhere, elsewhere, otherPort]) {
    const marker = once(d.socket, 'message');
    peer.sendBytes(Buffer.from('marker'), d.port, d.socket.address().address);
    await marker;
    t.deepEqual(
      d.got.map((b) => b.toString()),
      ['marker'],
      `nothing but the marker reached ${d.socket.address().address}:${d.port}`,
    );
  }
});

const source = { transport: 'UDP' as const, address: '192.0.2.7', port: 40_000, connection: null };

function received(via: string): SipRequest {
  return parseMessage(Buffer.from(options(5060, via, 'z9hG4bKunit'))) as SipRequest;
}

test('stampReceived: what the sender wrote in received and rport is replaced by the source', (t) => {
  const forged = received('192.0.2.7:5060;received=198.51.100.1;rport=9');
  const via = stampReceived(forged, source)!;
  t.is(paramValue(via.params, 'received'), '192.0.2.7');
  t.is(paramValue(via.params, 'rport'), '40000');
  t.is(forged.topVia, via);
  // sent-by is the source and no rport: a claimed received is removed, not kept
  const removed = stampReceived(received('192.0.2.7:5060;received=198.51.100.1'), source)!;
  t.is(paramValue(removed.params, 'received'), undefined);
  // sent-by is a name: received is added
  t.is(paramValue(stampReceived(received('pc.example.com'), source)!.params, 'received'), '192.0.2.7');
  // nothing to do: left alone, no copy
  t.is(stampReceived(received('192.0.2.7:5060'), source), undefined);
});

test('responseTarget: the source decides; maddr only when it is a multicast group', (t) => {
  const target = (via: string) => {
    const request = received(via);
    stampReceived(request, source);
    return responseTarget(request.topVia!, source);
  };
  t.like(target('192.0.2.7:5070;received=198.51.100.1;rport=9'), { address: '192.0.2.7', port: 40_000 });
  t.like(target('192.0.2.7:5070;received=198.51.100.1'), { address: '192.0.2.7', port: 5070 });
  t.like(target('192.0.2.7:5070;maddr=198.51.100.1'), { address: '192.0.2.7', port: 5070 });
  t.like(target('192.0.2.7:5070;maddr=239.255.255.250;ttl=1'), { address: '239.255.255.250', port: 5070 });
  t.true(isMulticast('224.0.1.75'));
  t.true(isMulticast('ff02::1'));
  t.false(isMulticast('240.0.0.1'));
  t.false(isMulticast('127.0.0.2'));
  t.false(isMulticast('fe80::1'));
});
