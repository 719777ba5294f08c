// `pnpm bench smpp-session`: our ESME and MC beside node-smpp's, each side in its own process, on
// loopback. Throughput of 100 k submit_sm at windows 1, 10 and 100; memory per bound session on an
// MC holding 1,000 with enquire_link running; RSS of both sides over 1 M submit_sm.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Measurement } from '../report.js';
import { nodeSmppVersion } from '../peers/node-smpp.js';
import { PEER_NODE_ARGS } from '../peer-node.js';

const peerFile = (name: string): string => fileURLToPath(new URL(`../peers/${name}.ts`, import.meta.url));

interface Child {
  readonly process: ChildProcess;
  next(): Promise<Record<string, number>>;
  send(line: string): void;
  stop(): Promise<void>;
}

function child(name: string, args: readonly (string | number)[]): Child {
  const proc = spawn(process.execPath, ['--expose-gc', ...PEER_NODE_ARGS, peerFile(name), ...args.map(String)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const queue: Record<string, number>[] = [];
  const waiting: ((value: Record<string, number>) => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const value = JSON.parse(line) as Record<string, number>;
    const waiter = waiting.shift();
    if (waiter) waiter(value);
    else queue.push(value);
  });
  const exit = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return {
    process: proc,
    next: () =>
      queue.length > 0
        ? Promise.resolve(queue.shift()!)
        : new Promise((resolve, reject) => {
            waiting.push(resolve);
            void exit.then(() => reject(new Error(`${name} exited before reporting`)));
          }),
    send: (line) => proc.stdin!.write(`${line}\n`),
    stop: async () => {
      proc.kill('SIGKILL');
      await exit;
    },
  };
}

/**
 * Best of three runs of `n` submit_sm at `window` for each ESME/MC pair. The pairs take turns run
 * by run, so a busy or idle machine (CPU wake-up latency dominates at window 1) affects them alike.
 */
async function throughput(pairs: readonly { esme: string; mc: 'ours' | 'node-smpp' | 'echo' }[], window: number, n: number): Promise<number[]> {
  const mcs = new Map<string, { child: Child; port: number }>();
  for (const impl of new Set(pairs.map((p) => p.mc))) {
    const mc = child('smpp-mc', [impl]);
    mcs.set(impl, { child: mc, port: (await mc.next()).port! });
  }
  const best = pairs.map(() => 0);
  for (let run = 0; run < 3; run++) {
    for (const [i, pair] of pairs.entries()) {
      const esme = child('smpp-esme', [pair.esme, mcs.get(pair.mc)!.port, window, n]);
      const { seconds } = await esme.next();
      await esme.stop();
      best[i] = Math.max(best[i]!, n / seconds!);
    }
  }
  for (const { child: mc } of mcs.values()) await mc.stop();
  return best;
}

/** Sessions bound and run through enquire_link before the first reading: see memoryPerSession. */
const WARM_SESSIONS = 100;

/**
 * The second batch of sessions in memoryPerSession: this many times the first. The MC then holds
 * WARM_SESSIONS + 11 × SMPP_BENCH_SESSIONS sockets: keep that under the open-file limit.
 */
const NEXT_BATCH = 10;

/** The load's count of enquire_link answered, once it reaches `atLeast`. */
async function enquireLinksReach(load: Child, atLeast: number): Promise<void> {
  let enquireLinks = 0;
  while (enquireLinks < atLeast) enquireLinks = (await load.next()).enquireLinks!;
}

/**
 * Heap and RSS per bound session on an MC holding `count`, with enquire_link every second: what
 * one more session costs. The first reading is taken with WARM_SESSIONS already bound and through
 * three enquire_link rounds, so the code compiled for a session's path (about 1 kB a session at
 * 1,000 sessions on either MC, made once per process) is not charged to the sessions measured.
 * V8 still optimises the functions that the measured sessions make hot (heap snapshots of our MC:
 * about 0.7 kB of code a session at 1,000; node-smpp's about 0.2 kB), so a further
 * NEXT_BATCH × `count` sessions are bound and measured the same way (`heapNext`, `rssNext`): the
 * cost of a session once the process has settled. RSS per session is read too, but at these sizes
 * it mostly says when V8 and malloc took or gave back memory in megabyte steps (V8 resizes its
 * young generation 16 MB at a time as the load's allocation moves it): runs of the same code have
 * read from −5 to +38 kB a session on either MC. Both MCs hold their sockets as net.Socket, so
 * their native memory per session is the same, and the heap rows are the ones to compare.
 */
async function memoryPerSession(impl: 'ours' | 'node-smpp', count: number): Promise<{ heap: number; rss: number; heapNext: number; rssNext: number }> {
  const mc = child('smpp-mc', [impl, 1000]);
  const loads: Child[] = [];
  const readings: Record<string, number>[] = [];
  try {
    const { port } = await mc.next();
    const warm = child('smpp-sessions', [port!, WARM_SESSIONS]);
    loads.push(warm);
    if ((await warm.next()).bound !== WARM_SESSIONS) throw new Error('the warm-up sessions did not all bind');
    await enquireLinksReach(warm, 3 * WARM_SESSIONS);
    readings.push(await memoryOf(mc));
    for (const batch of [count, NEXT_BATCH * count]) {
      const load = child('smpp-sessions', [port!, batch]);
      loads.push(load);
      const { bound } = await load.next();
      if (bound !== batch) throw new Error(`only ${bound} of ${batch} sessions bound`);
      // let enquire_link run a few rounds on every session
      await enquireLinksReach(load, 3 * batch);
      readings.push(await memoryOf(mc));
    }
  } finally {
    // the MC first: sessions cut by their peer would each print a crash report; and no child is
    // left running (a load's timer, the MC's sockets) to skew the suites after this one
    await mc.stop();
    for (const load of loads) await load.stop();
  }
  const [before, after, next] = readings as [Record<string, number>, Record<string, number>, Record<string, number>];
  return {
    heap: (after['heapUsed']! - before['heapUsed']!) / count,
    rss: (after['rss']! - before['rss']!) / count,
    heapNext: (next['heapUsed']! - after['heapUsed']!) / (NEXT_BATCH * count),
    rssNext: (next['rss']! - after['rss']!) / (NEXT_BATCH * count),
  };
}

/** The MC's heap and RSS after full GCs. */
async function memoryOf(mc: Child): Promise<Record<string, number>> {
  mc.send('mem');
  return mc.next();
}

/** RSS of the ESME and the MC after 100 k and after `n` submit_sm (window 100). */
async function rssOver(impl: 'ours' | 'node-smpp', n: number): Promise<{ esmeGrowth: number; mcGrowth: number; esmeEnd: number }> {
  const mc = child('smpp-mc', [impl]);
  const { port } = await mc.next();
  const esme = child('smpp-esme', [impl, port!, 100, n, 100_000]);
  let first: Record<string, number> | undefined;
  let firstMc: Record<string, number> | undefined;
  let last: Record<string, number> = {};
  for (;;) {
    const line = await esme.next();
    if (line['seconds'] !== undefined) break;
    last = line;
    if (first === undefined) {
      first = line;
      mc.send('mem');
      firstMc = await mc.next();
    }
  }
  mc.send('mem');
  const lastMc = await mc.next();
  await esme.stop();
  await mc.stop();
  return { esmeGrowth: last['rss']! - first!['rss']!, mcGrowth: lastMc.rss! - firstMc!.rss!, esmeEnd: last['rss']! };
}

export async function smppSessionSuite(): Promise<Measurement[]> {
  const peer = `node-smpp ${nodeSmppVersion}`;
  const results: Measurement[] = [];
  const n = Number(process.env['SMPP_BENCH_N'] ?? 100_000);
  for (const window of [1, 10, 100]) {
    const [theirs, ours, client, floor] = (await throughput(
      [
        { esme: 'node-smpp', mc: 'node-smpp' },
        { esme: 'ours', mc: 'ours' },
        { esme: 'ours-client', mc: 'ours' },
        ...(window === 1 ? [{ esme: 'echo', mc: 'echo' } as const] : []),
      ],
      window,
      n,
    )) as [number, number, number, number | undefined];
    if (floor !== undefined) {
      results.push({ name: `${n / 1000}k round trips, window 1: the floor (same bytes, bare node:net echo)`, unit: 'PDUs/s', ours, peer: 'node:net echo', peerValue: floor, higherIsBetter: true });
    }
    results.push({ name: `${n / 1000}k submit_sm, window ${window} (Session ESME ↔ MC)`, unit: 'PDUs/s', ours, peer, peerValue: theirs, higherIsBetter: true, target: 2 * theirs });
    results.push({ name: `${n / 1000}k submit_sm, window ${window} (SmppClient promises ↔ MC)`, unit: 'PDUs/s', ours: client, peer, peerValue: theirs, higherIsBetter: true, target: 2 * theirs });
  }
  const sessions = Number(process.env['SMPP_BENCH_SESSIONS'] ?? 1000);
  const theirMemory = await memoryPerSession('node-smpp', sessions);
  const ourMemory = await memoryPerSession('ours', sessions);
  results.push({ name: `heap per bound session (MC, ${sessions} sessions, enquire_link every 1 s)`, unit: 'bytes', ours: ourMemory.heap, peer, peerValue: theirMemory.heap, higherIsBetter: false });
  results.push({ name: `RSS per bound session (MC, ${sessions} sessions)`, unit: 'bytes', ours: ourMemory.rss, peer, peerValue: theirMemory.rss, higherIsBetter: false });
  results.push({ name: `heap per bound session, the next ${NEXT_BATCH * sessions} on the same MC (code compiled, the process settled)`, unit: 'bytes', ours: ourMemory.heapNext, peer, peerValue: theirMemory.heapNext, higherIsBetter: false });
  results.push({ name: `RSS per bound session, the next ${NEXT_BATCH * sessions} on the same MC`, unit: 'bytes', ours: ourMemory.rssNext, peer, peerValue: theirMemory.rssNext, higherIsBetter: false });

  const total = Number(process.env['SMPP_BENCH_TOTAL'] ?? 1_000_000);
  const theirRss = await rssOver('node-smpp', total);
  const ourRss = await rssOver('ours', total);
  const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
  results.push({ name: `ESME RSS growth from 100k to ${total / 1e6}M submit_sm`, unit: 'MiB', ours: mb(ourRss.esmeGrowth), peer, peerValue: mb(theirRss.esmeGrowth), higherIsBetter: false });
  results.push({ name: `MC RSS growth from 100k to ${total / 1e6}M submit_sm`, unit: 'MiB', ours: mb(ourRss.mcGrowth), peer, peerValue: mb(theirRss.mcGrowth), higherIsBetter: false });
  return results;
}
