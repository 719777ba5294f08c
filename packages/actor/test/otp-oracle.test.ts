// Erlang/OTP as an oracle: every scenario runs twice, as an escript on real OTP (gen_server,
// supervisor) and on our public API, and the two event traces must be identical, except for the
// scenarios listed in oracle/known-differences.ts, which must still differ. See oracle/README.md.
import test, { type ExecutionContext } from 'ava';
import { erlangTraces, missingErlang } from './oracle/erlang-runner.js';
import { knownDifferences } from './oracle/known-differences.js';
import { scenarios } from './oracle/scenarios/index.js';
import { runScenario } from './oracle/trace.js';

const MIN_SCENARIOS = 40;

// Started once, shared by every test; a missing escript fails them all with the same message.
const otp = erlangTraces();
otp.catch(() => {});

/** OTP's traces, or null after failing `t` with why they are missing (no escript, a broken run). */
async function otpTraces(t: ExecutionContext): Promise<Map<string, string[]> | null> {
  try {
    return await otp;
  } catch (error) {
    t.fail(error instanceof Error ? error.message : String(error));
    return null;
  }
}

/** How many more times OTP runs a scenario alone when its trace in the shared run differs from ours. */
const OTP_RERUNS = 2;

/**
 * OTP's trace of `name` to hold ours to: the shared run's when it matches ours, else the first of
 * up to OTP_RERUNS runs of the scenario alone that matches, else the last of them. Our side runs on
 * a virtual clock and gives one trace; OTP's runs in real time, and on a loaded machine a stall of
 * its VM longer than a scenario's margin (50–100 ms) moves a timer past a step and changes the
 * trace: running it again tells such a stall from a real difference, which stays in every run.
 */
async function otpAgainIfDiffers(t: ExecutionContext, name: string, ours: string[], theirs: string[] | undefined): Promise<string[] | undefined> {
  if (theirs !== undefined && sameTrace(ours, theirs)) return theirs;
  let last = theirs;
  for (let run = 1; run <= OTP_RERUNS; run++) {
    last = (await erlangTraces([name])).get(name);
    t.log(`OTP's trace of ${name} in the shared run differed from ours; run ${run} of it alone ${last !== undefined && sameTrace(ours, last) ? 'matches' : 'differs too'}\n  shared run: ${(theirs ?? []).join(' | ')}`);
    if (last !== undefined && sameTrace(ours, last)) return last;
  }
  return last;
}

function sameTrace(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((event, i) => event === b[i]);
}

test('escript (Erlang/OTP) is on PATH', (t) => {
  const missing = missingErlang();
  if (missing !== null) t.fail(missing);
  else t.pass();
});

test('both sides define the same scenarios, and known differences name real ones', async (t) => {
  const theirs = await otpTraces(t);
  if (theirs === null) return;
  const ours = Object.keys(scenarios);
  t.true(ours.length >= MIN_SCENARIOS, `at least ${MIN_SCENARIOS} scenarios (have ${ours.length})`);
  t.deepEqual([...theirs.keys()].sort(), [...ours].sort(), 'each scenario exists in oracle/erlang/*_scenarios.hrl and in oracle/scenarios/');
  for (const name of Object.keys(knownDifferences)) t.true(name in scenarios, `known-differences.ts lists ${name}, which is not a scenario`);
});

for (const [name, scenario] of Object.entries(scenarios)) {
  test(`otp oracle: ${name}`, async (t) => {
    // OTP first, then ours: the Erlang run measures real time, so it gets the CPU to itself.
    const traces = await otpTraces(t);
    if (traces === null) return;
    const theirs = traces.get(name);
    const ours = await runScenario(scenario);
    const reason = knownDifferences[name];
    if (reason === undefined) {
      t.deepEqual(ours, await otpAgainIfDiffers(t, name, ours, theirs), 'our trace differs from OTP (if that is expected for now, list it in oracle/known-differences.ts)');
      return;
    }
    t.log(`known difference: ${reason}\n  OTP:  ${(theirs ?? []).join(' | ')}\n  ours: ${ours.join(' | ')}`);
    // A difference counts only between two complete runs, not because a side broke.
    t.truthy(theirs, `no OTP trace for ${name}`);
    t.false(ours.some((event) => event.startsWith('!!!')), `our side of ${name} did not run to its end`);
    t.notDeepEqual(ours, theirs, `${name} now matches OTP: remove it from oracle/known-differences.ts`);
  });
}
