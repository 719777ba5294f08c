// `pnpm bench hostile`: the gateway (as `pnpm start` runs it, in a child process) under attack —
// 200,000 mutated inputs each over SIP/UDP, SIP/TCP and SMPP, an SMPP peer that binds, floods
// submit_sm and never reads, SIP over TCP one octet at a time, and an OPTIONS flood up to the
// transaction limit. Per attack: crashes (process exits), hangs (no OPTIONS answer within 2 s),
// lost messages (202 answered, never reached the SMSC), RSS before/after and the worst OPTIONS
// latency while it ran — beside the same figures for the idle gateway. HOSTILE_QUICK=1 (or
// HOSTILE_COUNT=n) makes it short; HOSTILE_SEED picks the inputs.
import { performance } from 'node:perf_hooks';
import { loadConfig } from '@switchboard/gateway';
import type { Measurement } from '../report.js';
import {
  DEMO_PASSWORD,
  DEMO_USER,
  DigestAnswerer,
  GatewayUnderTest,
  ResponseTally,
  SMPP_COMMAND,
  SipStreamSplitter,
  SipUdpSender,
  bindBody,
  checkHealth,
  describeFailure,
  openTcp,
  readSip,
  runCampaign,
  sipTcpAttack,
  sipUdpAttack,
  smppAttack,
  smppPdu,
  submitBody,
  watchOptions,
  type Attack,
  type CampaignResult,
  type FuzzFailure,
} from '../../../packages/test-support/src/index.js';

const QUICK = process.env.HOSTILE_QUICK === '1';
const COUNT = Number(process.env.HOSTILE_COUNT ?? (QUICK ? 2000 : 200_000));
const SECONDS = QUICK ? 3 : 15;
const SEED = Number(process.env.HOSTILE_SEED ?? 20_240_611) >>> 0;
const TIMERS = { t1: 50, t2: 400, t4: 500 };
const CREDENTIALS = { username: DEMO_USER, password: DEMO_PASSWORD };

interface AttackFigures {
  readonly name: string;
  readonly inputs: number;
  readonly crashes: number;
  readonly hangs: number;
  /** null when a restart reset the gateway's counters (cannot tell). */
  readonly lost: number | null;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly worstLatency: number;
  readonly note: string;
  readonly failures: readonly FuzzFailure[];
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function mb(bytes: number): number {
  return Math.round((bytes / 1048576) * 10) / 10;
}

/** Authenticated MESSAGEs at a steady pace from the probe while an attack runs: the messages a user would lose. */
function witness(gut: GatewayUnderTest, everyMs = 200): { stop(): Promise<number> } {
  let running = true;
  let accepted = 0;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const answer = await gut.probe.message(DEMO_USER, '447700900555', `witness ${i}`, CREDENTIALS).catch(() => null);
      if (answer?.response.status === 202) accepted++;
      await pause(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return accepted;
    },
  };
}

/**
 * Runs one attack with the OPTIONS watch and the witness beside it, then the after-checks: a
 * crash is a process exit (the harness restarts it), a hang no OPTIONS answer within 2 s after.
 */
