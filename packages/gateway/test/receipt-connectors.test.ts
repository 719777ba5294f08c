// Two SMSCs that number their messages the same way (both count from 1): a receipt is matched only
// against what went through its own connector. Found in review of the receipt lookup order (a SIP
// MESSAGE's record first): without the connector on the record, the second SMSC's receipt for an
// HTTP message took the first SMSC's SIP record, told that SIP sender "delivered" falsely, and left
// the HTTP message waiting for ever.
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { parseMessage } from '@switchboard/sip';
import { McSimulator } from '@switchboard/smpp';
import { createApiKey, loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer } from '@switchboard/test-support';
import { bound, gatewayEnvironment } from './support/gateway.js';
import { apiCaller } from './support/http.js';
import { userMessage } from './support/message.js';
import { until } from './support/wait.js';

const ADMIN = `k_abcdefghijklmnop.${'receipt-connectors-'.padEnd(43, 'z')}`;

test('a receipt from one SMSC never takes the record of a message sent through another with the same message_id', async (t) => {
  const runtime = new Runtime();
  // the configured SMSC holds its receipts back; the other answers at once
  const first = await McSimulator.start(runtime, { credentials: { gateway: 'secret' }, receiptDelay: 3_600_000 });
  const second = await McSimulator.start(runtime, { credentials: { acct: 'pw' }, receiptDelay: 20 });
  const env = await gatewayEnvironment({
    SWITCHBOARD_SMPP_HOST: '127.0.0.1',
    SWITCHBOARD_SMPP_PORT: String(first.port),
    SWITCHBOARD_HTTP_ADMIN_KEY: ADMIN,
    SWITCHBOARD_AUTH_MODE: 'off',
  });
  const sipPort = Number(env['SWITCHBOARD_SIP_PORT']);
  const gateway = await startGateway(runtime, loadConfig({ env }));
  const user = await UdpPeer.open(parseMessage);
  const call = apiCaller(gateway.httpPort);
  try {
    await bound(gateway);
    t.is((await call('PUT', '/v1/admin/connectors/second', ADMIN, { host: '127.0.0.1', port: second.port, systemId: 'acct', password: 'pw' })).status, 201);
    t.is((await call('PUT', '/v1/admin/routes/mt/france', ADMIN, { prefix: '33', targets: [{ connector: 'second' }] })).status, 201);
    await until('the second SMSC bound', () => second.bound.length === 1);

    // a SIP MESSAGE through the configured SMSC: its message_id is 00000001 there
    user.send(userMessage({ fromPort: user.port, sipPort, user: '447700900555', to: '447700900123', callId: 'sip-1', body: 'over SIP' }), sipPort);
    const answer = await user.next();
    t.is(answer.kind === 'response' ? answer.status : 0, 202);
    t.is(first.submitted[0]?.messageId, '00000001');

    // an HTTP message through the second SMSC: 00000001 there too, and its receipt comes at once
    const key = await createApiKey(gateway.store.api, { name: 'shop', now: Date.now() });
    const created = await call('POST', '/v1/messages', key.token, { to: '+33612345678', from: 'Shop', text: 'over HTTP' });
    t.is(created.status, 202, JSON.stringify(created.json));
    await until('the HTTP message at the second SMSC', () => second.submitted.length === 1);
    t.is(second.submitted[0]?.messageId, '00000001');
    await until('the HTTP message delivered', async () => (await call('GET', `/v1/messages/${String(created.json.id)}`, key.token)).json.state === 'delivered');

    // the SIP MESSAGE's record still waits for its own SMSC's receipt
    t.like(await gateway.store.takeSent('1', 'smsc'), { sipMessageId: 'sip-1', senderAor: 'sip:447700900555@switchboard.local', connector: 'smsc' });
  } finally {
    user.close();
    await gateway.stop();
    await first.close();
    await second.close();
  }
});
