// Runs an example from the command line:
//   uas [--host H] [--port P] [--transports udp,tcp]   serves until SIGINT / SIGTERM, printing its counters at exit;
//   uac <sip:target> [--calls N] [--port P]            places N calls (INVITE, ACK, BYE), prints each outcome, exits 0 if all got 200.
import { Runtime, startApplication } from '@switchboard/actor';
import { stackChild, startStack } from '../stack-tree.js';
import type { ListenOptions } from '../stack-options.js';
import { exampleUac, type ExampleUac } from './uac.js';
import { exampleUas, newUasCounters } from './uas.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const role = process.argv[2] ?? 'uas';
if (role !== 'uas' && role !== 'uac') {
  process.stderr.write(`unknown example ${role}; try: uas, uac\n`);
  process.exit(2);
}
if (role === 'uac') {
  const target = process.argv.slice(3).find((a) => a.startsWith('sip:') || a.startsWith('sips:'));
  if (target === undefined) {
    process.stderr.write('usage: uac <sip:target> [--calls N] [--port P]\n');
    process.exit(2);
  }
  let uac!: ExampleUac;
  const stack = await startStack(new Runtime(), { listen: [{ transport: 'udp', host: option('host', '127.0.0.1'), port: Number(option('port', '0')) }, { transport: 'tcp', host: option('host', '127.0.0.1'), port: Number(option('port', '0')) }], core: exampleUac((u) => (uac = u)) });
  let failures = 0;
  for (let i = 0; i < Number(option('calls', '1')); i++) {
    try {
      const outcome = await uac.call(target);
      if (outcome.invite !== 200 || outcome.bye !== 200) failures++;
      process.stdout.write(`call ${i + 1}: INVITE ${outcome.invite}${outcome.bye === undefined ? '' : `, BYE ${outcome.bye}`}\n`);
    } catch (error) {
      failures++;
      process.stdout.write(`call ${i + 1}: ${(error as Error).message}\n`);
    }
  }
  await stack.stop();
  process.exit(failures === 0 ? 0 : 1);
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