async function measure(gut: GatewayUnderTest, name: string, attack: () => Promise<{ inputs: number; accepted202: number; failures: readonly FuzzFailure[]; note: string }>): Promise<AttackFigures> {
  const startsBefore = gut.starts;
  const treeBefore = gut.treeRestarts;
  const rssBefore = gut.gateway.rss() ?? NaN;
  const acceptedBefore = (await gut.gateway.status())?.counters?.accepted ?? 0;
  // a nonce lives auth.nonceLifetime (300 s by default): each attack starts with a fresh one
  await gut.refreshChallenge();
  process.stderr.write(`hostile: ${name}…\n`);
  const watch = watchOptions(gut.probe, 100, 2000);
  const wit = witness(gut);
  const started = performance.now();
  const outcome = await attack();
  const witnessed = await wit.stop();
  const watched = await watch.stop();
  let crashes = outcome.failures.filter((f) => f.kind === 'crash').length;
  let hangs = outcome.failures.filter((f) => f.kind === 'hang').length;
  const state = await gut.state(2000);
  if (state === 'silent') hangs++;
  if (state === 'dead') crashes++;
  // let the outbox drain and the counters settle before comparing
  await pause(1500);
  const rssAfter = gut.gateway.rss() ?? NaN;
  const acceptedAfter = (await gut.gateway.status())?.counters?.accepted ?? 0;
  const oneLife = gut.starts === startsBefore && gut.treeRestarts === treeBefore && state !== 'dead';
  const seen = outcome.accepted202 + witnessed;
  const lost = oneLife ? Math.max(0, seen - (acceptedAfter - acceptedBefore)) : null;
  if (state !== 'ok') await gut.restart();
  const figures: AttackFigures = { name, inputs: outcome.inputs, crashes, hangs, lost, rssBefore, rssAfter, worstLatency: watched.worst, note: outcome.note, failures: outcome.failures };
  process.stderr.write(
    `hostile: ${name}: ${outcome.inputs} inputs in ${Math.round((performance.now() - started) / 1000)} s, ${crashes} crashes, ${hangs} hangs, lost ${lost ?? 'n/a'} (202s ${seen}, accepted ${acceptedAfter - acceptedBefore}), RSS ${mb(rssBefore)} -> ${mb(rssAfter)} MB, worst OPTIONS ${Math.round(watched.worst)} ms (${watched.answered}/${watched.sent} answered)${outcome.note === '' ? '' : `; ${outcome.note}`}\n`,
  );
  for (const failure of outcome.failures.slice(0, 10)) process.stderr.write(`${describeFailure(failure)}\n`);
  return figures;
}

async function campaign<I>(gut: GatewayUnderTest, attack: Attack<I>, count: number, batch: number, tallies: readonly ResponseTally[]): Promise<{ inputs: number; accepted202: number; failures: readonly FuzzFailure[]; note: string }> {
  const before = tallies.reduce((n, t) => n + t.accepted202, 0);
  let shown = 0;
  const result: CampaignResult = await runCampaign(gut, attack, {
    seed: SEED,
    count,
    batch,
    maxFailures: 50,
    onBatch: (done) => {
      if (done - shown >= count / 10) {
        shown = done;
        process.stderr.write(`  ${attack.name}: ${done} items\n`);
      }
    },
  });
  return { inputs: result.inputs, accepted202: tallies.reduce((n, t) => n + t.accepted202, 0) - before, failures: result.failures, note: result.cut ? 'cut short after 50 failures' : '' };
}

/** Binds, then writes submit_sm as fast as the socket takes them for `seconds`, never reading a response. */
async function slowReader(gut: GatewayUnderTest, seconds: number): Promise<{ inputs: number; accepted202: number; failures: readonly FuzzFailure[]; note: string }> {
  const socket = await openTcp(gut.gateway.smppPort);
  if (socket === null) return { inputs: 0, accepted202: 0, failures: [], note: 'connection refused' };
  socket.pause();
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  let sequence = 1;
  socket.write(smppPdu(SMPP_COMMAND.bind_transceiver, sequence++, bindBody({ systemId: 'gateway', password: 'secret' })));
  const body = submitBody({ text: Buffer.from('slow reader', 'latin1') });
  const end = performance.now() + seconds * 1000;
  let blockedMs = 0;
  while (performance.now() < end && !closed) {
    if (socket.write(smppPdu(SMPP_COMMAND.submit_sm, sequence++, body))) {
      if (sequence % 256 === 0) await new Promise((r) => setImmediate(r));
      continue;
    }
    const waited = performance.now();
    let wake = (): void => undefined;
    await Promise.race([new Promise<void>((r) => socket.once('drain', (wake = r))), pause(200)]);
    socket.off('drain', wake);
    blockedMs += performance.now() - waited;
  }
  const note = `${closed ? 'the MC closed the connection' : 'connection still open'}; writer blocked ${Math.round(blockedMs / 100) / 10} s`;
  socket.destroy();
  return { inputs: sequence - 1, accepted202: 0, failures: [], note };
}

