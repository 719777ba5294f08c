// Digest authentication against real peers over loopback UDP: sipsak registering with our
// authenticator (MD5), our client registering with Kamailio's auth module, and our client and
// server together (SHA-256). Every peer is started here on free ports and killed at the end.
import test from 'ava';
import { Runtime, VirtualClock } from '@switchboard/actor';
import {
  createRequest,
  createResponse,
  DigestAuthenticator,
  DigestClient,
  digestHa1,
  exampleUac,
  parseUri,
  startStack,
  type CoreFactory,
  type DigestVerification,
  type ExampleUac,
  type SipStack,
} from '@switchboard/sip';
import { KAMAILIO_MODULES, freePort, runPeer, startKamailio, type Kamailio } from '@switchboard/test-support';

const REALM = '127.0.0.1';
const USERS: Record<string, string> = { alice: 'wonderland' };

/** A registrar core that requires digest credentials on everything but ACK and CANCEL. */
function registrar(auth: DigestAuthenticator, outcomes: DigestVerification[]): CoreFactory {
  return () => ({
    async receiveRequest(request, transaction) {
      if (transaction === null || request.method === 'ACK' || request.method === 'CANCEL') return;
      const outcome = await auth.verify(request);
      outcomes.push(outcome);
      if (outcome.kind !== 'ok') return transaction.respond(auth.answer(request, outcome));
      const contacts: [string, string][] = request.headers.getAll('Contact').map((contact) => ['Contact', `${contact};expires=${request.headers.first('expires') ?? 3600}`]);
      transaction.respond(createResponse(request, 200, { headers: contacts }));
    },
    receiveResponse() {},
    receiveError() {},
  });
}

async function registrarStack(algorithms?: DigestAuthenticator['algorithms']): Promise<{ stack: SipStack; port: number; outcomes: DigestVerification[] }> {
  const clock = new VirtualClock();
  const auth = new DigestAuthenticator({
    realm: REALM,
    secret: 'interop secret, thirty-two chars',
    lookup: (username, realm, algorithm) => (USERS[username] === undefined ? undefined : digestHa1(username, realm, USERS[username]!, algorithm)),
    now: () => clock.now(),
    ...(algorithms === undefined ? {} : { algorithms }),
  });
  const outcomes: DigestVerification[] = [];
  const stack = await startStack(new Runtime({ clock }), { listen: [{ transport: 'udp', port: 0 }], core: registrar(auth, outcomes) });
  return { stack, port: stack.listener('UDP')!.port, outcomes };
}

async function uacStack(): Promise<{ stack: SipStack; uac: ExampleUac }> {
  let uac: ExampleUac | undefined;
  const stack = await startStack(new Runtime({ clock: new VirtualClock() }), { listen: [{ transport: 'udp', port: 0 }], core: exampleUac((u) => (uac = u)) });
  return { stack, uac: uac! };
}

function register(stack: SipStack, registrarPort: number, user: string) {
  const local = stack.listener('UDP')!.sentBy;
  const aor = parseUri(`sip:${user}@127.0.0.1`);
  return createRequest({
    method: 'REGISTER',
    uri: parseUri(`sip:127.0.0.1:${registrarPort}`),
    from: { displayName: null, uri: aor, params: [] },
    to: { displayName: null, uri: aor, params: [] },
    contact: { displayName: null, uri: parseUri(`sip:${user}@${local.host}:${local.port}`), params: [] },
    headers: [['Expires', '600']],
  });
}

function sipsak(port: number, password: string) {
  // -U: usrloc mode, one REGISTER with the Contact given; -a / -u: MD5 digest credentials
  return runPeer('sipsak', ['-U', '-C', `sip:alice@127.0.0.1:${port + 1}`, '-s', `sip:alice@127.0.0.1:${port}`, '-u', 'alice', '-a', password, '-x', '600', '-vv']);
}

test('sipsak registers with our authenticator (MD5 digest, qop=auth), and fails with a wrong password', async (t) => {
  // sipsak reads only the first challenge and knows only MD5: offer MD5 first for such clients
  const { stack, port, outcomes } = await registrarStack(['MD5', 'SHA-256']);
  try {
    const good = sipsak(port, 'wonderland');
    const status = await good.exit(20_000);
    t.is(status, 0, `sipsak:\n${good.lines.join('\n')}\n${good.stderr.join('')}`);
    t.true(outcomes.some((o) => o.kind === 'missing'), 'challenged first');
    t.like(outcomes.find((o) => o.kind === 'ok'), { kind: 'ok', username: 'alice', algorithm: 'MD5' });

    outcomes.length = 0;
    const bad = sipsak(port, 'looking-glass');
    const badStatus = await bad.exit(20_000);
    t.not(badStatus, 0, `sipsak with a wrong password:\n${bad.lines.join('\n')}`);
    t.false(outcomes.some((o) => o.kind === 'ok'));
    t.like(outcomes.find((o) => o.kind === 'refused'), { kind: 'refused', reason: 'wrong-response', username: 'alice' });
  } finally {
    await stack.stop();
  }
});

