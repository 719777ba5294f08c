// Who may use the gateway (issue: anyone could hijack a registration): REGISTER and MESSAGE need
// digest credentials (RFC 3261 §22); a user registers and sends only as themself; users are added
// with `pnpm users` and kept as HA1s. Peers nobody here wrote (sipsak, sipp) authenticate with the
// demo user of the embedded defaults; our own DigestClient answers the SHA-256 challenge.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { Runtime } from '@switchboard/actor';
import { DigestClient, authParam, parseChallenges, parseMessage, serializeMessage, type SipRequest, type SipResponse } from '@switchboard/sip';
import { loadConfig, startGateway } from '@switchboard/gateway';
import { UdpPeer, freePort, haveSipp, request, runSipp } from '@switchboard/test-support';
import { bound, gatewayEnvironment } from './support/gateway.js';

const scenarios = (name: string): string => fileURLToPath(new URL(`../scenarios/${name}`, import.meta.url));
const DEMO = { user: '447700900123', password: 'switchboard' };


function run(command: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.stdin.end(input ?? '');
    child.on('exit', (code) => resolve({ code, output }));
  });
}


function registration(sipPort: number, peerPort: number, user: string, seq: number, extra: string[] = [], contact = `<sip:${user}@127.0.0.1:${peerPort}>`): string {
  return request([
    `REGISTER sip:127.0.0.1:${sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peerPort};branch=z9hG4bKauth${user}${seq}`,
    `From: <sip:${user}@switchboard.local>;tag=a${seq}`,
    `To: <sip:${user}@switchboard.local>`,
    `Call-ID: auth-${user}`,
    `CSeq: ${seq} REGISTER`,
    `Contact: ${contact}`,
    ...extra,
  ]);
}

(haveSipp ? test.serial : test.skip)('the demo user registers with sipsak and sipp and sends MESSAGEs with sipp; a wrong password is refused', async (t) => {
  const env = await gatewayEnvironment();
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  const gateway = await startGateway(new Runtime(), loadConfig({ env }));
  try {
    await bound(gateway);
    const sipsak = (password: string) => run('sipsak', ['-U', '-C', `sip:${DEMO.user}@127.0.0.1:9998`, '-s', `sip:${DEMO.user}@127.0.0.1:${sipPort}`, '-x', '300', '-i', '-u', DEMO.user, '-a', password]);
    t.not((await sipsak('wrong')).code, 0, 'a wrong password is not registered');
    t.is(await gateway.store.countBindings(Date.now()), 0);
    const registered = await sipsak(DEMO.password);
    t.is(registered.code, 0, registered.output.slice(-1500));
    t.is(await gateway.store.countBindings(Date.now()), 1);
    const sippRegister = await runSipp(['-sf', scenarios('register.xml'), '-s', DEMO.user, '-ap', DEMO.password, `127.0.0.1:${sipPort}`, '-i', '127.0.0.1', '-p', String(await freePort()), '-m', '1']).done;
    t.is(sippRegister.status, 0, sippRegister.output.slice(-1500));
    t.is((await gateway.store.bindings(`sip:${DEMO.user}@switchboard.local`, Date.now())).length, 2);
    // sipp writes the digest uri as sip:remote_ip:remote_port unless -auth_uri names the Request-URI
    const messages = await runSipp(['-sf', scenarios('message.xml'), '-set', 'user', DEMO.user, '-au', DEMO.user, '-ap', DEMO.password, '-auth_uri', `447700900124@127.0.0.1:${sipPort}`, '-s', '447700900124', `127.0.0.1:${sipPort}`, '-i', '127.0.0.1', '-p', String(await freePort()), '-m', '3']).done;
    t.is(messages.status, 0, messages.output.slice(-1500));
    t.is(gateway.simulator!.submitted.length, 3);
  } finally {
    await gateway.stop();
  }
});

