// An SMSC that is down when the gateway starts does not hold up SIP: a MESSAGE is answered 202 and
// stored, and submitted once the SMSC comes up and the bind is made.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { parseMessage } from '@switchboard/sip';
import { McSimulator } from '@switchboard/smpp';
import { loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer, freePort } from '@switchboard/test-support';
import { userMessage } from './support/message.js';

test('SMSC down at start: SIP answers, the MESSAGE waits in the outbox and goes out once the SMSC is up', async (t) => {
  const runtime = new Runtime();
  const smscPort = await freePort();
  const sipPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gateway-down-'));
  const gateway = await startGateway(
    runtime,
    loadConfig({ env: { SWITCHBOARD_SIP_PORT: String(sipPort), SWITCHBOARD_SMPP_HOST: '127.0.0.1', SWITCHBOARD_SMPP_PORT: String(smscPort), SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_AUTH_MODE: 'off' } }),
  );
  const user = await UdpPeer.open(parseMessage);
  let smsc: McSimulator | undefined;
  try {
    t.is(gateway.pool.boundCount, 0);
    user.send(userMessage({ fromPort: user.port, sipPort, user: '447700900555', to: '447700900123', callId: 'down-1', body: 'waiting for the SMSC' }), sipPort);
    const answer = await user.next();
    t.is(answer.kind === 'response' ? answer.status : 0, 202);
    t.is(await gateway.store.countOutbound(), 1);
    smsc = await McSimulator.start(runtime, { port: smscPort, credentials: { gateway: 'secret' } });
    for (let i = 0; i < 1000 && smsc.submitted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    t.is((smsc.submitted[0]?.pdu as { short_message: Buffer } | undefined)?.short_message.toString(), 'waiting for the SMSC');
    // the stored MESSAGE is removed once submit_sm_resp is back, a moment after the SMSC saw it
    for (let i = 0; i < 1000 && (await gateway.store.countOutbound()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    t.is(await gateway.store.countOutbound(), 0);
  } finally {
    user.close();
    await gateway.stop();
    await smsc?.close({ timeout: 200 });
  }
});

test('stopped while its SMSC is still down: the bind stops retrying and nothing of the gateway is left running', async (t) => {
  const runtime = new Runtime();
  const dir = mkdtempSync(join(tmpdir(), 'gateway-down-'));
  const gateway = await startGateway(
    runtime,
    loadConfig({ env: { SWITCHBOARD_SIP_PORT: String(await freePort()), SWITCHBOARD_SMPP_HOST: '127.0.0.1', SWITCHBOARD_SMPP_PORT: String(await freePort()), SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_AUTH_MODE: 'off' } }),
  );
  t.is(gateway.pool.boundCount, 0);
  await gateway.stop();
  // the reconnect loop's supervisor and its session were processes of this runtime
  t.is(runtime.processCount, 0);
});
