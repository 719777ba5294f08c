// sipp (Debian's sip-tester), a peer nobody here wrote, against our stack: its built-in uac
// scenario against our example UAS (UDP, TCP, 10% loss), our UAC against its uas, and the
// branchc / branchs pair for REGISTER and the non-2xx (403) ACK path. Pass means sipp exits 0.
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { createRequest, createResponse, exampleUac, exampleUas, newUasCounters, parseUri, startStack, type Core, type ExampleUac } from '@switchboard/sip';
import { freePort, haveSipp, runSipp } from '@switchboard/test-support';

const sippTest = haveSipp ? test.serial : test.skip;

async function uas(counters = newUasCounters(), core = exampleUas(counters)) {
  const port = await freePort();
  const stack = await startStack(new Runtime(), { listen: [{ transport: 'udp', port }, { transport: 'tcp', port }], core });
  return { stack, port, counters };
}

for (const [name, extra] of [
  ['UDP', []],
  ['TCP', ['-t', 't1']],
] as const) {
  sippTest(`sipp uac → our example UAS over ${name}: 300 calls at 150 calls/s, none failed`, async (t) => {
    const { stack, port, counters } = await uas();
    const sippPort = await freePort();
    const run = await runSipp(['-sn', 'uac', `127.0.0.1:${port}`, '-i', '127.0.0.1', '-p', String(sippPort), '-m', '300', '-r', '150', ...extra]).done;
    t.is(run.status, 0, run.output.slice(-2000));
    t.is(run.successful, 300);
    t.is(counters.invites, 300);
    t.is(counters.acks, 300);
    t.is(counters.byes, 300);
    await stack.stop();
  });
}

sippTest('sipp uac with 10% packet loss (-lost 10) → our UAS: every call completes through retransmissions', async (t) => {
  const { stack, port } = await uas();
  const sippPort = await freePort();
  const run = await runSipp(['-sn', 'uac', `127.0.0.1:${port}`, '-i', '127.0.0.1', '-p', String(sippPort), '-m', '60', '-r', '30', '-lost', '10']).done;
  t.is(run.status, 0, run.output.slice(-2000));
  t.is(run.successful, 60);
  t.is(run.failed, 0);
  await stack.stop();
});

sippTest('our UAC → sipp uas: 20 calls (INVITE, 200, ACK, BYE, 200)', async (t) => {
  const sippPort = await freePort();
  const sipp = runSipp(['-sn', 'uas', '-i', '127.0.0.1', '-p', String(sippPort), '-m', '20']);
  let uac!: ExampleUac;
  const port = await freePort();
  const stack = await startStack(new Runtime(), { listen: [{ transport: 'udp', port }], core: exampleUac((u) => (uac = u)) });
  try {
    for (let i = 0; i < 20; i++) t.deepEqual(await uac.call(`sip:service@127.0.0.1:${sippPort}`), { invite: 200, bye: 200 });
    const run = await sipp.done;
    t.is(run.status, 0, run.output.slice(-2000));
  } finally {
    sipp.kill();
    await stack.stop();
  }
});

sippTest('our UAC → sipp branchs: REGISTER 200; an INVITE answered 403 is ACKed by our client transaction; BYE 200', async (t) => {
  const sippPort = await freePort();
  const sipp = runSipp(['-sn', 'branchs', '-i', '127.0.0.1', '-p', String(sippPort), '-m', '2']);
  let uac!: ExampleUac;
  const port = await freePort();
  const stack = await startStack(new Runtime(), { listen: [{ transport: 'udp', port }], core: exampleUac((u) => (uac = u)) });
  const target = `sip:ua2@127.0.0.1:${sippPort}`;
  try {
    for (const from of ['sip:ua1@nnl.example', 'sip:ua2@nnl.example']) {
      // sipp ties the REGISTER, the INVITE and the BYE of one call together by Call-ID.
      const register = createRequest({ method: 'REGISTER', uri: parseUri(`sip:127.0.0.1:${sippPort}`), from: { displayName: null, uri: parseUri(from), params: [] }, to: { displayName: null, uri: parseUri(from), params: [] }, headers: [['Expires', '300']] });
      const callId = register.callId!;
      t.is((await uac.request(register)).status, 200);
      const outcome = await uac.call(target, from, callId);
      if (from.includes('ua1')) {
        t.is(outcome.invite, 403);
        // branchs goes on to wait for a BYE even after its 403.
        const bye = createRequest({ method: 'BYE', uri: parseUri(target), callId, cseq: 3, from: { displayName: null, uri: parseUri(from), params: [] }, to: { displayName: null, uri: parseUri(target), params: [] } });
        t.is((await uac.request(bye)).status, 200);
      } else t.deepEqual(outcome, { invite: 200, bye: 200 });
    }
    const run = await sipp.done;
    t.is(run.status, 0, run.output.slice(-2000));
  } finally {
    sipp.kill();
    await stack.stop();
  }
});

sippTest('sipp branchc → our UAS: REGISTER, INVITE answered 403 or 200 by From, BYE', async (t) => {
  // A core playing branchs's part: 200 to REGISTER, 200 to INVITEs from ua2…, 403 to the rest, 200 to BYE.
  const core: Core = {
    receiveRequest(request, transaction) {
      if (transaction === null) return;
      if (request.method === 'INVITE') {
        const accept = (request.headers.get('From') ?? '').includes('ua2');
        if (accept) transaction.respond(createResponse(request, 200, { headers: [['Contact', '<sip:uas@127.0.0.1>']] }), { retransmitUntilAck: true });
        else transaction.respond(createResponse(request, 403));
        return;
      }
      transaction.respond(createResponse(request, 200));
    },
    receiveResponse() {},
    receiveError() {},
  };
  const { stack, port } = await uas(newUasCounters(), () => core);
  const sippPort = await freePort();
  const run = await runSipp(['-sn', 'branchc', `127.0.0.1:${port}`, '-i', '127.0.0.1', '-p', String(sippPort), '-m', '3', '-r', '10']).done;
  t.is(run.status, 0, run.output.slice(-2000));
  t.is(run.successful, 3);
  await stack.stop();
});
