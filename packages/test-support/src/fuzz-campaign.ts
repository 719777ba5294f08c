// Fuzz campaigns against the gateway in its child process: hostile inputs in batches, each batch
// followed by an OPTIONS to see the server still answers; a crash (the process died) or a hang (no
// answer within 2 s) is recorded with the batch in flight, the gateway restarted, and the batch
// replayed one input at a time to name the culprit. Then the health check a test asserts on.
import { Prng } from './prng.js';
import { DigestAnswerer } from './digest-client.js';
import { GatewayProcess, treePids, type GatewayExit, type GatewayProcessOptions, type StatusSnapshot } from './gateway-process.js';
import { inPool, ResponseTally, SipUdpSender, sipTcpSession, smppBindCheck, smppSession } from './hostile-peers.js';
import { SipProbe } from './sip-probe.js';
import { DEMO_PASSWORD, DEMO_USER, knownSipKillers, sipFuzzInput, type FuzzInput, type SipFuzzTarget } from './sip-mutation.js';
import { smppFuzzStream, type SmppCredentials, type SmppStream } from './smpp-mutation.js';

export const SMPP_CREDENTIALS: SmppCredentials = { systemId: 'gateway', password: 'secret' };

/** A fresh nonce this often (ms): the gateway's nonces expire (auth.nonceLifetime, 300 s by default). */
const CHALLENGE_REFRESH_MS = 60_000;

/** A failure found by a campaign. */
export interface FuzzFailure {
  readonly kind: 'crash' | 'hang';
  readonly attack: string;
  readonly seed: number;
  /** The inputs in flight when it happened (indices into the campaign's stream). */
  readonly batch: readonly number[];
  /** The one input that reproduces it alone, when the replay found one. */
  readonly culprit: { readonly index: number; readonly label: string; readonly text: string } | null;
  readonly exit: GatewayExit | null;
  /** The gateway's last output (the stack of the crash). */
  readonly output: string;
}

export function describeFailure(f: FuzzFailure): string {
  const where = f.culprit === null ? `somewhere in inputs ${f.batch[0]}..${f.batch[f.batch.length - 1]} (no single input reproduced it)` : `input #${f.culprit.index}: ${f.culprit.label}\n  octets: ${f.culprit.text}`;
  const how = f.kind === 'crash' ? `process exited (code ${f.exit?.code}, signal ${f.exit?.signal})` : 'no OPTIONS answer within 2 s';
  return `${f.kind.toUpperCase()} in ${f.attack} (seed ${f.seed}): ${how}\n  ${where}\n  last output:\n${f.output.split('\n').map((l) => `    ${l}`).join('\n')}`;
}

/** An input's octets as a JSON string, cut to `most` characters, for a report. */
export function quoted(bytes: Buffer, most = 700): string {
  const text = JSON.stringify(bytes.toString('latin1'));
  return text.length > most ? `${text.slice(0, most)}…(${bytes.length} octets)` : text;
}

/** The gateway in its child process, with a probe on it, restarted when a campaign kills it. */
export class GatewayUnderTest {
  gateway!: GatewayProcess;
  probe!: SipProbe;
  /** Answers the gateway's digest challenge as the demo user; null while it asks for none. */
  answerer: DigestAnswerer | null = null;
  starts = 0;
  /** Tree restarts inside the process seen in earlier runs (killed or crashed ones). */
  private earlierAnnouncements = 0;

  private constructor(readonly options: GatewayProcessOptions) {}

  static async start(options: GatewayProcessOptions = {}): Promise<GatewayUnderTest> {
    const gut = new GatewayUnderTest(options);
    await gut.boot();
    return gut;
  }

  private async boot(): Promise<void> {
    this.gateway = await GatewayProcess.start(this.options);
    this.starts++;
    try {
      this.probe = await SipProbe.open({ host: '127.0.0.1', port: this.gateway.sipPort, domain: this.gateway.domain });
      // The first answer also waits out the start of the SIP stack.
      for (let i = 0; i < 10 && (await this.probe.options(1000)) === null; i++);
      await this.refreshChallenge();
    } catch (error) {
      await this.gateway.kill();
      throw error;
    }
  }

