// Runs an example from the command line: `sip-example uas [--host H] [--port P] [--transports udp,tcp]`
// serves until SIGINT / SIGTERM, printing its counters at exit.
import { startApplication } from '@switchboard/actor';
import { stackChild, type ListenOptions } from '../stack.js';
import { exampleUas, newUasCounters } from './uas.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const role = process.argv[2] ?? 'uas';
if (role !== 'uas') {
  process.stderr.write(`unknown example ${role}; try: uas\n`);
  process.exit(2);
}
const host = option('host', '127.0.0.1');
const port = Number(option('port', '5060'));
const transports = option('transports', 'udp,tcp').split(',') as ListenOptions['transport'][];
const counters = newUasCounters();
const options = { listen: transports.map((transport) => ({ transport, host, port })), core: exampleUas(counters) };
const app = await startApplication({
  children: [stackChild('example-uas', options, (stack) => process.stdout.write(`example UAS on ${stack.listeners.map((l) => `${l.transport} ${l.address}:${l.port}`).join(', ')}\n`))],
});
void app.exitStatus.then(() => process.stdout.write(`counters ${JSON.stringify(counters)}\n`));
