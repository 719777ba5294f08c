// Several nodes, end to end: PostgreSQL (Debian's postgresql, started here), two gateway nodes as
// separate OS processes (the program `pnpm start` runs) on one database, an external SMSC
// simulator that grants the account 2 binds, and Kamailio on the shipped deploy/kamailio config
// spreading REGISTER and MESSAGE over the nodes with dispatcher. sipp sends MESSAGEs through
// Kamailio and one node is kill -9'ed in the middle; a node paused (SIGSTOP) past its leases and
// resumed must not submit on the binds it lost. Leases are short here (cluster.leaseTime 3 s) so
// the file runs in well under a minute.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import createDebug from 'debug';
import { Runtime, formatReport } from '@switchboard/actor';
import { createResponse, parseMessage, serializeMessage, type SipMessage, type SipRequest } from '@switchboard/sip';
import { McSimulator, type SubmittedMessage } from '@switchboard/smpp';
import { KAMAILIO_MODULES, UdpPeer, freePort, haveKamailio, haveSipp, runSipp, startKamailio, startPostgres, type GatewayProcess, type Kamailio, type Postgres } from '@switchboard/test-support';
import { boundBinds, nodeStatus, readSippMessages, startNode, waitFor } from './support/cluster.js';
import { userMessage } from './support/message.js';
import { userRegistration } from './support/registration.js';

const LEASE = 3000;
const WINDOW = 10;
const BINDS = 2;
const scenario = fileURLToPath(new URL('../scenarios/message.xml', import.meta.url));
const kamailioConfig = readFileSync(fileURLToPath(new URL('../../../deploy/kamailio/kamailio.cfg', import.meta.url)), 'utf8');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const textOf = (m: SubmittedMessage): string => (m.pdu as { short_message: Buffer }).short_message.toString('latin1');

let server: Postgres | undefined;
let databases = 0;
// the SMSC's sessions end with every kill and unbind: their crash reports go to debug, not stderr
const log = createDebug('switchboard:test:cluster');
const runtime = new Runtime({ reports: (report) => log(formatReport(report)) });

test.before(async () => {
  server = await startPostgres();
});

test.after.always(async () => {
  await server?.stop();
});

async function database(): Promise<string> {
  if (server === undefined) throw new Error('the PostgreSQL server did not start (see the before hook)');
  return server.createDatabase(`cluster_${++databases}`);
}

/** The SMSC: 2 binds for the account, as an operator grants them; no lockout for refused binds. */
function smsc(receiptDelay: number): Promise<McSimulator> {
  return McSimulator.start(runtime, { credentials: { gateway: 'secret' }, maxBinds: BINDS, bindFailures: false, keepSubmitted: 20_000, maxPendingReceipts: 20_000, receiptDelay });
}

interface Proxy {
  readonly kamailio: Kamailio;
  /** The dispatcher's flags for a node (`AP`: up and probed; `IP`: taken out), from `kamcmd dispatcher.list`. */
  flags(node: GatewayProcess): string | undefined;
}

/** Kamailio on the shipped configuration, its settings given as a deployment would (-A). */
async function kamailio(port: number, nodes: readonly GatewayProcess[]): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), 'dispatcher-'));
  const list = join(dir, 'dispatcher.list');
  const ctl = `unix:${join(dir, 'kamailio.ctl')}`;
  writeFileSync(list, nodes.map((n) => `1 sip:127.0.0.1:${n.sipPort}\n`).join(''));
  const started = await startKamailio(kamailioConfig, {
    port,
    defines: {
      LISTEN: `udp:127.0.0.1:${port}`,
      DISPATCHER_LIST: `"${list}"`,
      CTL_SOCKET: `"${ctl}"`,
      MODULES: `"${KAMAILIO_MODULES}"`,
      PING_INTERVAL: '1',
      PING_THRESHOLD: '1',
      ANSWER_TIMEOUT: '2000',
      WORKERS: '2',
      LOG_STDERR: 'yes',
    },
  });
  return {
    kamailio: started,
    flags(node) {
      const out = spawnSync('kamcmd', ['-s', ctl, 'dispatcher.list'], { encoding: 'utf8' }).stdout ?? '';
      return new RegExp(`URI: sip:127\\.0\\.0\\.1:${node.sipPort}\\s+FLAGS: (\\w+)`).exec(out)?.[1];
    },
  };
}

const isRequest = (m: SipMessage): m is SipRequest => m.kind === 'request';