/** `connections` TCP connections, each sending OPTIONS and authenticated MESSAGEs one octet per write. */
async function trickle(gut: GatewayUnderTest, connections: number, seconds: number): Promise<{ inputs: number; accepted202: number; failures: readonly FuzzFailure[]; note: string }> {
  const tally = new ResponseTally();
  const end = performance.now() + seconds * 1000;
  let messages = 0;
  let octets = 0;
  const one = async (lane: number): Promise<void> => {
    // a nonce of its own, so that its nonce-counts arrive in order (the server refuses a replayed nc)
    const challenge = await gut.probe.challenge(DEMO_USER);
    const answerer = challenge === null ? null : new DigestAnswerer(challenge, CREDENTIALS);
    const socket = await openTcp(gut.gateway.sipPort);
    if (socket === null) return;
    const splitter = new SipStreamSplitter();
    socket.on('data', (chunk: Buffer) => {
      for (const bytes of splitter.push(chunk)) {
        const message = readSip(bytes);
        if (message !== null) tally.count(message);
      }
    });
    socket.on('error', () => undefined);
    for (let n = 0; performance.now() < end && !socket.destroyed; n++) {
      const uri = n % 2 === 0 ? `sip:127.0.0.1:${gut.gateway.sipPort}` : `sip:447700900555@127.0.0.1:${gut.gateway.sipPort}`;
      const method = n % 2 === 0 ? 'OPTIONS' : 'MESSAGE';
      const body = method === 'MESSAGE' ? `trickle ${lane}.${n}` : '';
      const auth = method === 'MESSAGE' && answerer !== null ? answerer.authorization(method, uri) : null;
      const text = [
        `${method} ${uri} SIP/2.0`,
        `Via: SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bKtrickle${lane}x${n}`,
        'Max-Forwards: 70',
        `From: <sip:${DEMO_USER}@${gut.gateway.domain}>;tag=t${lane}`,
        `To: <sip:447700900555@${gut.gateway.domain}>`,
        `Call-ID: trickle-${lane}-${n}`,
        `CSeq: 1 ${method}`,
        ...(auth === null ? [] : [`Authorization: ${auth}`]),
        ...(body === '' ? [] : ['Content-Type: text/plain']),
        `Content-Length: ${body.length}`,
        '',
        body,
      ].join('\r\n');
      const bytes = Buffer.from(text, 'latin1');
      for (let i = 0; i < bytes.length && performance.now() < end && !socket.destroyed; i++) {
        socket.write(bytes.subarray(i, i + 1));
        octets++;
        await pause(1);
      }
      messages++;
    }
    await pause(500);
    socket.destroy();
  };
  await Promise.all(Array.from({ length: connections }, (_, lane) => one(lane)));
  return { inputs: messages, accepted202: tally.accepted202, failures: [], note: `${octets} octets one at a time on ${connections} connections; answers ${tally.summary()}` };
}

/**
 * OPTIONS from one socket at `rate` per second (paced, so that the harness does not starve its own
 * probe of CPU) until the live server transactions reach `limit`, then `holdSeconds` more at it;
 * at most `maxSeconds` in all. The live count is sampled from /status.json meanwhile.
 */
async function optionsFlood(gut: GatewayUnderTest, limit: number, rate: number, holdSeconds: number, maxSeconds: number): Promise<{ inputs: number; accepted202: number; failures: readonly FuzzFailure[]; note: string }> {
  const sender = await SipUdpSender.open();
  const started = performance.now();
  let peak = 0;
  let reachedAt: number | null = null;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const live = (await gut.gateway.status(1000))?.sip?.serverTransactions ?? 0;
      peak = Math.max(peak, live);
      if (reachedAt === null && live >= limit) reachedAt = performance.now();
      await pause(250);
    }
  })();
  let sent = 0;
  const uri = `sip:127.0.0.1:${gut.gateway.sipPort}`;
  const perTick = Math.max(1, Math.round(rate / 100));
  for (let tick = 0; performance.now() - started < maxSeconds * 1000; tick++) {
    if (reachedAt !== null && performance.now() - reachedAt > holdSeconds * 1000) break;
    for (let i = 0; i < perTick; i++) {
      const text = [`OPTIONS ${uri} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${sender.port};branch=z9hG4bKflood${sent}`, 'Max-Forwards: 70', `From: <sip:flood@127.0.0.1:${sender.port}>;tag=f`, `To: <${uri}>`, `Call-ID: flood-${sent}`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', ''].join('\r\n');
      void sender.send(Buffer.from(text, 'latin1'), gut.gateway.sipPort);
      sent++;
    }
    const due = started + (tick + 1) * 10;
    await pause(Math.max(0, due - performance.now()));
  }
  await pause(500);
  sampling = false;
  await sampler;
  sender.close();
  const reached = reachedAt === null ? `limit not reached in ${maxSeconds} s` : `limit reached after ${Math.round((reachedAt - started) / 100) / 10} s, held ${holdSeconds} s`;
  return { inputs: sent, accepted202: 0, failures: [], note: `${rate}/s; ${reached}; peak live server transactions ${peak}; answers ${sender.tally.summary()}` };
}

