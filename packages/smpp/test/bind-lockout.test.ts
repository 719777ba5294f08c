// Failed binds: answered late (growing delay), a system_id or address locked out after too many,
// a bounded failure table; and the smpp-sim command's credentials by default.
import test from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Runtime, VirtualClock } from '@switchboard/actor';
import { BindGuard, CommandStatus, createPdu, encodePdu, listenMc, type Pdu } from '@switchboard/smpp';
import { TestMc, rawPeer, until } from './support/sessions.js';

const bindAs = (password: string, sequence: number, system_id = 'esme01'): Buffer =>
  encodePdu(createPdu('bind_transceiver', { system_id, password, sequence_number: sequence }));

/** Lets the loopback round trip happen without moving time. */
const turns = async (n = 20): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

test('a failed bind is answered after a delay that doubles; past maxFailures the system_id is locked out with ESME_RBINDFAIL', async (t) => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const mc = await listenMc(rt, { session: TestMc, args: { log: [] }, bindFailures: { delay: 1000, maxDelay: 4000, maxFailures: 3, lockoutTime: 60_000 } });
  const peer = await rawPeer(mc.port);
  const answers = (): Pdu[] => peer.received.filter((p): p is Pdu => typeof p !== 'string');

  for (const [i, delay] of [1000, 2000, 4000].entries()) {
    peer.socket.write(bindAs('wrong', i + 1));
    await turns();
    await clock.advance(delay - 1);
    await turns();
    t.is(answers().length, i, `failure ${i + 1} is not answered before ${delay} ms`);
    await clock.advance(1);
    await until(() => answers().length === i + 1, `the answer to failure ${i + 1}`);
    t.like(answers()[i], { command: 'bind_transceiver_resp', sequence_number: i + 1, command_status: CommandStatus.ESME_RINVPASWD });
  }
  // Locked out: even the right password is refused, without reaching the session.
  peer.socket.write(bindAs('secret', 4));
  await turns();
  await clock.advance(4000);
  await until(() => answers().length === 4, 'the locked-out answer');
  t.like(answers()[3], { sequence_number: 4, command_status: CommandStatus.ESME_RBINDFAIL });
  t.true(mc.bindGuard!.check('esme01', '127.0.0.1').locked);
  // Once the lockout is over, the right password binds (on a new connection: this one has
  // outlived sessionInitTime unbound).
  peer.socket.destroy();
  await clock.advance(60_000);
  const again = await rawPeer(mc.port);
  again.socket.write(bindAs('secret', 5));
  await until(() => again.received.length === 1, 'the bind after the lockout');
  t.like(again.received[0], { sequence_number: 5, command_status: CommandStatus.ESME_ROK });
  again.socket.destroy();
  await mc.close({ timeout: 100 });
});

test('bindFailures: false answers failed binds at once', async (t) => {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock });
  const mc = await listenMc(rt, { session: TestMc, args: { log: [] }, bindFailures: false });
  const peer = await rawPeer(mc.port);
  peer.socket.write(bindAs('wrong', 1));
  await until(() => peer.received.length === 1, 'the refusal');
  t.like(peer.received[0], { command_status: CommandStatus.ESME_RINVPASWD });
  t.is(mc.bindGuard, undefined);
  peer.socket.destroy();
  await mc.close({ timeout: 100 });
});

test('BindGuard: an address is locked out across system_ids, and the table stays within maxEntries', (t) => {
  const clock = new VirtualClock();
  const guard = new BindGuard(clock, { maxFailures: 3, maxFailuresPerAddress: 5, maxEntries: 50, window: 10_000, lockoutTime: 1000 });
  for (let i = 0; i < 5; i++) guard.failed(`guess${i}`, '192.0.2.7');
  t.true(guard.check('anyone', '192.0.2.7').locked, 'the address is locked out whatever the system_id');
  t.false(guard.check('anyone', '192.0.2.8').locked);
  for (let i = 0; i < 10_000; i++) guard.failed(`id${i}`, `198.51.100.${i % 256}`);
  t.true(guard.size <= 50, `the table holds ${guard.size} entries`);
  t.throws(() => new BindGuard(clock, { maxFailures: 0 }), { instanceOf: RangeError });
});

const cli = fileURLToPath(new URL('../src/simulator/cli.ts', import.meta.url));

/** Runs smpp-sim with `args`; resolves with its stdout once `ready` matches (or it exits). */
function runSim(args: string[], ready: RegExp): Promise<{ output: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import=tsx', '--conditions=@switchboard/source', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`smpp-sim did not start: ${output}`));
    }, 30_000);
    const done = (): void => {
      clearTimeout(timer);
      resolve({ output, stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) done();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', done);
  });
}

test('smpp-sim: without --user it requires a made-up password it prints; --help documents --open', async (t) => {
  const help = await runSim(['--help'], /--open/);
  t.regex(help.output, /--open accepts every bind/);
  t.regex(help.output, /Without --user/);

  const sim = await runSim(['--host', '127.0.0.1', '--port', '0'], /listening on [\d.]+:\d+/);
  try {
    const [, password] = /system_id smppclient1, password (\S+)/.exec(sim.output) ?? [];
    const [, port] = /listening on [\d.]+:(\d+)/.exec(sim.output) ?? [];
    t.truthy(password);
    const peer = await rawPeer(Number(port));
    peer.socket.write(bindAs('guess', 1, 'smppclient1'));
    await until(() => peer.received.length === 1, 'the refusal', 10_000); // after the 1 s delay
    t.like(peer.received[0], { command_status: CommandStatus.ESME_RINVPASWD });
    peer.socket.write(bindAs(password!, 2, 'smppclient1'));
    await until(() => peer.received.length === 2, 'the bind', 10_000);
    t.like(peer.received[1], { command_status: CommandStatus.ESME_ROK });
    peer.socket.destroy();
  } finally {
    sim.stop();
  }
});

test('smpp-sim --open accepts any bind', async (t) => {
  const sim = await runSim(['--host', '127.0.0.1', '--port', '0', '--open'], /listening on [\d.]+:\d+/);
  try {
    t.notRegex(sim.output, /password/);
    const [, port] = /listening on [\d.]+:(\d+)/.exec(sim.output) ?? [];
    const peer = await rawPeer(Number(port));
    peer.socket.write(bindAs('anything', 1, 'whoever'));
    await until(() => peer.received.length === 1, 'the bind', 10_000);
    t.like(peer.received[0], { command_status: CommandStatus.ESME_ROK });
    peer.socket.destroy();
  } finally {
    sim.stop();
  }
});
