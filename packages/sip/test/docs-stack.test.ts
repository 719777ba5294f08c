// docs/sip.md's stateless proxy, run as written between our UAC and our UAS.
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { createResponse, exampleUac, exampleUas, newUasCounters, startStack, type CoreFactory, type Destination, type ExampleUac } from '@switchboard/sip';

const proxy = (next: Destination): CoreFactory => (stack) => ({
  receiveRequest(request, transaction) {
    transaction?.terminate();
    const hops = request.headers.first('max-forwards') ?? 70;
    if (hops === 0) return stack.sendResponse(createResponse(request, 483));
    request.headers.set('Max-Forwards', hops - 1);
    void stack.sendRequest(request, { destination: next, stateless: true });
  },
  receiveResponse(response) {
    response.headers.shift('via');
    stack.sendResponse(response);
  },
  receiveError() {},
});

test('docs/sip.md: a call through the stateless proxy completes; the proxy keeps no transaction', async (t) => {
  const runtime = new Runtime();
  const counters = newUasCounters();
  const uas = await startStack(runtime, { listen: [{ transport: 'udp', port: 0 }], core: exampleUas(counters) });
  const relay = await startStack(runtime, { listen: [{ transport: 'udp', port: 0 }], core: proxy({ transport: 'UDP', address: '127.0.0.1', port: uas.listener('UDP')!.port }) });
  let uac!: ExampleUac;
  const client = await startStack(runtime, { listen: [{ transport: 'udp', port: 0 }], core: exampleUac((u) => (uac = u)) });
  t.deepEqual(await uac.call(`sip:uas@127.0.0.1:${relay.listener('UDP')!.port}`), { invite: 200, bye: 200 });
  t.is(counters.invites, 1);
  t.is(counters.byes, 1);
  t.is(relay.stats().clientTransactions, 0);
  await client.stop();
  await relay.stop();
  await uas.stop();
});