  /** Asks for a fresh nonce (the digest challenge of an unauthenticated REGISTER). */
  async refreshChallenge(): Promise<void> {
    const challenge = await this.probe.challenge(DEMO_USER);
    this.answerer = challenge === null ? null : new DigestAnswerer(challenge, { username: DEMO_USER, password: DEMO_PASSWORD });
  }

  /** Authorization values for the fuzzer's requests (so mutations reach what lies behind digest). */
  readonly authorize = (method: string, uri: string): string | null => this.answerer?.authorization(method, uri) ?? null;

  async restart(): Promise<void> {
    this.earlierAnnouncements += Math.max(0, this.gateway.announcements - 1);
    this.probe.close();
    await this.gateway.kill();
    await this.boot();
  }

  /** Gateway trees restarted inside the process (supervisor restarts the process survived). */
  get treeRestarts(): number {
    return this.earlierAnnouncements + Math.max(0, this.gateway.announcements - 1);
  }

  /** 'ok', 'dead' (exited), or 'silent' (alive, no OPTIONS answer within `limitMs`). */
  async state(limitMs = 2000): Promise<'ok' | 'dead' | 'silent'> {
    if (!this.gateway.alive) return 'dead';
    const answer = await this.probe.options(limitMs);
    if (answer !== null) return 'ok';
    // give an exit a moment to be noticed
    await new Promise((r) => setTimeout(r, 50));
    return this.gateway.alive ? 'silent' : 'dead';
  }

  sipTarget(transport: 'UDP' | 'TCP', localPort: number): SipFuzzTarget {
    return { host: '127.0.0.1', port: this.gateway.sipPort, domain: this.gateway.domain, localPort, transport, authorize: this.authorize };
  }

  async stop(): Promise<void> {
    this.probe?.close();
    await this.gateway?.kill();
  }
}

/** One kind of hostile traffic: how to make its `index`th item for the running gateway and send a batch. */
export interface Attack<I> {
  readonly name: string;
  /** Items before the generated ones (the known killers), sent one at a time. */
  corpusSize(gut: GatewayUnderTest): number;
  make(gut: GatewayUnderTest, index: number): I;
  send(gut: GatewayUnderTest, items: readonly I[]): Promise<void>;
  /** How many inputs (messages, PDUs) an item holds. */
  inputs(item: I): number;
  describe(item: I): { label: string; text: string };
}

export interface CampaignOptions {
  readonly seed: number;
  /** Generated items (the corpus comes on top). */
  readonly count: number;
  readonly batch: number;
  /** Corpus items per batch (default 1: a killer is named without a replay). */
  readonly corpusBatch?: number;
  /** Stop sending at this time (Date.now()), whatever is left. */
  readonly deadline?: number;
  /** How long each replayed suspect is given to kill the gateway (ms, default 100). */
  readonly settleMs?: number;
  /** Give up after this many failures (each costs a restart). */
  readonly maxFailures?: number;
  /** Called after each batch (progress for long runs). */
  readonly onBatch?: (done: number) => void;
}

export interface CampaignResult {
  readonly attack: string;
  readonly seed: number;
  /** Items sent and the inputs they held. */
  readonly items: number;
  readonly inputs: number;
  readonly failures: FuzzFailure[];
  /** True when the deadline or the failure limit cut it short. */
  readonly cut: boolean;
}

/**
 * Runs `attack`: the corpus one item at a time, then `count` generated items in batches, checking
 * after each that the gateway answers OPTIONS.
 */