/** The next request `peer` receives (responses skipped), answered 200. */
async function answerNextRequest(peer: UdpPeer<SipMessage>, limitMs: number): Promise<SipRequest> {
  const until = Date.now() + limitMs;
  for (;;) {
    const message = await peer.next(Math.max(1, until - Date.now()));
    if (!isRequest(message)) continue;
    peer.sendBytes(Buffer.from(serializeMessage(createResponse(message, 200))), message.topVia!.port ?? 5060, '127.0.0.1');
    return message;
  }
}

/** The next response `peer` receives (requests answered 200 and skipped). */
async function nextResponse(peer: UdpPeer<SipMessage>, limitMs = 5000): Promise<number> {
  const until = Date.now() + limitMs;
  for (;;) {
    const message = await peer.next(Math.max(1, until - Date.now()));
    if (message.kind === 'response') return message.status;
    peer.sendBytes(Buffer.from(serializeMessage(createResponse(message, 200))), message.topVia!.port ?? 5060, '127.0.0.1');
  }
}

(haveSipp && haveKamailio ? test.serial : test.serial.skip)('two nodes behind Kamailio, one kill -9’ed mid-burst: every MESSAGE answered 2xx reaches the SMSC, both binds are owned again within the lease, MO and receipts reach a user through the survivor', async (t) => {
  const url = await database();
  const sim = await smsc(500);
  const nodes: GatewayProcess[] = [];
  let proxy: Proxy | undefined;
  const bob = await UdpPeer.open(parseMessage);
  try {
    nodes.push(...(await Promise.all(['node-a', 'node-b'].map((name) => startNode({ name, storeUrl: url, smscPort: sim.port, leaseTime: LEASE })))));
    const [a, b] = nodes as [GatewayProcess, GatewayProcess];
    // the leases are shared out: one bind each
    await waitFor(async () => (await boundBinds(a)) === 1 && (await boundBinds(b)) === 1 && sim.bound.length === BINDS, 'one bind up on each node', 10_000);
    const kamailioPort = await freePort();
    proxy = await kamailio(kamailioPort, nodes);
    await waitFor(() => proxy!.flags(a) === 'AP' && proxy!.flags(b) === 'AP', 'both nodes up and probed', 5000);

    // a user registers through Kamailio: the registration is in the shared store
    bob.send(userRegistration({ fromPort: bob.port, sipPort: kamailioPort, user: '447700900555', callId: 'bob-reg', seq: 1 }), kamailioPort);
    t.is(await nextResponse(bob), 200);

    const total = 2000;
    const rate = 200;
    const messageLog = join(mkdtempSync(join(tmpdir(), 'sipp-log-')), 'messages.log');
    const burst = runSipp(
      ['-sf', scenario, '-set', 'user', '447700900123', '-s', '447700900124', `127.0.0.1:${kamailioPort}`, '-i', '127.0.0.1', '-p', String(await freePort()), '-m', String(total), '-r', String(rate), '-l', '400', '-trace_msg', '-message_file', messageLog],
      60_000,
    );
    await sleep((total / rate / 2) * 1000);
    const leasesOfA = new Map((await nodeStatus(a))!.smpp.binds.flatMap((x) => (x.id === null || x.token === null ? [] : [[x.id, x.token] as const])));
    const before = sim.stats.submitted;
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await a.exited;
    t.log(`node-a killed after ${before} submits`);
    const takenOut = await waitFor(() => proxy!.flags(a)?.startsWith('I') === true, 'Kamailio takes node-a out', 5000);
    t.log(`Kamailio took node-a out ${takenOut} ms after the kill; node-b ${proxy.flags(b)}`);

    // both binds owned again, by node-b, and bound at the SMSC
    const reowned = await waitFor(
      async () => {
        const status = await nodeStatus(b);
        return status !== null && status.cluster.leases.filter((l) => l.owner === status.cluster.node && l.left > 0).length === BINDS && status.smpp.binds.every((x) => x.bound) && sim.bound.length === BINDS;
      },
      'both binds owned and bound by node-b',
      LEASE + 5000,
    );
    const reownedAfter = Date.now() - killedAt;
    t.log(`both binds owned and bound again ${reownedAfter} ms after the kill (lease ${LEASE} ms)`);
    t.true(reownedAfter <= LEASE + 1500, `re-owned within the lease (and a tick): ${reownedAfter} ms`);
    void reowned;

    const run = await burst.done;
    const calls = readSippMessages(messageLog);
    t.log(`sipp: ${calls.numberOf.size} MESSAGEs sent, ${calls.answered2xx.size} answered 2xx, ${calls.refused.size} refused (${[...new Set(calls.refused.values())].join(', ')}); summary ${run.successful} successful, ${run.failed} failed`);
    t.is(calls.numberOf.size, total, run.output.slice(-1500));
    t.true(calls.answered2xx.size >= total * 0.99, `at most 1% without a 2xx: ${calls.answered2xx.size}`);

    // every MESSAGE answered 2xx reaches the SMSC (a dead node's claimed rows come back with its heartbeat)
    const reached = (): Map<number, number> => {
      const count = new Map<number, number>();
      for (const m of sim.submitted) {
        const n = /Hello from sipp, message (\d+)/.exec(textOf(m))?.[1];
        if (n !== undefined) count.set(Number(n), (count.get(Number(n)) ?? 0) + 1);
      }
      return count;
    };
    await waitFor(() => [...calls.answered2xx].every((n) => reached().has(n)), 'every 2xx MESSAGE at the SMSC', 15_000).catch((error: unknown) => t.log(String(error)));
    const count = reached();
    const missing = [...calls.answered2xx].filter((n) => !count.has(n));
    const duplicates = [...count.values()].reduce((sum, c) => sum + c - 1, 0);
    t.log(`SMSC: ${count.size} distinct texts of ${sim.stats.submitted} submits; ${duplicates} duplicate(s); ${missing.length} 2xx MESSAGE(s) missing`);
    t.deepEqual(missing, [], 'no MESSAGE answered 2xx is lost');
    t.true(duplicates <= WINDOW * BINDS, `duplicates bounded by what node-a had in flight (window ${WINDOW} × ${BINDS} binds): ${duplicates}`);

    // MO and receipts keep reaching the registered user, through the survivor
    t.true(sim.deliver('gateway', { source_addr: '447700900999', destination_addr: '447700900555', short_message: Buffer.from('after the kill') }));
    const mo = await answerNextRequest(bob, 5000);
    t.is(mo.body.toString(), 'after the kill');
    bob.send(userMessage({ fromPort: bob.port, sipPort: kamailioPort, user: '447700900555', to: '447700900777', callId: 'bob-after-kill', body: 'receipt please' }), kamailioPort);
    t.is(await nextResponse(bob), 202);
    const notification = await answerNextRequest(bob, 5000);
    t.is(notification.headers.get('Content-Type'), 'message/imdn+xml');
    t.regex(notification.body.toString(), /<message-id>bob-after-kill<\/message-id>[\s\S]*<delivered\/>/);

    // the cluster view: node-a dead, node-b holding both leases with tokens raised by the takeover
    const view = (await nodeStatus(b))!.cluster;
    t.deepEqual(
      view.nodes.map((n) => [n.name, n.alive]),
      [
        ['node-a', false],
        ['node-b', true],
      ],
    );
    t.true(view.leases.every((l) => l.owner === view.node));
    t.true(leasesOfA.size > 0 && [...leasesOfA].every(([bind, token]) => view.leases.find((l) => l.bind === bind)!.token > token), `node-a's binds changed owner: new tokens (${JSON.stringify([...leasesOfA])} then ${JSON.stringify(view.leases)})`);
  } finally {
    bob.close();
    await proxy?.kamailio.stop();
    for (const node of nodes) await node.kill();
    await sim.close({ timeout: 500 });
  }
});

