// Kamailio (Debian's kamailio), a proxy nobody here wrote, between sipp's uac and our example UAS:
// every call completes through it (INVITE and BYE relayed statefully, the 2xx ACK statelessly).
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { exampleUas, newUasCounters, startStack } from '@switchboard/sip';
import { KAMAILIO_MODULES, freePort, haveKamailio, haveSipp, runSipp, startKamailio, type Kamailio } from '@switchboard/test-support';

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
mpath="${KAMAILIO_MODULES}"
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
  // Kamailio is up once it relays an OPTIONS and the answer comes back (sipp counts an ICMP
  // port-unreachable on its first INVITE as a failed call, so it starts only then).
  let proxy: Kamailio | undefined;
  try {
    proxy = await startKamailio(config(proxyPort, uasPort), { port: proxyPort, probeUser: 'uas' });
    const sippPort = await freePort();
    const run = await runSipp(['-sn', 'uac', `127.0.0.1:${proxyPort}`, '-i', '127.0.0.1', '-p', String(sippPort), '-m', '100', '-r', '50']).done;
    t.is(run.status, 0, `${run.output.slice(-5000)}\n${proxy.log().slice(-1500)}`);
    t.is(run.successful, 100);
    t.is(counters.invites, 100);
    t.is(counters.byes, 100);
    t.true(counters.acks >= 100);
  } finally {
    await proxy?.stop();
    await stack.stop();
  }
});
