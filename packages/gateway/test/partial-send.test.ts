// A long MESSAGE some of whose SMS parts the SMSC refuses: the sender gets the answer the status
// mapping gives the refusal, the counters say it was sent in part, and the accepted parts' first
// message_id is kept so that its delivery receipt still reaches the sender.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { parseMessage } from '@switchboard/sip';
import { CommandStatus, McSimulator } from '@switchboard/smpp';
import { canonicalMessageId, loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer, freePort } from '@switchboard/test-support';
import { bound } from './support/gateway.js';
import { userMessage } from './support/message.js';

test('one refused part of three: 502 for the MESSAGE, the accepted ids kept for the receipt', async (t) => {
  const runtime = new Runtime();
  const smsc = await McSimulator.start(runtime, { credentials: { gateway: 'secret' }, receiptDelay: 3_600_000 });
  const sipPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gateway-partial-'));
  const gateway = await startGateway(
    runtime,
    loadConfig({ env: { SWITCHBOARD_SIP_PORT: String(sipPort), SWITCHBOARD_SMPP_HOST: '127.0.0.1', SWITCHBOARD_SMPP_PORT: String(smsc.port), SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_AUTH_MODE: 'off' } }),
  );
  const user = await UdpPeer.open(parseMessage);
  try {
    await bound(gateway);
    smsc.inject({ status: CommandStatus.ESME_RSYSERR, count: 1 }); // the first part to arrive
    const body = 'The quick brown fox jumps over the lazy dog. '.repeat(9); // 405 GSM characters: three parts
    user.send(userMessage({ fromPort: user.port, sipPort, user: '447700900555', to: '447700900123', callId: 'partial-1', body }), sipPort);
    const answer = await user.next();
    t.is(answer.kind === 'response' ? answer.status : 0, 502);
    t.is(smsc.submitted.length, 2);
    t.like(gateway.pool.counters, { submitted: 1, accepted: 0, refused: 1, partlyAccepted: 1 });
    const first = smsc.submitted[0]!.messageId;
    t.like(await gateway.store.takeSent(canonicalMessageId(first), 'smsc'), { senderAor: 'sip:447700900555@switchboard.local', recipient: '447700900123', sipMessageId: 'partial-1' });
    t.is(await gateway.store.countOutbound(), 0, 'refused: not sent again');
  } finally {
    user.close();
    await gateway.stop();
    await smsc.close({ timeout: 200 });
  }
});