test.serial('split brain: a node paused (SIGSTOP) past its lease and resumed submits nothing on the bind it lost; its MESSAGEs go out through the new owner', async (t) => {
  const url = await database();
  // receipts late enough not to come in this test: the SMSC's sessions here only take submits
  const sim = await smsc(60_000);
  const nodes: GatewayProcess[] = [];
  const peer = await UdpPeer.open(parseMessage);
  try {
    const a = await startNode({ name: 'node-a', storeUrl: url, smscPort: sim.port, leaseTime: LEASE });
    nodes.push(a);
    await waitFor(async () => (await boundBinds(a)) === BINDS && sim.bound.length === BINDS, 'node-a alone holds both binds', 10_000);
    const sessionsOfA = new Set(sim.bound.map((s) => s.pid));
    const b = await startNode({ name: 'node-b', storeUrl: url, smscPort: sim.port, leaseTime: LEASE });
    nodes.push(b);
    await waitFor(async () => (await boundBinds(a)) === 1 && (await boundBinds(b)) === 1 && sim.bound.length === BINDS, 'node-a gives one bind to node-b', 10_000);
    const [sessionOfA] = sim.bound.filter((s) => sessionsOfA.has(s.pid)).map((s) => s.pid);
    t.truthy(sessionOfA, 'node-a kept one of its sessions');
    const onA = () => sim.submitted.filter((m) => m.session === sessionOfA).length;
    const [leaseOfA] = (await nodeStatus(a))!.smpp.binds.filter((x) => x.bound);

    for (let i = 0; i < 5; i++) {
      peer.send(userMessage({ fromPort: peer.port, sipPort: a.sipPort, user: '447700900555', to: '447700900123', callId: `before-${i}`, body: `before the pause ${i}` }), a.sipPort);
      t.is(await nextResponse(peer), 202);
    }
    t.is(onA(), 5, 'node-a submits on its own bind');

    a.child.kill('SIGSTOP');
    const submittedOnA = onA();
    // MESSAGEs reach node-a while it is paused: they wait in its socket's buffer
    for (let i = 0; i < 10; i++) peer.send(userMessage({ fromPort: peer.port, sipPort: a.sipPort, user: '447700900555', to: '447700900123', callId: `paused-${i}`, body: `sent during the pause ${i}` }), a.sipPort);
    // past node-a's lease: node-b takes its bind (a new token), but the SMSC still has node-a's
    // session (it has not noticed the pause) and refuses node-b's bind past the account's 2
    await waitFor(
      async () => {
        const status = await nodeStatus(b);
        return status !== null && status.cluster.leases.filter((l) => l.owner === status.cluster.node && l.left > 0).length === BINDS;
      },
      'node-b holds both leases',
      LEASE + 3000,
    );
    const leases = (await nodeStatus(b))!.cluster.leases;
    t.true(leases.find((l) => l.bind === leaseOfA?.id)!.token > leaseOfA!.token!, `node-a's bind changed owner: a new token (${JSON.stringify(leaseOfA)} then ${JSON.stringify(leases)})`);
    t.true(sim.bound.some((s) => s.pid === sessionOfA), 'the SMSC still holds node-a’s session');
    await waitFor(() => sim.stats.bindsRefused > 0, 'node-b’s bind refused: the account’s binds are taken', 5000);

    a.child.kill('SIGCONT');
    // node-a takes the 10 MESSAGEs: stored, answered 202, not submitted on its stale bind
    for (let i = 0; i < 10; i++) t.is(await nextResponse(peer, 10_000), 202);
    await waitFor(() => !sim.bound.some((s) => s.pid === sessionOfA), 'node-a unbinds the bind it lost', 5000);
    // node-a is alive again and short of binds: node-b gives one back (a new lease, a new token,
    // a new session); the MESSAGEs go out through whichever bind has a lease now
    await waitFor(() => sim.submitted.filter((m) => textOf(m).startsWith('sent during the pause')).length >= 10, 'the 10 MESSAGEs reach the SMSC', 10_000);
    const paused = sim.submitted.filter((m) => textOf(m).startsWith('sent during the pause'));
    t.is(onA(), submittedOnA, 'nothing submitted on node-a’s lost bind after the pause');
    t.true(paused.every((m) => m.session !== sessionOfA));
    t.is(new Set(paused.map(textOf)).size, 10, 'each once');
    const statusA = await nodeStatus(a);
    t.true(statusA !== null && statusA.counters.leasesLost >= 1, 'node-a counts the lease it lost');
    const after = (await nodeStatus(b))!.cluster;
    t.log(`node-a: ${submittedOnA} submits on its bind before the pause, none after; ${statusA?.counters.fenced} submits fenced, ${statusA?.counters.leasesLost} lease(s) lost; leases now ${JSON.stringify(after.leases.map((l) => [l.bind.split('#')[1], after.nodes.find((n) => n.node === l.owner)?.name, l.token]))}`);
  } finally {
    peer.close();
    for (const node of nodes) {
      node.child.kill('SIGCONT');
      await node.kill();
    }
    await sim.close({ timeout: 500 });
  }
});