export async function runCampaign<I>(gut: GatewayUnderTest, attack: Attack<I>, options: CampaignOptions): Promise<CampaignResult> {
  const failures: FuzzFailure[] = [];
  const maxFailures = options.maxFailures ?? 10;
  let items = 0;
  let inputs = 0;
  let cut = false;
  const corpus = attack.corpusSize(gut);
  const total = corpus + options.count;
  let index = 0;
  let challengedAt = Date.now();
  // the inputs sent lately, newest last: a death may show a few inputs after its cause
  let recent: number[] = [];
  const window = Math.max(2 * options.batch, 8);
  while (index < total) {
    if ((options.deadline !== undefined && Date.now() > options.deadline) || failures.length >= maxFailures) {
      cut = true;
      break;
    }
    if (Date.now() - challengedAt > CHALLENGE_REFRESH_MS) {
      await gut.refreshChallenge();
      challengedAt = Date.now();
    }
    const size = index < corpus ? Math.min(options.corpusBatch ?? 1, corpus - index) : Math.min(options.batch, total - index);
    const batch = Array.from({ length: size }, (_, i) => index + i);
    const made = batch.map((i) => attack.make(gut, i));
    await attack.send(gut, made);
    items += made.length;
    inputs += made.reduce((n, item) => n + attack.inputs(item), 0);
    index += size;
    options.onBatch?.(index);
    recent = [...recent, ...batch].slice(-window);
    // a known killer is given a moment to act, so that a death is seen next to its input
    if (size <= (options.corpusBatch ?? 1) && batch[0]! < corpus) await new Promise((r) => setTimeout(r, 20));
    const state = await gut.state();
    if (state === 'ok') continue;
    const output = gut.gateway.recentOutput();
    const exit = gut.gateway.exit;
    if (state === 'silent') {
      // a hang that passes is still a hang; one that does not is ended like a crash
      let recovered = false;
      for (let i = 0; i < 5 && !recovered; i++) recovered = (await gut.state(1000)) === 'ok';
      if (!recovered) await gut.restart();
      failures.push({ kind: 'hang', attack: attack.name, seed: options.seed, batch, culprit: null, exit: null, output });
      recent = [];
      continue;
    }
    // The death may come a little after its input (an answer from the SMSC, a timer): replay the
    // recent inputs one at a time, oldest first, each given `settleMs` to take effect.
    await gut.restart();
    const found = await replay(gut, attack, recent, options.settleMs ?? 100);
    failures.push({ kind: 'crash', attack: attack.name, seed: options.seed, batch: recent, culprit: found?.culprit ?? null, exit: found?.exit ?? exit, output: found?.output ?? output });
    recent = [];
  }
  return { attack: attack.name, seed: options.seed, items, inputs, failures, cut };
}

/** Sends the suspects one at a time until one kills the gateway (which is then restarted). */
async function replay<I>(gut: GatewayUnderTest, attack: Attack<I>, suspects: readonly number[], settleMs: number): Promise<{ culprit: NonNullable<FuzzFailure['culprit']>; exit: GatewayExit | null; output: string } | null> {
  for (const index of suspects) {
    const item = attack.make(gut, index);
    await attack.send(gut, [item]);
    if ((await gut.state(1000)) === 'ok') await new Promise((r) => setTimeout(r, settleMs));
    if (gut.gateway.alive) continue;
    const found = { culprit: { index, ...attack.describe(item) }, exit: gut.gateway.exit, output: gut.gateway.recentOutput() };
    await gut.restart();
    return found;
  }
  return null;
}

/** Mutated SIP over UDP from one socket (the known killers first); 202s land in `sender.tally`. */
export function sipUdpAttack(seed: number, sender: SipUdpSender): Attack<FuzzInput> {
  return {
    name: 'SIP over UDP',
    corpusSize: (gut) => knownSipKillers(gut.sipTarget('UDP', sender.port)).length,
    make(gut, index) {
      const target = gut.sipTarget('UDP', sender.port);
      const corpus = knownSipKillers(target);
      return index < corpus.length ? corpus[index]! : sipFuzzInput(seed, index - corpus.length, target);
    },
    async send(gut, items) {
      for (const item of items) await sender.send(item.bytes, gut.gateway.sipPort);
    },
    inputs: () => 1,
    describe: (item) => ({ label: item.label, text: quoted(item.bytes) }),
  };
}

