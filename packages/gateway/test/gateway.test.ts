// The gateway end to end, with peers nobody here wrote: sipsak registers a user, sipp sends
// MESSAGEs that reach the embedded SMSC as submit_sm (answered 202), a mobile-originated deliver_sm
// reaches the user's contact as a MESSAGE, the SMSC's receipt of a user's message comes back to
// them as an RFC 5438 delivery notification, and a deliver_sm for a user who is away is stored, survives a
// restart of the gateway, and is delivered when the user registers.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { createResponse, parseMessage, serializeMessage as serialize, type SipMessage, type SipRequest } from '@switchboard/sip';
import { loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer, request, freePort, haveSipp, runSipp } from '@switchboard/test-support';
import { bound } from './support/gateway.js';
import { userMessage } from './support/message.js';

const scenario = fileURLToPath(new URL('../scenarios/message.xml', import.meta.url));


function sipsak(args: string[]): Promise<number | null> {
  return new Promise((resolve) => spawn('sipsak', args, { stdio: 'ignore' }).on('exit', resolve));
}

/** Answers the next MESSAGE the peer receives with 200 and returns it. */
async function answerMessage(peer: UdpPeer<SipMessage>): Promise<SipRequest> {
  const message = (await peer.next()) as SipRequest;
  const via = message.topVia!;
  peer.sendBytes(Buffer.from(serialize(createResponse(message, 200))), via.port ?? 5060, '127.0.0.1');
  return message;
}