(haveSipp && haveKamailio ? test.serial : test.serial.skip)('PostgreSQL stopped mid-burst: the nodes answer 503 with Retry-After, stay up, and recover by themselves; every MESSAGE answered 2xx reaches the SMSC', async (t) => {
  const url = await database();
  const sim = await smsc(60_000);
  const nodes: GatewayProcess[] = [];
  let proxy: Proxy | undefined;
  try {
    nodes.push(...(await Promise.all(['node-a', 'node-b'].map((name) => startNode({ name, storeUrl: url, smscPort: sim.port, leaseTime: LEASE })))));
    const [a, b] = nodes as [GatewayProcess, GatewayProcess];
    await waitFor(async () => (await boundBinds(a)) + (await boundBinds(b)) === BINDS && sim.bound.length === BINDS, 'both binds up', 10_000);
    const kamailioPort = await freePort();
    proxy = await kamailio(kamailioPort, nodes);
    await waitFor(() => proxy!.flags(a) === 'AP' && proxy!.flags(b) === 'AP', 'both nodes up and probed', 5000);

    // 3 s before the outage, 30 s of it, and 5 s after
    const down = 30_000;
    const rate = 100;
    const total = rate * (3 + down / 1000 + 5);
    const messageLog = join(mkdtempSync(join(tmpdir(), 'sipp-log-')), 'messages.log');
    const burst = runSipp(['-sf', scenario, '-set', 'user', '447700900123', '-s', '447700900124', `127.0.0.1:${kamailioPort}`, '-i', '127.0.0.1', '-p', String(await freePort()), '-m', String(total), '-r', String(rate), '-l', '400', '-trace_msg', '-message_file', messageLog], 90_000);
    // Kamailio's view of the nodes, sampled through the burst
    const flags = new Set<string>();
    const sampler = setInterval(() => flags.add(`${proxy!.flags(a)}/${proxy!.flags(b)}`), 250);
    await sleep(3000);
    // down for much longer than the lease: the nodes' leases lapse and their binds unbind, and come back
    await server!.stopServer();
    const stoppedAt = Date.now();
    await sleep(down);
    await server!.startServer();
    t.log(`PostgreSQL down ${Date.now() - stoppedAt} ms (longer than the ${LEASE} ms lease, so binds unbind and rebind)`);
    t.true(a.alive && b.alive, 'both nodes stayed up');
    const recovered = await waitFor(async () => (await boundBinds(a)) + (await boundBinds(b)) === BINDS && sim.bound.length === BINDS, 'both binds up again', 15_000);
    t.log(`binds up again ${recovered} ms after PostgreSQL came back`);

    const run = await burst.done;
    clearInterval(sampler);
    const calls = readSippMessages(messageLog);
    const statuses = [...new Set(calls.refused.values())];
    t.log(`sipp: ${calls.numberOf.size} MESSAGEs sent, ${calls.answered2xx.size} answered 2xx, ${calls.refused.size} refused (${statuses.join(', ')}); 503s with Retry-After: ${calls.retryAfter503.withRetryAfter} of ${calls.retryAfter503.total}`);
    t.is(calls.numberOf.size, total, run.output.slice(-1500));
    t.true(calls.retryAfter503.total > 0, 'the outage was answered 503');
    t.is(calls.retryAfter503.withRetryAfter, calls.retryAfter503.total, 'every 503 carries Retry-After');
    t.deepEqual(statuses.filter((s) => s !== 503), [], 'nothing but 503 refused');
    const last = Math.max(...calls.numberOf.values());
    t.true(calls.answered2xx.has(last), 'the last MESSAGEs, after the outage, are answered 2xx again');

    const reached = (): Set<number> => new Set(sim.submitted.flatMap((m) => /Hello from sipp, message (\d+)/.exec(textOf(m))?.[1] ?? []).map(Number));
    await waitFor(() => {
      const at = reached();
      return [...calls.answered2xx].every((n) => at.has(n));
    }, 'every 2xx MESSAGE at the SMSC', 15_000).catch((error: unknown) => t.log(String(error)));
    const missing = [...calls.answered2xx].filter((n) => !reached().has(n));
    t.deepEqual(missing, [], 'every MESSAGE acknowledged reaches the SMSC');
    t.true(a.alive && b.alive, 'both nodes still up');
    t.deepEqual([...flags], ['AP/AP'], 'Kamailio kept both nodes in throughout: they answered its probes, and every request at once (503 while the database was down)');
  } finally {
    await proxy?.kamailio.stop();
    for (const node of nodes) await node.kill();
    await sim.close({ timeout: 500 });
    await server?.startServer();
  }
});
