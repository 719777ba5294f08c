// The benchmark's stateful proxy in its own process: `sip-proxy.ts PORT UAS_PORT`, our
// `statefulProxy` on UDP sending every request to the UAS on 127.0.0.1:UAS_PORT (Record-Route on,
// parallel forking to that one target). Prints {"port"} once listening; exits on "exit".
import { createInterface } from 'node:readline';
import { Runtime } from '@switchboard/actor';
import { parseUri, startStack, statefulProxy } from '@switchboard/sip';

const port = Number(process.argv[2] ?? '5060');
const uasPort = Number(process.argv[3] ?? '5070');
const target = [{ uri: parseUri(`sip:uas@127.0.0.1:${uasPort}`) }];
await startStack(new Runtime(), { listen: [{ transport: 'udp', port }], core: statefulProxy({ locate: () => target }), maxTransactions: 400_000 });
process.stdout.write(`${JSON.stringify({ port })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'exit') process.exit(0);
});
