// Net::SMPP (Perl, Debian's libnet-smpp-perl) as the gateway's SMSC instead of the embedded
// simulator: a user's MESSAGE reaches it as submit_sm and is answered 202; its own deliver_sm
// reaches the user as a MESSAGE and is acknowledged; the gateway unbinds when it stops.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { createResponse, serializeMessage, type SipRequest, parseMessage } from '@switchboard/sip';
import { loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer, request, freePort, runPeer } from '@switchboard/test-support';

const haveNetSmpp = spawnSync('perl', ['-MNet::SMPP', '-e', '1']).status === 0;
const script = fileURLToPath(new URL('./net-smpp-smsc.pl', import.meta.url));

(haveNetSmpp ? test : test.skip)('Net::SMPP as the SMSC: MESSAGE → submit_sm → 202; its deliver_sm → MESSAGE → deliver_sm_resp 0; unbind at stop', async (t) => {
  const smscPort = await freePort();
  const perl = runPeer('perl', [script, String(smscPort)]);
  t.teardown(() => perl.kill());
  await perl.waitFor(/^listening$/);
  const dir = mkdtempSync(join(tmpdir(), 'gateway-perl-'));
  const sipPort = await freePort();
  const gateway = await startGateway(
    new Runtime(),
    loadConfig({ env: { SWITCHBOARD_SIP_PORT: String(sipPort), SWITCHBOARD_SMPP_HOST: '127.0.0.1', SWITCHBOARD_SMPP_PORT: String(smscPort), SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_AUTH_MODE: 'off' } }),
  );
  const user = await UdpPeer.open(parseMessage);
  try {
    await perl.waitFor(/^bound gateway$/);
    for (let i = 0; i < 500 && gateway.pool.boundCount === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const line = (method: string, seq: number, extra: string[]) =>
      request([
        `${method} sip:${method === 'REGISTER' ? '' : '+447700900123@'}127.0.0.1:${sipPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${user.port};branch=z9hG4bKperl${seq}`,
        'From: <sip:447700900555@switchboard.local>;tag=u',
        `To: <sip:${method === 'REGISTER' ? '447700900555' : '+447700900123'}@switchboard.local>`,
        `Call-ID: perl-${method}`,
        `CSeq: ${seq} ${method}`,
        ...extra,
      ]);
    user.send(line('REGISTER', 1, [`Contact: <sip:447700900555@127.0.0.1:${user.port}>`, 'Expires: 600']), sipPort);
    const registered = await user.next();
    t.is(registered.kind === 'response' ? registered.status : 0, 200);
    user.send(line('MESSAGE', 2, ['Content-Type: text/plain']).replace('Content-Length: 0\r\n\r\n', `Content-Length: 11\r\n\r\nHello perl!`), sipPort);
    // The 202 and Net::SMPP's own deliver_sm (sent right after its submit_sm_resp) race to the user.
    const arrived = [await user.next(), await user.next()];
    const accepted = arrived.find((m) => m.kind === 'response');
    t.is(accepted?.kind === 'response' ? accepted.status : 0, 202);
    t.is(await perl.waitFor(/^submit /), 'submit 447700900123 ton=1 Hello perl!', 'the + made it an international number');
    const mo = arrived.find((m): m is SipRequest => m.kind === 'request')!;
    t.is(mo.method, 'MESSAGE');
    t.is(mo.body.toString(), 'MO via Net::SMPP');
    user.sendBytes(serializeMessage(createResponse(mo, 200)), mo.topVia!.port!, '127.0.0.1');
    t.is(await perl.waitFor(/^deliver_sm_resp/), 'deliver_sm_resp status 0');
  } finally {
    user.close();
    await gateway.stop();
  }
  await perl.waitFor(/^done$/);
  t.is(await perl.exit(), 0);
});
