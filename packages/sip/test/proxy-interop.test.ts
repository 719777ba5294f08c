// The stateful proxy between real peers: sipp's uac and uas through it (calls with Record-Route,
// the ACK and BYE through the proxy), a sipp UAC that cancels while ringing, forking to a sipp UAS
// that is busy and one that answers, and chains with Kamailio (sipp → ours → Kamailio → sipp, and
// our UAC → ours → Kamailio → our UAS with a re-INVITE).
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { createResponse, exampleUac, exampleUas, newUasCounters, paramValue, parseUri, startStack, statefulProxy, type Core, type ExampleUac, type ProxyTarget, type ServerTransaction, type SipStack } from '@switchboard/sip';
import { KAMAILIO_MODULES, freePort, haveKamailio, haveSipp, runSipp, startKamailio, type Kamailio } from '@switchboard/test-support';

const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const target = (port: number): ProxyTarget => ({ uri: parseUri(`sip:uas@127.0.0.1:${port}`) });

/** A sipp UAS (built-in or a scenario file) on a free port, for `calls` calls. */
async function sippUas(calls: number, scenario: string[] = ['-sn', 'uas']): Promise<{ port: number; run: ReturnType<typeof runSipp> }> {
  const port = await freePort();
  return { port, run: runSipp([...scenario, '-i', '127.0.0.1', '-p', String(port), '-m', String(calls)]) };
}

async function proxyStack(locate: Parameters<typeof statefulProxy>[0]): Promise<{ stack: SipStack; port: number }> {
  const port = await freePort();
  const stack = await startStack(new Runtime(), { listen: [{ transport: 'udp', port }], core: statefulProxy(locate) });
  return { stack, port };
}

async function uac(proxyPort: number, calls: number, scenario: string[] = ['-sn', 'uac']) {
  return runSipp([...scenario, `127.0.0.1:${proxyPort}`, '-i', '127.0.0.1', '-p', String(await freePort()), '-m', String(calls), '-r', '50']).done;
}

(haveSipp ? test : test.skip)('sipp uac → our stateful proxy → sipp uas: 50 calls, INVITE, ACK and BYE through the proxy', async (t) => {
  const uas = await sippUas(50);
  const { stack, port } = await proxyStack({ locate: () => [target(uas.port)] });
  try {
    const run = await uac(port, 50);
    t.is(run.status, 0, run.output.slice(-4000));
    t.is(run.successful, 50);
    const served = await uas.run.done;
    t.is(served.status, 0, served.output.slice(-3000));
    t.is(served.successful, 50);
  } finally {
    uas.run.kill();
    await stack.stop();
  }
});

(haveSipp ? test : test.skip)('a sipp uac cancelling while it rings (fixture proxy-uac-cancel.xml): CANCEL reaches the UAS, 487 comes back', async (t) => {
  let cancels = 0;
  const ringing = new Map<string, ServerTransaction>();
  // The UAS rings and waits; the CANCEL the proxy forwards ends the INVITE with 487.
  const ringingUas = (): Core => ({
    receiveRequest(req, transaction) {
      if (req.method === 'INVITE' && transaction !== null) {
        transaction.respond(createResponse(req, 180, { toTag: 'ringing' }));
        ringing.set(req.callId!, transaction);
      } else if (req.method === 'CANCEL' && transaction !== null) {
        cancels++;
        transaction.respond(createResponse(transaction.request, 487, { toTag: 'ringing' }));
      }
    },
    receiveResponse() {},
    receiveError() {},
  });
  const uasPort = await freePort();
  const uas = await startStack(new Runtime(), { listen: [{ transport: 'udp', port: uasPort }], core: ringingUas });
  const { stack, port } = await proxyStack({ locate: () => [target(uasPort)] });
  try {
    const run = await uac(port, 20, ['-sf', fixture('proxy-uac-cancel.xml')]);
    t.is(run.status, 0, run.output.slice(-4000));
    t.is(run.successful, 20);
    t.is(cancels, 20);
    t.is(ringing.size, 20);
  } finally {
    await stack.stop();
    await uas.stop();
  }
});