/** A TCP connection's worth of inputs and the writes they are cut into. */
export interface TcpItem {
  readonly inputs: readonly FuzzInput[];
  readonly chunks: readonly Buffer[];
}

/**
 * Mutated SIP over TCP: each item is one connection carrying 1–4 inputs (a known killer alone),
 * cut at random points; `concurrency` connections at once, each read for `readMs`.
 */
export function sipTcpAttack(seed: number, tally: ResponseTally, options: { concurrency?: number; readMs?: number } = {}): Attack<TcpItem> {
  // Answers come back on the connection; the Via port only needs to be plausible.
  const localPort = 5099;
  return {
    name: 'SIP over TCP',
    corpusSize: (gut) => knownSipKillers(gut.sipTarget('TCP', localPort)).length,
    make(gut, index) {
      const target = gut.sipTarget('TCP', localPort);
      const corpus = knownSipKillers(target);
      if (index < corpus.length) return { inputs: [corpus[index]!], chunks: [corpus[index]!.bytes] };
      const rng = new Prng(seed ^ 0x7c0).fork(index);
      const count = rng.between(1, 4);
      const inputs = Array.from({ length: count }, (_, j) => sipFuzzInput(seed, (index - corpus.length) * 4 + j, target));
      const all = Buffer.concat(inputs.map((i) => i.bytes));
      const points = Array.from({ length: rng.int(4) }, () => rng.int(all.length + 1)).sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let from = 0;
      for (const point of points) {
        chunks.push(all.subarray(from, point));
        from = point;
      }
      chunks.push(all.subarray(from));
      return { inputs, chunks: chunks.filter((c) => c.length > 0) };
    },
    async send(gut, items) {
      await inPool(items, options.concurrency ?? 8, async (item) => void (await sipTcpSession(gut.gateway.sipPort, item.chunks, tally, options.readMs ?? 60)));
    },
    inputs: (item) => item.inputs.length,
    describe: (item) => ({ label: item.inputs.map((i) => i.label).join(' || '), text: item.inputs.map((i) => quoted(i.bytes, 400)).join(' + ') }),
  };
}

/** Mutated SMPP toward the embedded SMSC: streams of PDUs, half of them after a valid bind. */
export function smppAttack(seed: number, options: { concurrency?: number; readMs?: number; credentials?: SmppCredentials } = {}): Attack<SmppStream> {
  const credentials = options.credentials ?? SMPP_CREDENTIALS;
  return {
    name: 'SMPP',
    corpusSize: () => 0,
    make: (_gut, index) => smppFuzzStream(seed, index, credentials),
    async send(gut, items) {
      await inPool(items, options.concurrency ?? 4, async (item) => void (await smppSession(gut.gateway.smppPort, item, options.readMs ?? 50)));
    },
    inputs: (item) => item.pdus.length,
    describe: (item) => ({ label: item.label, text: item.pdus.map((p) => p.bytes.subarray(0, 120).toString('hex')).join(' ') }),
  };
}

export interface HealthReport {
  readonly alive: boolean;
  readonly options: number | null;
  /** Final statuses of the demo user's REGISTER and MESSAGE (null: no answer). */
  readonly register: number | null;
  readonly message: number | null;
  /** counters.accepted rose after the MESSAGE's 202 (it reached the SMSC). */
  readonly reachedSmsc: boolean;
  readonly bindsUp: boolean;
  /** What went wrong when a fresh ESME bound to the embedded SMSC (null: bind, enquire_link and unbind answered). */
  readonly smppPeer: string | null;
  readonly status: StatusSnapshot | null;
  readonly problems: string[];
}