test('our client and server over UDP: SHA-256 chosen, registered; a wrong password stops after one try', async (t) => {
  const { stack: server, port, outcomes } = await registrarStack();
  const { stack, uac } = await uacStack();
  try {
    const request = register(stack, port, 'alice');
    const challenge = await uac.request(request);
    t.is(challenge.status, 401);
    const digest = new DigestClient({ username: 'alice', password: 'wonderland' });
    const again = digest.authorize(request, challenge, { via: 'drop' });
    const ok = await uac.request(again);
    t.is(ok.status, 200);
    t.like(outcomes.at(-1), { kind: 'ok', username: 'alice', algorithm: 'SHA-256' });
    // a refresh signed with the nonce already given (nc 2): no new challenge
    const refresh = digest.sign(register(stack, port, 'alice'));
    t.is((await uac.request(refresh)).status, 200);
    t.regex(refresh.headers.get('Authorization')!, /nc=00000002/);

    const wrong = new DigestClient({ username: 'alice', password: 'looking-glass' });
    const first = register(stack, port, 'alice');
    const retry = wrong.authorize(first, await uac.request(first), { via: 'drop' });
    const refused = await uac.request(retry);
    t.is(refused.status, 401);
    t.throws(() => wrong.authorize(retry, refused), { code: 'ERR_SIP_AUTH_CHALLENGE', message: /refused/ });
  } finally {
    await stack.stop();
    await server.stop();
  }
});

const kamailioConfig = (port: number, algorithm: string): string => `#!KAMAILIO
debug=2
log_stderror=yes
children=1
auto_aliases=no
listen=udp:127.0.0.1:${port}
mpath="${KAMAILIO_MODULES}"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "auth.so"
modparam("auth", "algorithm", "${algorithm}")

request_route {
  if (method != "REGISTER") {
    sl_send_reply("405", "Method Not Allowed");
    exit;
  }
  if (!pv_www_authenticate("$td", "wonderland", "0")) {
    xlog("L_NOTICE", "AUTH: challenge $fU ($rc)\\n");
    www_challenge("$td", "1");
    exit;
  }
  xlog("L_NOTICE", "AUTH: ok $au\\n");
  sl_send_reply("200", "OK");
}
`;

for (const algorithm of ['MD5', 'SHA-256']) {
  test.serial(`Kamailio's auth module challenges (${algorithm}); our client answers and is registered`, async (t) => {
    const port = await freePort();
    const { stack, uac } = await uacStack();
    let kamailio: Kamailio | undefined;
    try {
      kamailio = await startKamailio(kamailioConfig(port, algorithm), { port, memory: [32, 8] });
      const request = register(stack, port, 'alice');
      const challenge = await uac.request(request);
      t.is(challenge.status, 401, kamailio.log());
      const offered = challenge.headers.get('WWW-Authenticate')!;
      t.regex(offered, new RegExp(`algorithm=${algorithm}`));
      t.regex(offered, /qop="auth"/);
      const again = new DigestClient({ username: 'alice', password: 'wonderland' }).authorize(request, challenge, { via: 'drop' });
      const ok = await uac.request(again);
      t.is(ok.status, 200, kamailio.log().slice(-3000));
      await untilLogged(kamailio, /AUTH: ok alice/, 5000); // xlog writes after the reply is sent

      const wrong = register(stack, port, 'alice');
      const refused = await uac.request(new DigestClient({ username: 'alice', password: 'looking-glass' }).authorize(wrong, await uac.request(wrong), { via: 'drop' }));
      t.is(refused.status, 401, 'Kamailio challenges again: the wrong password is refused');
    } finally {
      await kamailio?.stop();
      await stack.stop();
    }
  });
}

/** Waits (in wall time: Kamailio is another process) for its log to show `pattern`. */
function untilLogged(kamailio: Kamailio, pattern: RegExp, limit: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      if (pattern.test(kamailio.log())) return resolve();
      if (Date.now() - started > limit) return reject(new Error(`Kamailio did not log ${pattern} within ${limit} ms:\n${kamailio.log()}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}