(haveSipp ? test : test.skip)('forking to two sipp UASes, one busy (486) and one answering: every call completes with the 200', async (t) => {
  const answering = await sippUas(30);
  const busy = await sippUas(30, ['-sf', fixture('proxy-uas-busy.xml')]);
  // A new call forks to both; the dialog's ACK and BYE (sipp's uac sends them to the proxy's
  // address, To-tagged) go to the UAS that answered.
  const { stack, port } = await proxyStack({
    locate: (req) => (paramValue(req.to?.params ?? [], 'tag') === undefined ? [target(busy.port), target(answering.port)] : [target(answering.port)]),
  });
  try {
    const run = await uac(port, 30);
    t.is(run.status, 0, run.output.slice(-4000));
    t.is(run.successful, 30);
    const [a, b] = await Promise.all([answering.run.done, busy.run.done]);
    t.is(a.successful, 30, a.output.slice(-2000));
    t.is(b.successful, 30, b.output.slice(-2000));
  } finally {
    answering.run.kill();
    busy.run.kill();
    await stack.stop();
  }
});

function kamailioConfig(port: number, uasPort: number): string {
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
loadmodule "siputils.so"
loadmodule "textops.so"
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("OPTIONS") && $rU == "probe") { sl_send_reply("200", "OK"); exit; }
  if (has_totag()) { loose_route(); }
  else if (is_method("INVITE")) { record_route(); }
  $du = "sip:127.0.0.1:${uasPort}";
  if (!t_relay()) sl_reply_error();
}
`;
}

(haveSipp && haveKamailio ? test : test.skip)('sipp uac → our stateful proxy → Kamailio → sipp uas: 50 calls complete', async (t) => {
  const uas = await sippUas(50);
  const kamailioPort = await freePort();
  const { stack, port } = await proxyStack({ locate: () => [{ uri: parseUri(`sip:uas@127.0.0.1:${kamailioPort}`) }] });
  let kamailio: Kamailio | undefined;
  try {
    kamailio = await startKamailio(kamailioConfig(kamailioPort, uas.port), { port: kamailioPort });
    const run = await uac(port, 50);
    t.is(run.status, 0, `${run.output.slice(-4000)}\n${kamailio.log().slice(-1500)}`);
    t.is(run.successful, 50);
  } finally {
    await kamailio?.stop();
    uas.run.kill();
    await stack.stop();
  }
});

(haveKamailio ? test : test.skip)('our UAC → our stateful proxy → Kamailio → our UAS: the re-INVITE, the ACKs and the BYE follow both Record-Routes', async (t) => {
  const counters = newUasCounters();
  const uasPort = await freePort();
  const uas = await startStack(new Runtime(), { listen: [{ transport: 'udp', port: uasPort }], core: exampleUas(counters, { ring: false }) });
  const kamailioPort = await freePort();
  // initial requests go to Kamailio; in-dialog ones follow their Route set (locate: undefined)
  const proxyPort = await freePort();
  const seen: string[] = [];
  const proxyCore = statefulProxy({ locate: (request) => (paramValue(request.to!.params, 'tag') === undefined ? [{ uri: parseUri(`sip:uas@127.0.0.1:${kamailioPort}`) }] : undefined) });
  const proxy = await startStack(new Runtime(), {
    listen: [{ transport: 'udp', port: proxyPort }],
    core: (stack) => {
      const inner = proxyCore(stack);
      return {
        receiveRequest: (request, transaction) => {
          seen.push(request.method);
          return inner.receiveRequest(request, transaction);
        },
        receiveResponse: (response, transaction) => inner.receiveResponse(response, transaction),
        receiveError: (error, transaction) => inner.receiveError(error, transaction),
      };
    },
  });
  let client: ExampleUac | undefined;
  const uac = await startStack(new Runtime(), { listen: [{ transport: 'udp', port: await freePort() }], core: exampleUac((u) => (client = u)) });
  let kamailio: Kamailio | undefined;
  try {
    kamailio = await startKamailio(kamailioConfig(kamailioPort, uasPort), { port: kamailioPort });
    const outcome = await client!.call(`sip:uas@127.0.0.1:${proxyPort}`, 'sip:uac@127.0.0.1', 'chain-1', { reinvite: true });
    t.deepEqual(outcome, { invite: 200, reinvite: 200, bye: 200 }, kamailio.log().slice(-2000));
    t.is(counters.invites, 2, 'the INVITE and the re-INVITE reached the UAS');
    t.is(counters.acks, 2, 'both ACKs went through the proxies to the UAS');
    t.is(counters.byes, 1);
    t.deepEqual(seen.filter((m) => m !== 'OPTIONS'), ['INVITE', 'ACK', 'INVITE', 'ACK', 'BYE'], 'every request of the call went through our proxy');
  } finally {
    await kamailio?.stop();
    await uac.stop();
    await proxy.stop();
    await uas.stop();
  }
});