export async function hostileSuite(): Promise<Measurement[]> {
  const figures: AttackFigures[] = [];
  let gut = await GatewayUnderTest.start({ timers: TIMERS });
  let idle: AttackFigures;
  try {
    idle = await measure(gut, 'idle (baseline)', async () => {
      await pause(SECONDS * 1000);
      return { inputs: 0, accepted202: 0, failures: [], note: '' };
    });
    const udp = await SipUdpSender.open();
    const tcpTally = new ResponseTally();
    figures.push(await measure(gut, 'SIP/UDP mutated', () => campaign(gut, sipUdpAttack(SEED, udp), COUNT, 200, [udp.tally])));
    figures.push(await measure(gut, 'SIP/TCP mutated', () => campaign(gut, sipTcpAttack(SEED, tcpTally, { concurrency: 32, readMs: 25 }), Math.ceil(COUNT / 2.5), 64, [tcpTally])));
    figures.push(await measure(gut, 'SMPP mutated', () => campaign(gut, smppAttack(SEED, { concurrency: 16, readMs: 25 }), Math.ceil(COUNT / 7), 32, [])));
    udp.close();
    figures.push(await measure(gut, 'SMPP slow reader', () => slowReader(gut, SECONDS * 2)));
    figures.push(await measure(gut, 'SIP/TCP trickle', () => trickle(gut, QUICK ? 20 : 100, SECONDS * 2)));
    const health = await checkHealth(gut);
    process.stderr.write(`hostile: health after the attacks: ${health.problems.length === 0 ? 'ok' : health.problems.join('; ')}\n`);
    await gut.stop();
    // the flood runs on a gateway with its default timers, so the transaction limit is what stops it
    gut = await GatewayUnderTest.start({});
    const configured = (loadConfig({}).sip as unknown as Record<string, unknown>).maxTransactions;
    const limit = typeof configured === 'number' ? configured : 50_000;
    figures.push(await measure(gut, `OPTIONS flood (default timers, transaction limit ${limit})`, () => optionsFlood(gut, limit, QUICK ? 10_000 : 5000, SECONDS, 40)));
  } finally {
    await gut.stop();
  }
  const none = 'none allowed';
  const out: Measurement[] = [];
  for (const f of figures) {
    out.push(
      { name: `${f.name}: crashes (${f.inputs} inputs)`, unit: 'exits', ours: f.crashes, peer: none, peerValue: 0, higherIsBetter: false, target: 0 },
      { name: `${f.name}: hangs`, unit: 'count', ours: f.hangs, peer: none, peerValue: 0, higherIsBetter: false, target: 0 },
      { name: `${f.name}: lost messages`, unit: 'msgs', ours: f.lost ?? NaN, peer: none, peerValue: 0, higherIsBetter: false, target: 0 },
      { name: `${f.name}: RSS after (before: ${mb(f.rssBefore)} MB)`, unit: 'MB', ours: mb(f.rssAfter), peer: 'RSS before the attack', peerValue: mb(f.rssBefore), higherIsBetter: false },
      { name: `${f.name}: worst OPTIONS latency${f.note === '' ? '' : ` (${f.note})`}`, unit: 'ms', ours: Math.round(f.worstLatency), peer: `idle gateway, ${SECONDS} s`, peerValue: Math.round(idle.worstLatency), higherIsBetter: false },
    );
  }
  return out;
}
