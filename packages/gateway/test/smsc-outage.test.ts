// The SMSC goes away in the middle of a burst of MESSAGEs and comes back: every MESSAGE is still
// answered 202 (stored while no bind is up), and every text reaches the SMSC once it is back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { McSimulator } from '@switchboard/smpp';
import { loadConfig, startGateway } from '@switchboard/gateway';
import { freePort, haveSipp, runSipp } from '@switchboard/test-support';

const scenario = fileURLToPath(new URL('../scenarios/message.xml', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

(haveSipp ? test : test.skip)('SMSC killed mid-burst: all 40 MESSAGEs get 202 and all 40 texts are submitted after it returns', async (t) => {
  const runtime = new Runtime();
  const smscPort = await freePort();
  const credentials = { gateway: 'secret' };
  const first = await McSimulator.start(runtime, { port: smscPort, credentials });
  const dir = mkdtempSync(join(tmpdir(), 'gateway-outage-'));
  const sipPort = await freePort();
  const gateway = await startGateway(
    runtime,
    loadConfig({ env: { SWITCHBOARD_SIP_PORT: String(sipPort), SWITCHBOARD_SMPP_HOST: '127.0.0.1', SWITCHBOARD_SMPP_PORT: String(smscPort), SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_AUTH_MODE: 'off' } }),
  );
  for (let i = 0; i < 500 && gateway.pool.boundCount === 0; i++) await sleep(10);
  let second: McSimulator | undefined;
  try {
    const burst = runSipp(['-sf', scenario, '-set', 'user', 'alice', '-s', '447700900123', `127.0.0.1:${sipPort}`, '-i', '127.0.0.1', '-p', String(await freePort()), '-m', '40', '-r', '20']).done;
    await sleep(600);
    await first.close({ timeout: 200 }); // the SMSC goes away, a third of the way in
    t.log(`SMSC down after ${first.submitted.length} submits`);
    await sleep(1500);
    second = await McSimulator.start(runtime, { port: smscPort, credentials });
    const run = await burst;
    t.is(run.status, 0, run.output.slice(-2000));
    t.is(run.successful, 40, 'every MESSAGE was answered 202');
    for (let i = 0; i < 1000 && (await gateway.store.countOutbound()) > 0; i++) await sleep(10);
    t.is(await gateway.store.countOutbound(), 0, 'nothing left waiting');
    const texts = new Set([...first.submitted, ...second.submitted].map((m) => (m.pdu as { short_message: Buffer }).short_message.toString('latin1').trim()));
    const missing = Array.from({ length: 40 }, (_, i) => `Hello from sipp, message ${i + 1}`).filter((text) => !texts.has(text));
    t.deepEqual(missing, [], 'every text reached an SMSC');
    t.true(first.submitted.length > 0 && second.submitted.length > 0, 'the burst straddled the outage');
  } finally {
    await gateway.stop();
    await second?.close({ timeout: 200 });
  }
});