(haveSipp ? test.serial : test.skip)('SIP → SMPP and back: sipsak and sipp REGISTER, sipp MESSAGEs → submit_sm → 202, deliver_sm → MESSAGE to the contact, receipt → IMDN; stored MO survives a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-'));
  const sipPort = await freePort();
  const env = { SWITCHBOARD_SIP_PORT: String(sipPort), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_AUTH_MODE: 'off' };
  let gateway = await startGateway(new Runtime(), loadConfig({ env }));
  await bound(gateway);
  const alice = await UdpPeer.open(parseMessage);
  try {
    t.is(await sipsak(['-U', '-C', `sip:447700900555@127.0.0.1:${alice.port}`, '-s', `sip:447700900555@127.0.0.1:${sipPort}`, '-x', '300', '-i']), 0, 'sipsak registered');
    t.is(await gateway.store.countBindings(Date.now()), 1);
    const sippRegister = await runSipp(['-sf', fileURLToPath(new URL('../scenarios/register.xml', import.meta.url)), '-s', '447700900666', `127.0.0.1:${sipPort}`, '-i', '127.0.0.1', '-p', String(await freePort()), '-m', '1']).done;
    t.is(sippRegister.status, 0, sippRegister.output.slice(-1500));
    t.is(await gateway.store.countBindings(Date.now()), 2, 'sipp registered too');

    const run = await runSipp(['-sf', scenario, '-set', 'user', 'alice', '-s', '447700900123', `127.0.0.1:${sipPort}`, '-i', '127.0.0.1', '-p', String(await freePort()), '-m', '5', '-r', '10']).done;
    t.is(run.status, 0, run.output.slice(-2000));
    const submitted = gateway.simulator!.submitted;
    t.is(submitted.length, 5);
    const first = submitted[0]!.pdu as { destination_addr: string; short_message: Buffer; registered_delivery: number };
    t.is(first.destination_addr, '447700900123');
    t.regex(first.short_message.toString('latin1'), /^Hello from sipp, message \d+\r\n$/);
    t.is(first.registered_delivery, 1);

    // Mobile originated, for a registered user: a MESSAGE to the contact.
    gateway.simulator!.deliver('gateway', { source_addr: '447700900999', destination_addr: '447700900555', short_message: Buffer.from('Hi alice') });
    const mo = await answerMessage(alice);
    t.is(mo.method, 'MESSAGE');
    t.is(mo.body.toString(), 'Hi alice');
    t.regex(mo.headers.get('From')!, /447700900999/);
    const alicePending = async () => (await gateway.store.pendingFor('sip:447700900555@switchboard.local')).length;
    for (let i = 0; i < 100 && (await alicePending()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    t.is(await alicePending(), 0, 'delivered, so no longer stored');

    // A MESSAGE from the registered user: 202, then the SMSC's receipt comes back to them as an IMDN.
    alice.send(userMessage({ fromPort: alice.port, sipPort, user: '447700900555', to: '447700900123', callId: 'alice-msg-1', body: 'Are you there?' }), sipPort);
    const accepted = await alice.next();
    t.is(accepted.kind === 'response' ? accepted.status : 0, 202);
    const notification = await answerMessage(alice);
    t.is(notification.headers.get('Content-Type'), 'message/imdn+xml');
    t.is(notification.headers.get('Content-Disposition'), 'notification');
    const imdn = notification.body.toString();
    t.regex(imdn, /<message-id>alice-msg-1<\/message-id>/);
    t.regex(imdn, /<delivered\/>/);
    t.regex(imdn, /<recipient-uri>sip:447700900123@switchboard.local<\/recipient-uri>/);

    // The status page: JSON for tools, HTML for people; MO texts and notifications counted apart.
    for (let i = 0; i < 100 && gateway.pool.counters.notificationsDelivered === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const json = (await (await fetch(`http://127.0.0.1:${gateway.statusPort}/status.json`)).json()) as { registrations: number; counters: { accepted: number; moDelivered: number; notificationsDelivered: number }; smpp: { binds: { bindState: string }[] }; tree: { id: string; children: { id: string }[] } };
    t.is(json.registrations, 2);
    t.true(json.counters.accepted >= 6);
    t.like(json.counters, { moDelivered: 1, notificationsDelivered: 1 });
    t.is(json.smpp.binds[0]!.bindState, 'BOUND_TRX');
    t.deepEqual(json.tree.children.map((c) => c.id), ['routing-poll', 'http', 'registration-sweep', 'status', 'sip', 'connectors', 'bind-0', 'cluster', 'smsc', 'webhooks', 'store'], 'one tree for the whole gateway, in whichChildren order (OTP: the child started last first)');
    t.deepEqual((json.tree.children.find((c) => c.id === 'sip') as unknown as { children: { id: string }[] }).children.map((c) => c.id), ['tcp-1', 'udp-0', 'core', 'connections', 'transactions']);
    const html = await (await fetch(`http://127.0.0.1:${gateway.statusPort}/`)).text();
    t.regex(html, /<td class="up">BOUND_TRX<\/td>/);
    // Prometheus metrics on the same listener: what just happened, counted.
    const exposition = await (await fetch(`http://127.0.0.1:${gateway.statusPort}/metrics`)).text();
    const sample = (pattern: RegExp): number => Number(pattern.exec(exposition)?.[1] ?? NaN);
    t.true(sample(/^switchboard_messages_in_total\{channel="sip",outcome="accepted"\} (\d+)$/m) >= 6, exposition);
    t.true(sample(/^switchboard_smpp_submit_sm_total\{connector="smsc",command_status="ESME_ROK"\} (\d+)$/m) >= 6);
    t.is(sample(/^switchboard_smpp_deliver_sm_total\{connector="smsc",kind="mo"\} (\d+)$/m), 1);
    t.is(sample(/^switchboard_smpp_bind_up\{connector="smsc",bind="0"\} (\d+)$/m), 1);
    t.is(sample(/^switchboard_sip_registrations (\d+)$/m), 2);
    t.true(sample(/^switchboard_receipts_total\{connector="smsc",state="DELIVERED"\} (\d+)$/m) >= 1);

    // A long text outside GSM 7-bit: UCS-2, split into concatenated parts with a UDH.
    const long = 'Привет! '.repeat(20);
    const before = gateway.simulator!.submitted.length;
    alice.send(userMessage({ fromPort: alice.port, sipPort, user: '447700900555', to: '447700900124', callId: 'alice-long-1', body: long, contentType: 'text/plain;charset=UTF-8' }), sipPort);
    const longAccepted = await alice.next();
    t.is(longAccepted.kind === 'response' ? longAccepted.status : 0, 202);
    const parts = gateway.simulator!.submitted.slice(before).map((m) => m.pdu as { data_coding: number; esm_class: number; destination_addr: string });
    t.is(parts.length, 3, '160 UCS-2 characters: three parts of at most 67');
    t.true(parts.every((p) => p.data_coding === 8 && (p.esm_class & 0x40) !== 0 && p.destination_addr === '447700900124'));
    await answerMessage(alice); // its delivery notification

    // For a user who is away: stored, kept across a restart, delivered on REGISTER.
    gateway.simulator!.deliver('gateway', { source_addr: '447700900999', destination_addr: '447700900777', short_message: Buffer.from('Call me') });
    const bobPending = async () => (await gateway.store.pendingFor('sip:447700900777@switchboard.local')).length;
    for (let i = 0; i < 200 && (await bobPending()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    t.is(await bobPending(), 1);
    await gateway.stop();
    gateway = await startGateway(new Runtime(), loadConfig({ env }));
    await bound(gateway);
    t.is(await bobPending(), 1, 'the stored message survived the restart');
    const bob = await UdpPeer.open(parseMessage);
    bob.send(
      request([
        `REGISTER sip:127.0.0.1:${sipPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${bob.port};branch=z9hG4bKbobreg`,
        'From: <sip:447700900777@switchboard.local>;tag=b',
        'To: <sip:447700900777@switchboard.local>',
        'Call-ID: bob-reg',
        'CSeq: 1 REGISTER',
        `Contact: <sip:447700900777@127.0.0.1:${bob.port}>`,
        'Expires: 600',
      ]),
      sipPort,
    );
    // The 200 and the stored MESSAGE it releases race to bob.
    const arrived = [await bob.next(), await bob.next()];
    const registered = arrived.find((m) => m.kind === 'response');
    t.is(registered?.kind === 'response' ? registered.status : 0, 200);
    const stored = arrived.find((m): m is SipRequest => m.kind === 'request')!;
    bob.sendBytes(Buffer.from(serialize(createResponse(stored, 200))), stored.topVia!.port ?? 5060, '127.0.0.1');
    t.is(stored.body.toString(), 'Call me');
    for (let i = 0; i < 100 && (await bobPending()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    t.is(await bobPending(), 0);
    bob.close();
  } finally {
    alice.close();
    await gateway.stop();
  }
});