/**
 * The gateway still does its job: it is alive, answers OPTIONS, takes the demo user's REGISTER
 * (answering its digest challenge) and a MESSAGE, which gets 202 and reaches the SMSC (the status
 * page's accepted counter moves); and its embedded SMSC still binds a fresh ESME.
 */
export async function checkHealth(gut: GatewayUnderTest): Promise<HealthReport> {
  const problems: string[] = [];
  if (!gut.gateway.alive) return { alive: false, options: null, register: null, message: null, reachedSmsc: false, bindsUp: false, smppPeer: 'dead', status: null, problems: ['the gateway process is dead'] };
  const credentials = { username: DEMO_USER, password: DEMO_PASSWORD };
  const options = await gut.probe.options(2000);
  if (options === null) problems.push('no answer to OPTIONS within 2 s');
  else if (options.response.status !== 200) problems.push(`OPTIONS answered ${options.response.status}`);
  const register = await gut.probe.register(DEMO_USER, credentials);
  if (register?.response.status !== 200) problems.push(`REGISTER of the demo user answered ${register?.response.status ?? 'nothing'}`);
  // the bind may be coming back after an SMPP attack: wait for it (bounded)
  let before: StatusSnapshot | null = null;
  for (let i = 0; i < 50; i++) {
    before = await gut.gateway.status();
    if (before?.smpp?.binds?.some((b) => b.bound === true) === true) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const bindsUp = before?.smpp?.binds?.some((b) => b.bound === true) === true;
  if (!bindsUp) problems.push('no SMPP bind is up');
  const message = await gut.probe.message(DEMO_USER, '447700900555', `health check ${Date.now()}`, credentials);
  if (message?.response.status !== 202) problems.push(`MESSAGE answered ${message?.response.status ?? 'nothing'}`);
  let after: StatusSnapshot | null = null;
  let reachedSmsc = false;
  for (let i = 0; i < 30 && !reachedSmsc; i++) {
    after = await gut.gateway.status();
    reachedSmsc = (after?.counters?.accepted ?? 0) > (before?.counters?.accepted ?? 0);
    if (!reachedSmsc) await new Promise((r) => setTimeout(r, 100));
  }
  if (!reachedSmsc) problems.push(`the MESSAGE did not reach the SMSC (accepted ${before?.counters?.accepted} -> ${after?.counters?.accepted})`);
  const smppPeer = await smppBindCheck(gut.gateway.smppPort, SMPP_CREDENTIALS);
  if (smppPeer !== null) problems.push(`the embedded SMSC no longer serves a fresh ESME: ${smppPeer}`);
  return { alive: gut.gateway.alive, options: options?.response.status ?? null, register: register?.response.status ?? null, message: message?.response.status ?? null, reachedSmsc, bindsUp, smppPeer, status: after, problems };
}

/**
 * Polls /status.json until no server transaction is live, or `limitMs` passes; resolves with the
 * last count (0 when they all ended).
 */
export async function waitForServerTransactions(gut: GatewayUnderTest, limitMs: number): Promise<{ server: number; client: number; waitedMs: number }> {
  const started = Date.now();
  let last: StatusSnapshot | null = null;
  const polls = Math.ceil(limitMs / 200) + 1;
  for (let i = 0; i < polls; i++) {
    last = await gut.gateway.status();
    if (last?.sip?.serverTransactions === 0 || Date.now() - started > limitMs) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { server: last?.sip?.serverTransactions ?? -1, client: last?.sip?.clientTransactions ?? -1, waitedMs: Date.now() - started };
}

/** The processes of the gateway's tree whose pid changed between two snapshots (restarted by their supervisor). */
export function restartedChildren(before: StatusSnapshot | null, after: StatusSnapshot | null): string[] {
  const a = treePids(before?.tree);
  const b = treePids(after?.tree);
  const out: string[] = [];
  for (const [path, pid] of a) if (b.has(path) && b.get(path) !== pid) out.push(path);
  return out;
}
