// `pnpm bench [suite …]`: runs the named suites (all by default), prints Markdown tables and
// writes results/<suite>.json. `scaling` runs only when named (`pnpm bench scaling`): it takes
// several minutes on its own and rewrites docs/benchmarks.md's scaling section and charts.
import { report, type Measurement } from './report.js';
import { actorSuite } from './suites/actor.js';
import { supervisionSuite } from './suites/supervision.js';
import { smppCodecSuite } from './suites/smpp-codec.js';
import { smppSessionSuite } from './suites/smpp-session.js';
import { sipMessageSuite } from './suites/sip-message.js';
import { sipStackSuite } from './suites/sip-stack.js';
import { gatewaySuite } from './suites/gateway.js';

const suites: Record<string, () => Promise<Measurement[]>> = {
  actor: async () => [...(await actorSuite()), ...(await supervisionSuite())],
  'smpp-codec': smppCodecSuite,
  'smpp-session': smppSessionSuite,
  'sip-message': sipMessageSuite,
  'sip-stack': sipStackSuite,
  gateway: gatewaySuite,
  hostile: async () => (await import('./suites/hostile.js')).hostileSuite(),
};
/** Run only when named. */
const onDemand: Record<string, () => Promise<Measurement[]>> = {
  scaling: async () => (await import('./suites/scaling.js')).scalingSuite(),
};

const requested = process.argv.slice(2).filter((arg) => arg !== '--');
const names = requested.length > 0 ? requested : Object.keys(suites);
for (const name of names) {
  const suite = suites[name] ?? onDemand[name];
  if (suite === undefined) {
    process.stderr.write(`unknown suite ${JSON.stringify(name)}; known: ${[...Object.keys(suites), ...Object.keys(onDemand)].join(', ')}\n`);
    process.exit(2);
  }
  report(name, await suite());
}
process.exit(0);
