// Kamailio (Debian's kamailio), a proxy nobody here wrote, between sipp's uac and our example UAS:
// every call completes through it (INVITE and BYE relayed statefully, the 2xx ACK statelessly).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { exampleUas, newUasCounters, startStack, parseMessage } from '@switchboard/sip';
import { freePort, haveSipp, runSipp, UdpPeer, request } from '@switchboard/test-support';

const haveKamailio = spawnSync('kamailio', ['-v']).error === undefined;
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

/**
 * One UDP worker: with two, Kamailio relayed our 180 and 200 in different processes, and the 180
 * sometimes reached sipp after the 200, which sipp's uac scenario counts as a failed call.
 */
function config(port: number, uasPort: number): string {
  return `#!KAMAILIO
debug=1
log_stderror=yes
children=1
listen=udp:127.0.0.1:${port}
mpath="${MODULES}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "maxfwd.so"
loadmodule "pv.so"
loadmodule "siputils.so"
loadmodule "textops.so"
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  $du = "sip:127.0.0.1:${uasPort}";
  if (!t_relay()) sl_reply_error();
}
`;
}

(haveSipp && haveKamailio ? test : test.skip)('sipp uac → Kamailio → our UAS: 100 calls complete', async (t) => {
  const counters = newUasCounters();
  const uasPort = await freePort();
  const stack = await startStack(new Runtime(), { listen: [{ transport: 'udp', port: uasPort }], core: exampleUas(counters) });
  const proxyPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kamailio-'));
  const file = join(dir, 'k.cfg');
  writeFileSync(file, config(proxyPort, uasPort));
  const check = spawnSync('kamailio', ['-c', '-f', file], { encoding: 'utf8' });
  t.is(check.status, 0, check.stderr);
  const proxy = spawn('kamailio', ['-f', file, '-DD', '-E', '-m', '64', '-M', '8', '-P', join(dir, 'k.pid'), '-Y', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proxy.stderr.on('data', (d: Buffer) => (log += d.toString()));
  try {
    // Kamailio is up once it relays an OPTIONS and the answer comes back (sipp counts an ICMP
    // port-unreachable on its first INVITE as a failed call, so it starts only then).
    const probe = await UdpPeer.open(parseMessage);
    for (let i = 0; ; i++) {
      probe.send(request([`OPTIONS sip:uas@127.0.0.1:${proxyPort} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${probe.port};branch=z9hG4bKprobe${i}`, 'From: <sip:probe@127.0.0.1>;tag=p', 'To: <sip:uas@127.0.0.1>', `Call-ID: probe-${i}`, 'CSeq: 1 OPTIONS', 'Max-Forwards: 70']), proxyPort);
      try {
        await probe.next(200);
        break;
      } catch (error) {
        if (i === 50) throw error;
      }
    }
    probe.close();
    const sippPort = await freePort();
    const run = await runSipp(['-sn', 'uac', `127.0.0.1:${proxyPort}`, '-i', '127.0.0.1', '-p', String(sippPort), '-m', '100', '-r', '50']).done;
    t.is(run.status, 0, `${run.output.slice(-5000)}\n${log.slice(-1500)}`);
    t.is(run.successful, 100);
    t.is(counters.invites, 100);
    t.is(counters.byes, 100);
    t.true(counters.acks >= 100);
  } finally {
    proxy.kill('SIGTERM');
    await stack.stop();
  }
});
