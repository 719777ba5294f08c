// Dialogs against peers nobody here wrote: sipp's caller with a re-INVITE (test/fixtures/
// dialog-reinvite-uac.xml) against our example UAS, and our example UAC through Kamailio, which
// Record-Routes, to sipp's answering side (dialog-reinvite-uas.xml): the ACKs, the re-INVITE and
// the BYE follow the route set (Kamailio logs each in-dialog request it routes by its Route).
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { exampleUac, exampleUas, formatUri, newUasCounters, startStack, type ExampleUac, type ExampleUas } from '@switchboard/sip';
import { KAMAILIO_MODULES, freePort, haveKamailio, haveSipp, runSipp, startKamailio, type Kamailio } from '@switchboard/test-support';

const SCENARIO = fileURLToPath(new URL('./fixtures/dialog-reinvite-uac.xml', import.meta.url));
const UAS_SCENARIO = fileURLToPath(new URL('./fixtures/dialog-reinvite-uas.xml', import.meta.url));

(haveSipp ? test.serial : test.skip)('sipp (INVITE, 200, ACK, re-INVITE, 200, ACK, BYE, 200) → our example UAS over UDP: 50 calls, every dialog ended', async (t) => {
  const counters = newUasCounters();
  let uas!: ExampleUas;
  const port = await freePort();
  const stack = await startStack(new Runtime(), { listen: [{ transport: 'udp', port }], core: exampleUas(counters, { ready: (core) => (uas = core) }) });
  try {
    const sippPort = await freePort();
    const run = await runSipp(['-sf', SCENARIO, `127.0.0.1:${port}`, '-i', '127.0.0.1', '-p', String(sippPort), '-m', '50', '-r', '25']).done;
    t.is(run.status, 0, run.output.slice(-3000));
    t.is(run.successful, 50);
    t.is(counters.invites, 100, 'an INVITE and a re-INVITE per call');
    t.is(counters.acks, 100);
    t.is(counters.byes, 50);
    t.is(uas.dialogs.size, 0, 'each BYE ended its dialog');
  } finally {
    await stack.stop();
  }
});

/** Kamailio as a Record-Routing proxy: initial requests to sipp, in-dialog ones by their Route. */
function config(port: number, sippPort: number): string {
  return `#!KAMAILIO
debug=1
log_stderror=yes
children=1
listen=udp:127.0.0.1:${port}
mpath="${KAMAILIO_MODULES}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "maxfwd.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "siputils.so"
loadmodule "textops.so"
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("OPTIONS") && !has_totag()) { sl_send_reply("200", "OK"); exit; }
  if (has_totag()) {
    if (loose_route()) {
      xlog("L_ERR", "ROUTED $rm $ru\\n");
      if (!t_relay()) sl_reply_error();
      exit;
    }
    xlog("L_ERR", "UNROUTED $rm $ru\\n");
    sl_send_reply("404", "Not Routed");
    exit;
  }
  record_route();
  $du = "sip:127.0.0.1:${sippPort}";
  if (!t_relay()) sl_reply_error();
}
`;
}

(haveSipp && haveKamailio ? test.serial : test.skip)('our UAC → Kamailio (Record-Route) → sipp uas: the ACKs, the re-INVITE and the BYE follow the route set through the proxy', async (t) => {
  const calls = 10;
  const sippPort = await freePort();
  const proxyPort = await freePort();
  const sipp = runSipp(['-sf', UAS_SCENARIO, '-i', '127.0.0.1', '-p', String(sippPort), '-m', String(calls)]);
  let uac!: ExampleUac;
  const port = await freePort();
  const stack = await startStack(new Runtime(), { listen: [{ transport: 'udp', port }], core: exampleUac((core) => (uac = core)) });
  let proxy: Kamailio | undefined;
  try {
    proxy = await startKamailio(config(proxyPort, sippPort), { port: proxyPort });
    // Watch the first call's dialog: its route set is Kamailio's Record-Route.
    let routeSet: string[] = [];
    const original = uac.dialogs.receiveResponse.bind(uac.dialogs);
    uac.dialogs.receiveResponse = (response, sent) => {
      const outcome = original(response, sent);
      if (outcome.outcome === 'ack' && routeSet.length === 0) routeSet = outcome.dialog.routeSet.map((route) => formatUri(route.uri));
      return outcome;
    };
    for (let i = 0; i < calls; i++) t.deepEqual(await uac.call(`sip:service@127.0.0.1:${proxyPort}`, undefined, undefined, { reinvite: true }), { invite: 200, reinvite: 200, bye: 200 });
    const run = await sipp.done;
    const log = proxy.log();
    t.is(run.status, 0, `${run.output.slice(-3000)}\n${log.slice(-1500)}`);
    t.is(routeSet.length, 1);
    t.true(routeSet[0]!.startsWith(`sip:127.0.0.1:${proxyPort};lr`), routeSet[0]); // Kamailio adds its ftag
    const routed = (method: string): number => log.split('\n').filter((line) => line.includes(`ROUTED ${method} `) && !line.includes('UNROUTED')).length;
    t.is(routed('ACK'), 2 * calls, `every ACK (the INVITE's and the re-INVITE's) went through Kamailio by its Route\n${log.slice(-1500)}`);
    t.is(routed('BYE'), calls, 'every BYE too');
    t.is(routed('INVITE'), calls, 'and every re-INVITE');
    t.false(log.includes('UNROUTED'));
    t.is(uac.dialogs.size, 0);
  } finally {
    sipp.kill();
    await proxy?.stop();
    await stack.stop();
  }
});
