// The gateway under hostile input, as `pnpm start` runs it (a child process): mutated SIP over UDP
// and TCP (the inputs that once killed it first), mutated SMPP toward its embedded SMSC; then it
// must be alive, answer OPTIONS, take the demo user's REGISTER and MESSAGE end to end, have lost no
// accepted MESSAGE, and end every server transaction once its timers have run. Deterministic: a
// failure names its seed (FUZZ_SEED=<n> replays it) and the input that did it.
import { fileURLToPath } from 'node:url';
import test from 'ava';
import {
  GatewayUnderTest,
  ResponseTally,
  SipUdpSender,
  checkHealth,
  describeFailure,
  freePort,
  haveSipp,
  restartedChildren,
  runCampaign,
  runSipp,
  sipTcpAttack,
  sipUdpAttack,
  smppAttack,
  waitForServerTransactions,
  DEMO_PASSWORD,
  DEMO_USER,
  type CampaignResult,
} from '@switchboard/test-support';

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611) >>> 0;
/** Transaction timer bases for the child: with T1 = 50 ms a UDP non-INVITE server transaction ends 3.2 s after its answer (RFC 3261 §17.2.2, Timer J = 64·T1). */
const TIMERS = { t1: 50, t2: 400, t4: 500 };
/** Campaigns stop sending after this long (each crash costs a restart of the child). */
const CAMPAIGN_BUDGET_MS = 32_000;
const messageScenario = fileURLToPath(new URL('../scenarios/message.xml', import.meta.url));

test('hostile SIP and SMPP neither kill, hang nor corrupt the gateway', async (t) => {
  t.timeout(110_000);
  const gut = await GatewayUnderTest.start({ timers: TIMERS });
  const udp = await SipUdpSender.open();
  const tcpTally = new ResponseTally();
  const results: CampaignResult[] = [];
  try {
    const first = await gut.gateway.status();
    const deadline = Date.now() + CAMPAIGN_BUDGET_MS;
    results.push(await runCampaign(gut, sipUdpAttack(SEED, udp), { seed: SEED, count: 3000, batch: 25, deadline, maxFailures: 6 }));
    results.push(await runCampaign(gut, sipTcpAttack(SEED, tcpTally, { concurrency: 8, readMs: 60 }), { seed: SEED, count: 800, batch: 16, corpusBatch: 8, deadline, maxFailures: 4 }));
    results.push(await runCampaign(gut, smppAttack(SEED, { concurrency: 8, readMs: 40 }), { seed: SEED, count: 300, batch: 16, deadline, maxFailures: 4 }));
    for (const r of results) t.log(`${r.attack}: ${r.items} items, ${r.inputs} inputs, ${r.failures.length} failures${r.cut ? ' (cut short)' : ''}`);
    t.log(`answers: UDP ${udp.tally.summary()}; TCP ${tcpTally.summary()}`);

    const failures = results.flatMap((r) => r.failures);
    const health = await checkHealth(gut);
    let sippProblem: string | null = null;
    if (haveSipp && health.alive) {
      // the README's command: sipp's digest uri is sip:<remote_ip>:<remote_port> unless -auth_uri names the Request-URI
      const target = `127.0.0.1:${gut.gateway.sipPort}`;
      const args = ['-sf', messageScenario, '-set', 'user', DEMO_USER, '-au', DEMO_USER, '-ap', DEMO_PASSWORD, '-auth_uri', `447700900555@${target}`, '-s', '447700900555', target, '-i', '127.0.0.1', '-p', String(await freePort()), '-m', '3'];
      const run = await runSipp(args, 15_000).done;
      if (run.status !== 0) sippProblem = `sipp scenarios/message.xml -au ${DEMO_USER}: exit ${run.status}\n${run.output.slice(-1500)}`;
    }
    const drained = health.alive ? await waitForServerTransactions(gut, 64 * TIMERS.t1 + 4000) : null;
    const last = await gut.gateway.status();
    // a crash that comes late (a timer, a receipt, a retransmission) counts as much as one at once
    const finalState = await gut.state();

    // 202s seen (fuzz, health check, sipp) against the SMSC's acceptances, when one process saw them all
    const seen202 = udp.tally.accepted202 + tcpTally.accepted202 + (health.message === 202 ? 1 : 0) + (sippProblem === null && haveSipp ? 3 : 0);
    const accepted = (last?.counters?.accepted ?? 0) - (first?.counters?.accepted ?? 0);
    const restarted = gut.starts === 1 ? restartedChildren(first, last) : [];
    const oneLife = gut.starts === 1 && gut.treeRestarts === 0;

    const report: string[] = failures.map(describeFailure);
    if (finalState !== 'ok') report.push(`at the end the gateway is ${finalState === 'dead' ? `dead (exit ${JSON.stringify(gut.gateway.exit)})` : 'silent (no OPTIONS answer within 2 s)'}\n${gut.gateway.recentOutput(4000)}`);
    if (gut.treeRestarts > 0) report.push(`the gateway's tree restarted ${gut.treeRestarts} time(s) inside the process (a contained crash)\n${gut.gateway.recentOutput(3000)}`);
    if (restarted.length > 0) report.push(`processes restarted by their supervisor: ${restarted.join(', ')}\n${gut.gateway.recentOutput(3000)}`);
    report.push(...health.problems.map((p) => `health: ${p}`));
    if (sippProblem !== null) report.push(sippProblem);
    if (oneLife && seen202 > accepted) report.push(`lost messages: ${seen202} MESSAGEs answered 202, ${accepted} reached the SMSC`);
    if (drained !== null && drained.server !== 0) report.push(`${drained.server} server transactions still live ${drained.waitedMs} ms after the last request (64·T1 = ${64 * TIMERS.t1} ms); client transactions: ${drained.client}`);
    else if (drained !== null) t.log(`all server transactions ended within ${drained.waitedMs} ms; client transactions live: ${drained.client}`);
    t.log(`202s seen ${seen202}, accepted by the SMSC ${accepted}; gateway starts ${gut.starts}`);
    t.deepEqual(report, [], `seed ${SEED} (FUZZ_SEED=${SEED} replays it):\n\n${report.join('\n\n')}`);
  } finally {
    udp.close();
    await gut.stop();
  }
});
