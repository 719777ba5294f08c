// A long SIP MESSAGE (three SMS parts): a receipt comes for each part, and its sender gets one
// delivery notification, once every part is final: delivered when all were, failed otherwise.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { createResponse, parseMessage, serializeMessage, type SipRequest } from '@switchboard/sip';
import { McSimulator, type MessageStateName } from '@switchboard/smpp';
import { SIP_SENDER_KEY, loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer, freePort } from '@switchboard/test-support';
import { bound } from './support/gateway.js';
import { userMessage } from './support/message.js';
import { userRegistration } from './support/registration.js';

const BODY = 'The quick brown fox jumps over the lazy dog. '.repeat(9); // 405 GSM characters: three parts

async function longMessage(t: import('ava').ExecutionContext, receiptState: MessageStateName): Promise<string> {
  const runtime = new Runtime();
  const smsc = await McSimulator.start(runtime, { credentials: { gateway: 'secret' }, receiptDelay: 100, receiptState });
  const sipPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gateway-long-'));
  const gateway = await startGateway(
    runtime,
    loadConfig({ env: { SWITCHBOARD_SIP_PORT: String(sipPort), SWITCHBOARD_SMPP_HOST: '127.0.0.1', SWITCHBOARD_SMPP_PORT: String(smsc.port), SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_AUTH_MODE: 'off' } }),
  );
  const alice = await UdpPeer.open(parseMessage);
  try {
    await bound(gateway);
    alice.send(userRegistration({ fromPort: alice.port, sipPort, user: '447700900555', callId: 'alice-reg', seq: 1 }), sipPort);
    const registered = await alice.next();
    t.is(registered.kind === 'response' ? registered.status : 0, 200);
    alice.send(userMessage({ fromPort: alice.port, sipPort, user: '447700900555', to: '447700900123', callId: 'long-1', body: BODY }), sipPort);
    const answer = await alice.next();
    t.is(answer.kind === 'response' ? answer.status : 0, 202);
    t.is(smsc.submitted.length, 3);
    // the notification: one MESSAGE, after the three receipts
    const notification = await alice.next(5000);
    if (notification.kind !== 'request') throw new Error('expected the notification MESSAGE');
    t.is(notification.method, 'MESSAGE');
    alice.sendBytes(Buffer.from(serializeMessage(createResponse(notification as SipRequest, 200))), sipPort, '127.0.0.1');
    t.is(smsc.stats.receiptsSent, 3, 'every part had its receipt before the notification');
    const [record] = await gateway.store.api.messagesOf(SIP_SENDER_KEY, 10);
    t.like(record, { clientRef: 'long-1', from: 'sip:447700900555@switchboard.local', to: '447700900123', parts: [{ part: 1 }, { part: 2 }, { part: 3 }] });
    t.true(record!.parts.every((p) => p.receiptState === receiptState), 'each part’s own receipt kept');
    // nothing more comes: one notification for the message
    await t.throwsAsync(alice.next(500));
    return notification.body.toString();
  } finally {
    alice.close();
    await gateway.stop();
    await smsc.close({ timeout: 200 });
  }
}

test('every part delivered: one notification, delivered', async (t) => {
  const imdn = await longMessage(t, 'DELIVERED');
  t.regex(imdn, /<message-id>long-1<\/message-id>/);
  t.regex(imdn, /<delivered\/>/);
});

test('every part undeliverable: one notification, failed', async (t) => {
  const imdn = await longMessage(t, 'UNDELIVERABLE');
  t.regex(imdn, /<failed\/>/);
});
