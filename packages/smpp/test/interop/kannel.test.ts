// Kannel (Debian kannel: bearerbox + smsbox) as an ESME against our MC: a message sent through its
// sendsms HTTP interface arrives as submit_sm; our receipt comes back to it as a DLR; a message we
// deliver reaches its sms-service URL.
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime } from '@switchboard/actor';
import { McSimulator } from '@switchboard/smpp';
import { until } from '../support/sessions.js';
import { freePorts, runPeer, type Peer } from '@switchboard/test-support';

function kannelConfig(ports: { admin: number; smsbox: number; sendsms: number; mc: number; http: number }, dir: string): string {
  return `group = core
admin-port = ${ports.admin}
admin-password = x
smsbox-port = ${ports.smsbox}
box-allow-ip = 127.0.0.1
dlr-storage = internal
log-file = "${dir}/bearerbox.log"
log-level = 1

group = smsc
smsc = smpp
smsc-id = sim
host = 127.0.0.1
port = ${ports.mc}
transceiver-mode = true
smsc-username = kannel
smsc-password = secret
system-type = "VMA"
interface-version = 34
enquire-link-interval = 5
max-pending-submits = 10
msg-id-type = 0x01
reconnect-delay = 1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${ports.smsbox}
sendsms-port = ${ports.sendsms}
log-file = "${dir}/smsbox.log"
log-level = 1

group = sendsms-user
username = t
password = p

group = sms-service
keyword = default
get-url = "http://127.0.0.1:${ports.http}/mo?from=%p&to=%P&text=%a"
max-messages = 0
`;
}

/** Whether something on 127.0.0.1 accepts a TCP connection on `port` (the probe is closed at once). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ port, host: '127.0.0.1' });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** The last lines of a Kannel log, for a failure's message. */
function logTail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '(none)';
}

test('Kannel bearerbox as ESME: sendsms arrives as submit_sm, our receipt returns as its DLR, our MO reaches its service', async (t) => {
  const rt = new Runtime();
  const sim = await McSimulator.start(rt, { credentials: { kannel: 'secret' }, receiptDelay: 100 });
  const hits: string[] = [];
  const http = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('ok');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const [admin, smsbox, sendsms] = (await freePorts(3)) as [number, number, number];
  const ports = { admin, smsbox, sendsms, mc: sim.port, http: (http.address() as { port: number }).port };
  const dir = mkdtempSync(join(tmpdir(), 'kannel-'));
  const conf = join(dir, 'kannel.conf');
  writeFileSync(conf, kannelConfig(ports, dir));
  const peers: Peer[] = [];
  try {
    peers.push(runPeer('bearerbox', [conf]));
    await until(() => sim.bound.some((b) => b.systemId === 'kannel' && b.mode === 'transceiver'), 'bearerbox to bind', 15_000);
    // smsbox panics at once ("Couldn't connect to the bearerbox") when bearerbox's box port does
    // not take its connection yet, and bearerbox may bind to the SMSC before it opens that port:
    // seen twice in full-suite runs. Start smsbox once the port takes connections.
    await until(() => accepts(ports.smsbox), "bearerbox's smsbox port", 15_000);
    peers.push(runPeer('smsbox', [conf]));
    // smsbox also panicked once at start-up in a full-suite run ("gwlib/conn.c:199: lock_out:
    // Assertion `conn != NULL' failed"), in 1 of about 20 runs. Debian runs each box under
    // run_kannel_box, which starts a box that exits again: this test does the same, twice at most.
    let smsboxStarts = 1;
    const panics: string[] = [];
    const restartSmsbox = (): void => {
      const box = peers[peers.length - 1]!;
      if (box.child.exitCode === null && box.child.signalCode === null) return;
      if (smsboxStarts === 3) throw new Error(`smsbox exited three times\n${panics.join('\n')}`);
      panics.push(`--- smsbox start ${smsboxStarts} exited (${box.child.exitCode ?? box.child.signalCode}); smsbox.log:\n${logTail(join(dir, 'smsbox.log'))}`);
      t.log(`smsbox exited at start-up (${box.child.exitCode ?? box.child.signalCode}); started again, as run_kannel_box would`);
      peers.push(runPeer('smsbox', [conf]));
      smsboxStarts++;
    };
    const sendsms = `http://127.0.0.1:${ports.sendsms}/cgi-bin/sendsms?username=t&password=p&from=4000&to=447700900123&text=Hello+from+Kannel&dlr-mask=31&dlr-url=${encodeURIComponent(`http://127.0.0.1:${ports.http}/dlr?type=%d&id=%F`)}`;
    // Seen here once under load: a just-started smsbox answered 'Authorization failed for sendsms'
    // to the right credentials, then accepted them. Retry through its start-up.
    let answer = '';
    await until(async () => {
      restartSmsbox();
      answer = await fetch(sendsms).then((r) => r.text(), () => '');
      return answer !== '' && !answer.startsWith('Authorization failed');
    }, 'smsbox to take the message', 15_000).catch((error: Error) => {
      throw new Error(`${error.message}; smsbox last said: ${answer}\n--- smsbox.log\n${logTail(join(dir, 'smsbox.log'))}\n--- bearerbox.log\n${logTail(join(dir, 'bearerbox.log'))}\n--- smsbox's stderr\n${(peers[peers.length - 1]?.stderr.join('') ?? '').split('\n').slice(-25).join('\n')}\n${panics.join('\n')}`);
    });
    t.regex(answer, /Accepted for delivery|Queued for later delivery/);
    await until(() => sim.submitted.length === 1, 'the submit_sm', 15_000);
    const submit = sim.submitted[0]!.pdu;
    t.like(submit, { command: 'submit_sm', source_addr: '4000', destination_addr: '447700900123' });
    t.is(submit.command === 'submit_sm' ? submit.short_message.toString('latin1') : '', 'Hello from Kannel');
    t.true(submit.command === 'submit_sm' && (submit.registered_delivery & 1) === 1, 'Kannel asked for a receipt');
    // Kannel reports 8 (accepted by the SMSC) on submit_sm_resp and 1 (delivered) on our receipt
    await until(() => hits.includes('/dlr?type=1&id=1'), 'the delivery report', 15_000);
    t.true(hits.includes('/dlr?type=8&id=1'));

    t.true(sim.deliver('kannel', { source_addr: '447700900999', destination_addr: '4000', short_message: Buffer.from('reply from a phone') }));
    await until(() => hits.some((h) => h.startsWith('/mo')), 'the MO message at the service URL', 15_000);
    t.is(hits.find((h) => h.startsWith('/mo')), '/mo?from=447700900999&to=4000&text=reply+from+a+phone');
  } finally {
    for (const peer of peers.reverse()) {
      peer.child.kill('SIGTERM');
      await peer.exit(10_000).catch(() => peer.kill());
    }
    await sim.close({ timeout: 1000 });
    await new Promise<void>((resolve) => http.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});
