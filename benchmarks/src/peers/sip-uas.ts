// The benchmark's UAS in its own process: `sip-uas.ts PORT`, our example UAS on UDP and TCP. Prints
// {"port"} once listening; answers a line "stats" on stdin with the live transaction count, the
// heap after full GCs, and the calls it saw. Its bounds (connections, transactions, dialogs) are
// raised above anything a step reaches, as sipp's own uas has none: a step measures the CPU.
import { createInterface } from 'node:readline';
import { Runtime } from '@switchboard/actor';
import { exampleUas, newUasCounters, startStack } from '@switchboard/sip';

const port = Number(process.argv[2] ?? '5060');
const counters = newUasCounters();
const stack = await startStack(new Runtime(), { listen: [{ transport: 'udp', port }, { transport: 'tcp', port }], core: exampleUas(counters, { maxDialogs: 200_000 }), maxConnections: 100_000, maxTransactions: 200_000 });
const gc = (globalThis as { gc?: () => void }).gc;
process.stdout.write(`${JSON.stringify({ port })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'exit') process.exit(0);
  if (line !== 'stats') return;
  gc?.();
  gc?.();
  const stats = stack.stats();
  process.stdout.write(`${JSON.stringify({ transactions: stats.serverTransactions + stats.clientTransactions, heapUsed: process.memoryUsage().heapUsed, invites: counters.invites, byes: counters.byes })}\n`);
});
