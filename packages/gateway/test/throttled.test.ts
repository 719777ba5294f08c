// An SMSC that throttles (ESME_RTHROTTLED) or whose queue is full (ESME_RMSGQFUL) is asking for
// time, not refusing the message: the MESSAGE is kept in the outbox, answered 202, and goes out
// once the SMSC takes it. Found by the scaling bench: a drain of 100,000 stored MESSAGEs dropped
// everything past the simulator's 10,000 pending receipts, after those had been answered 202.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { parseMessage } from '@switchboard/sip';
import { CommandStatus, McSimulator } from '@switchboard/smpp';
import { loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer, freePort } from '@switchboard/test-support';
import { bound } from './support/gateway.js';
import { userMessage } from './support/message.js';

test('a throttled submit keeps the MESSAGE (202) and it goes out once the SMSC takes it', async (t) => {
  const runtime = new Runtime({ reports: false });
  const smsc = await McSimulator.start(runtime, { credentials: { gateway: 'secret' }, receiptDelay: 3_600_000 });
  const sipPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gateway-throttled-'));
  const gateway = await startGateway(
    runtime,
    loadConfig({ env: { SWITCHBOARD_SIP_PORT: String(sipPort), SWITCHBOARD_SMPP_HOST: '127.0.0.1', SWITCHBOARD_SMPP_PORT: String(smsc.port), SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_AUTH_MODE: 'off' } }),
  );
  const user = await UdpPeer.open(parseMessage);
  try {
    await bound(gateway);
    smsc.inject({ status: CommandStatus.ESME_RTHROTTLED, count: 1 });
    smsc.inject({ status: CommandStatus.ESME_RMSGQFUL, count: 1 });
    user.send(userMessage({ fromPort: user.port, sipPort, user: '447700900555', to: '447700900123', callId: 'throttled-1', body: 'slow down' }), sipPort);
    const answer = await user.next();
    t.is(answer.kind === 'response' ? answer.status : 0, 202, 'kept for later, not refused');
    const arrived = (): boolean => smsc.submitted.some((s) => s.pdu.command === 'submit_sm' && s.pdu.short_message.toString('latin1').includes('slow down'));
    for (let i = 0; i < 100 && !arrived(); i++) await new Promise((r) => setTimeout(r, 50));
    t.true(arrived(), 'submitted once the SMSC took it');
    for (let i = 0; i < 100 && (await gateway.store.countOutbound()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    t.is(await gateway.store.countOutbound(), 0);
  } finally {
    user.close();
    await gateway.stop();
    await smsc.close({ timeout: 200 });
  }
});