test.serial('without credentials nothing changes: REGISTER and Contact: * get 401 (with auth.algorithms SHA-256,MD5: both challenges), MESSAGE gets 401 and never reaches the SMSC; acting as another user is 403', async (t) => {
  const env = await gatewayEnvironment({ SWITCHBOARD_AUTH_ALGORITHMS: 'SHA-256,MD5' });
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  const gateway = await startGateway(new Runtime(), loadConfig({ env }));
  const peer = await UdpPeer.open(parseMessage);
  const next = async (): Promise<SipResponse> => (await peer.next()) as SipResponse;
  const digest = new DigestClient({ username: DEMO.user, password: DEMO.password });
  /** Sends `text`, answers its 401 with the demo user's credentials, and returns the final response. */
  const authenticated = async (text: string): Promise<SipResponse> => {
    peer.send(text, sipPort);
    const challenge = await next();
    t.is(challenge.status, 401);
    const again = digest.authorize(parseMessage(Buffer.from(text.replace(/\r?\n/g, '\r\n'))) as SipRequest, challenge);
    peer.sendBytes(serializeMessage(again), sipPort);
    return next();
  };
  try {
    await bound(gateway);
    const ok = await authenticated(registration(sipPort, peer.port, DEMO.user, 1));
    t.is(ok.status, 200, 'our client answered the SHA-256 challenge');
    const bindings = async () => (await gateway.store.bindings(`sip:${DEMO.user}@switchboard.local`, Date.now())).map((b) => b.contact);
    t.deepEqual(await bindings(), [`sip:${DEMO.user}@127.0.0.1:${peer.port}`]);

    // The attacker: a contact of their own, then a wipe, with no credentials.
    peer.send(registration(sipPort, peer.port, DEMO.user, 10, [], '<sip:attacker@127.0.0.1:6666>'), sipPort);
    const challenge = await next();
    t.is(challenge.status, 401);
    const offered = challenge.headers.getAll('WWW-Authenticate').map((row) => authParam(parseChallenges(row, 'WWW-Authenticate')[0]!, 'algorithm'));
    t.deepEqual(offered, ['SHA-256', 'MD5']);
    t.is(challenge.headers.get('Contact'), undefined, 'the 401 reveals no contact');
    peer.send(registration(sipPort, peer.port, DEMO.user, 11, ['Expires: 0'], '*'), sipPort);
    t.is((await next()).status, 401);
    t.deepEqual(await bindings(), [`sip:${DEMO.user}@127.0.0.1:${peer.port}`], 'the bindings are untouched');

    // Authenticated as the demo user, registering someone else's AOR: 403.
    const other = await authenticated(registration(sipPort, peer.port, '447700900999', 20));
    t.is(other.status, 403);
    t.is(await gateway.store.countBindings(Date.now()), 1);

    const message = (from: string, seq: number) =>
      request(
        [
          `MESSAGE sip:447700900124@127.0.0.1:${sipPort} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKmsg${from}${seq}`,
          `From: <sip:${from}@switchboard.local>;tag=m${seq}`,
          'To: <sip:447700900124@switchboard.local>',
          `Call-ID: msg-${from}-${seq}`,
          `CSeq: ${seq} MESSAGE`,
          'Content-Type: text/plain',
        ],
        'hello',
      );
    const spoofed = await authenticated(message('447700900999', 1));
    t.is(spoofed.status, 403, 'a MESSAGE from another user’s number');
    t.is((await authenticated(message(DEMO.user, 2))).status, 202);
    t.is(gateway.simulator!.submitted.length, 1, 'only the authenticated MESSAGE from its own number went out');
  } finally {
    peer.close();
    await gateway.stop();
  }
});

test.serial('pnpm users adds a user as HA1s only (no password in the store), lists and removes them; the new user registers', async (t) => {
  const env = await gatewayEnvironment();
  const sipPort = Number(env.SWITCHBOARD_SIP_PORT);
  const cli = fileURLToPath(new URL('../src/users-cli.ts', import.meta.url));
  const tsx = ['--import=tsx', '--conditions=@switchboard/source', cli];
  const password = 'correct horse battery staple';
  const added = await run(process.execPath, [...tsx, 'add', '447700900777'], `${password}\n`, env);
  t.is(added.code, 0, added.output);
  t.regex(added.output, /added 447700900777 for realm switchboard\.local/);
  t.is((await run(process.execPath, [...tsx, 'add', 'no spaces'], 'x\n', env)).code, 65, 'a bad username is refused');
  t.false(readFileSync(env.SWITCHBOARD_STORE_PATH!).includes(password), 'the password is not in the database');
  const gateway = await startGateway(new Runtime(), loadConfig({ env }));
  try {
    const sipsak = await run('sipsak', ['-U', '-C', 'sip:447700900777@127.0.0.1:9997', '-s', `sip:447700900777@127.0.0.1:${sipPort}`, '-x', '300', '-i', '-u', '447700900777', '-a', password]);
    t.is(sipsak.code, 0, sipsak.output.slice(-1500));
    t.deepEqual(await gateway.store.usernames(), [DEMO.user, '447700900777']);
  } finally {
    await gateway.stop();
  }
  const listed = await run(process.execPath, [...tsx, 'list'], '', env);
  t.is(listed.output, `${DEMO.user}\n447700900777\n`);
  t.is((await run(process.execPath, [...tsx, 'remove', '447700900777'], '', env)).code, 0);
  t.is((await run(process.execPath, [...tsx, 'remove', '447700900777'], '', env)).code, 1, 'removing twice fails');
});
