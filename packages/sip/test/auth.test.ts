// Digest authentication without a network: the RFC test vectors, the server's verification
// outcomes (stale, forged, wrong, malformed…) and the client's answers, on a virtual clock.
import test from 'ava';
import { VirtualClock } from '@switchboard/actor';
import {
  createRequest,
  createResponse,
  DigestAuthenticator,
  DigestChallengeError,
  DigestClient,
  DigestConfigError,
  digestChallenges,
  digestHa1,
  digestResponse,
  parseChallenges,
  parseMessage,
  serializeMessage,
  parseUri,
  viaBranch,
  type Credentials,
  type DigestAlgorithm,
  type DigestAuthenticatorOptions,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';

const REALM = 'example.com';
const SECRET = 'a secret of thirty-two characters';
const PASSWORDS: Record<string, string> = { alice: 'wonderland', 'bob "the" builder': 'can we fix it' };

function authenticator(clock: VirtualClock, options: Partial<DigestAuthenticatorOptions> = {}): DigestAuthenticator {
  return new DigestAuthenticator({
    realm: REALM,
    secret: SECRET,
    lookup: (username, realm, algorithm) => {
      const password = PASSWORDS[username];
      return password === undefined ? undefined : digestHa1(username, realm, password, algorithm);
    },
    nonceLifetime: 60_000,
    now: () => clock.now(),
    ...options,
  });
}

function register(user = 'alice'): SipRequest {
  return createRequest({
    method: 'REGISTER',
    uri: parseUri(`sip:${REALM}`),
    from: { displayName: null, uri: parseUri(`sip:${user.replace(/\W/g, '')}@${REALM}`), params: [] },
    to: { displayName: null, uri: parseUri(`sip:${user.replace(/\W/g, '')}@${REALM}`), params: [] },
    via: { protocol: 'SIP/2.0', transport: 'UDP', host: '192.0.2.1', port: 5060 },
    contact: { displayName: null, uri: parseUri('sip:alice@192.0.2.1'), params: [] },
  });
}

/** Through the wire and back, as the server would read it. */
function received<M extends SipRequest | SipResponse>(message: M): M {
  return parseMessage(serializeMessage(message)) as M;
}

/** A request answering a fresh challenge of `auth` for `user` / `password`. */
function signed(auth: DigestAuthenticator, user = 'alice', password = PASSWORDS[user]!, options: { algorithms?: DigestAlgorithm[]; proxy?: boolean } = {}): SipRequest {
  const request = register(user);
  const challenge = received(auth.challenge(request, { proxy: options.proxy ?? false }));
  const client = new DigestClient({ username: user, password }, options.algorithms === undefined ? {} : { algorithms: options.algorithms });
  return received(client.authorize(request, challenge));
}

/** The request with its Authorization's params changed by `edit`. */
function edited(request: SipRequest, edit: (params: [string, string][]) => [string, string][]): SipRequest {
  const credentials = request.headers.first('authorization')!;
  const changed: Credentials = { scheme: credentials.scheme, params: edit(credentials.params.map(([n, v]) => [n, v])) };
  request.headers.set('Authorization', changed);
  return received(request);
}

const setParam = (name: string, value: string) => (params: [string, string][]): [string, string][] => params.map(([n, v]) => [n, n === name ? value : v]);
const dropParam = (name: string) => (params: [string, string][]): [string, string][] => params.filter(([n]) => n !== name);

// ---- test vectors ----

test('RFC 7616 §3.9.1: the SHA-256 and MD5 responses of the Mufasa example', (t) => {
  const common = {
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    method: 'GET',
    uri: '/dir/index.html',
    qop: 'auth' as const,
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };
  const sha256 = digestHa1('Mufasa', 'http-auth@example.org', 'Circle of Life', 'SHA-256');
  t.is(digestResponse({ ...common, algorithm: 'SHA-256', ha1: sha256 }), '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  const md5 = digestHa1('Mufasa', 'http-auth@example.org', 'Circle of Life', 'MD5');
  t.is(digestResponse({ ...common, algorithm: 'MD5', ha1: md5 }), '8ca523f5e9506fed4657c9700eebdbec');
  t.is(sha256, '7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232', 'the HA1 in the digestHa1 docs');
});

test('RFC 2617 §3.5: the MD5 response of the Mufasa example', (t) => {
  const ha1 = digestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life');
  t.is(
    digestResponse({ algorithm: 'MD5', ha1, nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', method: 'GET', uri: '/dir/index.html', qop: 'auth', nc: '00000001', cnonce: '0a4f113b' }),
    '6629fae49393a05397450978507c4ef1',
  );
});

test('the client answers the RFC 7616 §3.9.1 challenges: SHA-256 chosen, opaque returned, response per §3.4.1', (t) => {
  const request = createRequest({
    method: 'REGISTER',
    uri: parseUri('sip:example.org'),
    from: { displayName: null, uri: parseUri('sip:mufasa@example.org'), params: [] },
    to: { displayName: null, uri: parseUri('sip:mufasa@example.org'), params: [] },
  });
  const challenge = createResponse(request, 401, {
    headers: [
      ['WWW-Authenticate', 'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'],
      ['WWW-Authenticate', 'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'],
    ],
  });
  const cnonce = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
  const client = new DigestClient({ username: 'Mufasa', password: 'Circle of Life' }, { cnonce: () => cnonce });
  const answer = received(client.authorize(request, received(challenge)));
  const credentials = answer.headers.first('authorization')!;
  const param = (name: string): string | undefined => credentials.params.find(([n]) => n === name)?.[1];
  t.is(param('algorithm'), 'SHA-256', 'SHA-256 over MD5, whatever the order');
  t.is(param('uri'), 'sip:example.org');
  t.is(param('opaque'), 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS');
  t.is(param('cnonce'), cnonce);
  // The RFC's digest-uri is an HTTP path, not a Request-URI a SIP message can carry; with the
  // request's own URI the response is §3.4.1's formula over the same inputs.
  const ha1 = digestHa1('Mufasa', 'http-auth@example.org', 'Circle of Life', 'SHA-256');
  const inputs = { algorithm: 'SHA-256' as const, ha1, nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v', method: 'REGISTER', uri: 'sip:example.org', qop: 'auth' as const, nc: '00000001', cnonce };
  t.is(param('response'), digestResponse(inputs));
  t.is(digestResponse({ ...inputs, method: 'GET', uri: '/dir/index.html' }), '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  t.regex(answer.headers.get('Authorization')!, /^Digest username="Mufasa", realm="http-auth@example\.org", nonce="[^"]+", uri="sip:example\.org", response="[0-9a-f]{64}", algorithm=SHA-256, cnonce="[^"]+", qop=auth, nc=00000001, opaque="[^"]+"$/);
});

// ---- the server ----

test('challenge: 401 with one WWW-Authenticate per algorithm, SHA-256 first, qop="auth", one nonce', (t) => {
  const auth = authenticator(new VirtualClock());
  const response = received(auth.challenge(register()));
  t.is(response.status, 401);
  const rows = response.headers.getAll('WWW-Authenticate');
  t.is(rows.length, 2);
  t.regex(rows[0]!, /^Digest realm="example\.com", qop="auth", algorithm=SHA-256, nonce="[\w-]{43}", opaque="[\w-]+"$/);
  t.regex(rows[1]!, /algorithm=MD5/);
  const [sha, md5] = rows.map((row) => parseChallenges(row, 'WWW-Authenticate')[0]!);
  t.is(sha!.params.find(([n]) => n === 'nonce')![1], md5!.params.find(([n]) => n === 'nonce')![1]);
  const proxy = received(auth.challenge(register(), { proxy: true, stale: true }));
  t.is(proxy.status, 407);
  t.regex(proxy.headers.get('Proxy-Authenticate')!, /, stale=true$/);
});

test('verify: a client answering the challenge is accepted, SHA-256 by default, MD5 when asked', async (t) => {
  const auth = authenticator(new VirtualClock());
  t.deepEqual(await auth.verify(signed(auth)), { kind: 'ok', username: 'alice', realm: REALM, algorithm: 'SHA-256' });
  t.deepEqual(await auth.verify(signed(auth, 'alice', 'wonderland', { algorithms: ['MD5'] })), { kind: 'ok', username: 'alice', realm: REALM, algorithm: 'MD5' });
  const quoted = await auth.verify(signed(auth, 'bob "the" builder'));
  t.is(quoted.kind, 'ok', 'a username with quotes is escaped and read back');
  const proxied = signed(auth, 'alice', 'wonderland', { proxy: true });
  t.is((await auth.verify(proxied, { proxy: true })).kind, 'ok');
  t.deepEqual(await auth.verify(proxied), { kind: 'missing', reason: 'no-credentials' }, 'a registrar reads Authorization only');
});

test('verify: the -sess algorithms, when offered', async (t) => {
  const auth = authenticator(new VirtualClock(), { algorithms: ['SHA-256-sess', 'MD5-sess'] });
  t.like(await auth.verify(signed(auth)), { kind: 'ok', algorithm: 'SHA-256-sess' });
  t.like(await auth.verify(signed(auth, 'alice', 'wonderland', { algorithms: ['MD5-sess'] })), { kind: 'ok', algorithm: 'MD5-sess' });
});

test('verify: no credentials, or only for another realm → missing; answered with a challenge', async (t) => {
  const clock = new VirtualClock();
  const auth = authenticator(clock);
  const bare = register();
  const missing = await auth.verify(bare);
  t.deepEqual(missing, { kind: 'missing', reason: 'no-credentials' });
  t.is(auth.answer(bare, missing as never).status, 401);
  const elsewhere = new DigestAuthenticator({ realm: 'other.example', secret: SECRET, lookup: () => digestHa1('alice', 'other.example', 'wonderland', 'SHA-256') });
  const other = signed(elsewhere);
  t.deepEqual(await auth.verify(other), { kind: 'missing', reason: 'other-realm' }, 'credentials for another realm are another proxy\'s');
});

test('verify: an expired but authentic nonce → stale, answered with stale=true; a wrong password on it is refused', async (t) => {
  const clock = new VirtualClock();
  const auth = authenticator(clock);
  const request = signed(auth);
  const wrong = signed(auth, 'alice', 'looking-glass');
  await clock.advance(60_001);
  const outcome = await auth.verify(request);
  t.deepEqual(outcome, { kind: 'stale', reason: 'expired', username: 'alice' });
  if (outcome.kind === 'ok') return t.fail();
  t.regex(auth.answer(request, outcome).headers.get('WWW-Authenticate')!, /stale=true/);
  t.like(await auth.verify(wrong), { kind: 'refused', reason: 'wrong-response' });
});

test('verify: a nonce from the future (a clock that went back) is stale, not accepted', async (t) => {
  const clock = new VirtualClock();
  await clock.advance(100_000);
  const ahead = authenticator(clock);
  const request = signed(ahead);
  let now = 0;
  const behind = authenticator(clock, { now: () => now });
  t.like(await behind.verify(request), { kind: 'stale', reason: 'expired' });
  now = 100_000;
  t.like(await behind.verify(request), { kind: 'ok' }, 'nodes sharing the secret and a clock take each other\'s nonces');
});

test('verify: a tampered nonce, or one signed with another secret, is refused', async (t) => {
  const clock = new VirtualClock();
  const auth = authenticator(clock);
  const request = signed(auth);
  const nonce = request.headers.first('authorization')!.params.find(([n]) => n === 'nonce')![1];
  const flipped = `${nonce.slice(0, 3)}${nonce[3] === 'A' ? 'B' : 'A'}${nonce.slice(4)}`;
  // The response is recomputed over the tampered nonce by a client that knows the password:
  // only the nonce's own signature can refuse it.
  const forger = new DigestClient({ username: 'alice', password: 'wonderland' });
  const challenge = received(auth.challenge(register()));
  const tampered = forger.authorize(register(), received(withNonce(challenge, flipped)));
  t.like(await auth.verify(received(tampered)), { kind: 'refused', reason: 'forged-nonce' });
  t.like(await auth.verify(edited(signed(auth), setParam('nonce', 'short'))), { kind: 'refused', reason: 'forged-nonce' });
  const stranger = authenticator(clock, { secret: 'another secret, just as long as ours' });
  t.like(await auth.verify(signed(stranger)), { kind: 'refused', reason: 'forged-nonce' });
  t.like(await stranger.verify(request), { kind: 'refused', reason: 'forged-nonce' });
});

function withNonce(challenge: SipResponse, nonce: string): SipResponse {
  const rows = challenge.headers.getAll('WWW-Authenticate').map((row) => row.replace(/nonce="[^"]*"/, `nonce="${nonce}"`));
  challenge.headers.delete('WWW-Authenticate');
  for (const row of rows) challenge.headers.append('WWW-Authenticate', row);
  return challenge;
}

test('verify: wrong password, unknown user, wrong uri, wrong opaque → refused, each with its reason', async (t) => {
  const auth = authenticator(new VirtualClock());
  t.deepEqual(await auth.verify(signed(auth, 'alice', 'looking-glass')), { kind: 'refused', reason: 'wrong-response', username: 'alice' });
  const nobody = register();
  const unknown = new DigestClient({ username: 'mallory', password: 'x' }).authorize(nobody, received(auth.challenge(nobody)));
  t.deepEqual(await auth.verify(received(unknown)), { kind: 'refused', reason: 'unknown-user', username: 'mallory' });
  t.like(await auth.verify(edited(signed(auth), setParam('uri', 'sip:elsewhere.example'))), { kind: 'refused', reason: 'wrong-uri' });
  t.like(await auth.verify(edited(signed(auth), setParam('opaque', 'not-ours'))), { kind: 'refused', reason: 'wrong-opaque' });
  t.like(await auth.verify(edited(signed(auth), setParam('response', '0'.repeat(64)))), { kind: 'refused', reason: 'wrong-response' });
  t.like(await auth.verify(edited(signed(auth), setParam('response', 'abc'))), { kind: 'refused', reason: 'wrong-response' }, 'a response of another length');
  const dropped = await auth.verify(edited(signed(auth), dropParam('opaque')));
  t.is(dropped.kind, 'ok', 'opaque left out (as many SIP clients do) is accepted');
  const refusedOutcome = await auth.verify(signed(auth, 'alice', 'looking-glass'));
  if (refusedOutcome.kind === 'ok') return t.fail();
  t.is(auth.answer(register(), refusedOutcome).status, 401);
  t.is(auth.answer(register(), refusedOutcome, { refused: 'forbid' }).status, 403);
});

test('verify: the digest-uri may be written differently from the Request-URI if it names the same URI', async (t) => {
  const auth = authenticator(new VirtualClock());
  const request = signed(auth);
  const wire = serializeMessage(request).toString().replace(/^REGISTER sip:example\.com SIP/, 'REGISTER sip:EXAMPLE.com SIP');
  // the response covers the digest-uri as sent, so only the Request-URI differs in writing
  const outcome = await auth.verify(parseMessage(Buffer.from(wire)) as SipRequest);
  t.not(outcome.kind, 'malformed');
});

test('verify: an unknown or unoffered algorithm → refused unsupported-algorithm', async (t) => {
  const auth = authenticator(new VirtualClock());
  t.like(await auth.verify(edited(signed(auth), setParam('algorithm', 'SHA-1'))), { kind: 'refused', reason: 'unsupported-algorithm' });
  const md5Only = authenticator(new VirtualClock(), { algorithms: ['MD5'] });
  const sha = signed(auth);
  t.like(await md5Only.verify(sha), { kind: 'refused', reason: 'unsupported-algorithm' }, 'SHA-256 not offered by this one');
  t.like(await auth.verify(edited(signed(auth), setParam('qop', 'auth-int'))), { kind: 'refused', reason: 'unsupported-qop' });
  t.like(await auth.verify(edited(signed(auth), (p) => p.filter(([n]) => n !== 'qop' && n !== 'nc' && n !== 'cnonce'))), { kind: 'refused', reason: 'unsupported-qop' });
});

test('verify: missing fields and malformed headers → malformed (answered 400), never a throw', async (t) => {
  const auth = authenticator(new VirtualClock());
  for (const name of ['username', 'nonce', 'uri', 'response', 'cnonce', 'nc']) {
    const outcome = await auth.verify(edited(signed(auth), dropParam(name)));
    t.is(outcome.kind, 'malformed', `without ${name}`);
  }
  t.like(await auth.verify(edited(signed(auth), setParam('nc', '1'))), { kind: 'malformed', reason: 'qop without an 8-digit hex nc' });
  const bad = ['Digest username="alice", realm="example.com", nonce="x', 'Digest username=', 'Digest , ,', 'Digest username="a" realm="b"'];
  for (const value of bad) {
    const request = register();
    request.headers.append('Authorization', value);
    const outcome = await auth.verify(received(request));
    t.is(outcome.kind, 'malformed', value);
    if (outcome.kind === 'ok') continue;
    const answer = auth.answer(request, outcome);
    t.is(answer.status, 400);
    t.regex(answer.reason, /^Bad Request \(Authorization: /);
  }
  const basic = register();
  basic.headers.append('Authorization', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l');
  t.deepEqual(await auth.verify(received(basic)), { kind: 'missing', reason: 'other-realm' }, 'another scheme is not ours to judge');
});

test('verify: a nonce count used twice → stale replayed; a higher one passes; the table stays bounded', async (t) => {
  const auth = authenticator(new VirtualClock(), { replayWindow: 2 });
  const first = signed(auth);
  t.is((await auth.verify(first)).kind, 'ok');
  t.deepEqual(await auth.verify(first), { kind: 'stale', reason: 'replayed', username: 'alice' });
  // the same nonce, nc 2, signed by the client that answered the challenge
  const request = register();
  const client = new DigestClient({ username: 'alice', password: 'wonderland' });
  const answered = received(client.authorize(request, received(auth.challenge(request))));
  t.is((await auth.verify(answered)).kind, 'ok');
  const next = received(client.sign(register()));
  t.regex(next.headers.get('Authorization')!, /nc=00000002/);
  t.is((await auth.verify(next)).kind, 'ok');
  t.is((await auth.verify(next)).kind, 'stale');
  // two more nonces push the first out of a table of two: it is taken as new again, once
  t.is((await auth.verify(signed(auth))).kind, 'ok');
  t.is((await auth.verify(signed(auth))).kind, 'ok');
  t.is((await auth.verify(first)).kind, 'ok', 'forgotten for room (still bounded by the nonce lifetime)');
  const off = authenticator(new VirtualClock(), { replayWindow: 0 });
  const twice = signed(off);
  t.is((await off.verify(twice)).kind, 'ok');
  t.is((await off.verify(twice)).kind, 'ok', 'replayWindow 0 turns the check off');
});

test('verify: an asynchronous lookup (a database) works; its rejection rejects verify', async (t) => {
  const clock = new VirtualClock();
  const auth = authenticator(clock, { lookup: async (u, r, a) => digestHa1(u, r, PASSWORDS[u]!, a) });
  t.is((await auth.verify(signed(auth))).kind, 'ok');
  const broken = authenticator(clock, { lookup: () => Promise.reject(new Error('database down')) });
  await t.throwsAsync(broken.verify(signed(broken)), { message: 'database down' });
});

test('options: a short secret, an empty realm or no algorithm is a DigestConfigError', (t) => {
  const clock = new VirtualClock();
  t.like(t.throws(() => authenticator(clock, { secret: 'short' })), { code: 'ERR_SIP_AUTH_CONFIG', option: 'secret' });
  t.like(t.throws(() => authenticator(clock, { realm: '' })), { code: 'ERR_SIP_AUTH_CONFIG', option: 'realm' });
  t.like(t.throws(() => authenticator(clock, { algorithms: [] })), { code: 'ERR_SIP_AUTH_CONFIG', option: 'algorithms' });
  t.true(t.throws(() => authenticator(clock, { nonceLifetime: 0 })) instanceof DigestConfigError);
});

// ---- the client ----

test('authorize: CSeq + 1, a new branch, the same Call-ID and From tag; the request itself unchanged', (t) => {
  const auth = authenticator(new VirtualClock());
  const request = register();
  const before = serializeMessage(request).toString();
  const again = new DigestClient({ username: 'alice', password: 'wonderland' }).authorize(request, received(auth.challenge(request)));
  t.is(again.cseq!.seq, request.cseq!.seq + 1);
  t.is(again.cseq!.method, 'REGISTER');
  t.not(viaBranch(again.topVia!), viaBranch(request.topVia!));
  t.regex(viaBranch(again.topVia!)!, /^z9hG4bK/);
  t.is(again.callId, request.callId);
  t.deepEqual(again.from, request.from);
  t.is(serializeMessage(request).toString(), before);
  const dropped = new DigestClient({ username: 'alice', password: 'wonderland' }).authorize(request, received(auth.challenge(request)), { via: 'drop' });
  t.is(dropped.topVia, undefined, "via: 'drop' leaves the Via to the stack");
});

test('authorize: SHA-256 over MD5 whatever the order; several challenges in one row; each realm of a 407 answered', (t) => {
  const request = register();
  const md5First = createResponse(request, 401, {
    headers: [['WWW-Authenticate', 'Digest realm="a", nonce="n1", algorithm=MD5, qop="auth", Digest realm="a", nonce="n1", algorithm=SHA-256, qop="auth"']],
  });
  const answer = new DigestClient({ username: 'alice', password: 'wonderland' }).authorize(request, received(md5First));
  t.regex(answer.headers.get('Authorization')!, /algorithm=SHA-256/);
  const proxies = createResponse(request, 407, {
    headers: [
      ['Proxy-Authenticate', 'Digest realm="one", nonce="n1", qop="auth"'],
      ['Proxy-Authenticate', 'Digest realm="two", nonce="n2"'],
    ],
  });
  const both = new DigestClient({ username: 'alice', password: 'wonderland' }).authorize(request, received(proxies));
  const rows = both.headers.getAll('Proxy-Authorization');
  t.is(rows.length, 2);
  t.regex(rows[0]!, /realm="one".*algorithm=MD5.*qop=auth, nc=00000001/);
  t.notRegex(rows[1]!, /qop|cnonce|nc=/, 'no qop offered: the RFC 2069 form');
  const onlyTwo = new DigestClient({ username: 'alice', password: 'wonderland', realm: 'two' }).authorize(request, received(proxies));
  t.is(onlyTwo.headers.getAll('Proxy-Authorization').length, 1);
});

test('authorize: nothing to answer, or credentials refused → DigestChallengeError', (t) => {
  const auth = authenticator(new VirtualClock());
  const request = register();
  const client = new DigestClient({ username: 'alice', password: 'looking-glass' });
  t.like(t.throws(() => client.authorize(request, received(createResponse(request, 200)))), { code: 'ERR_SIP_AUTH_CHALLENGE', status: 200 });
  t.like(t.throws(() => client.authorize(request, received(createResponse(request, 401)))), { code: 'ERR_SIP_AUTH_CHALLENGE' });
  const sha1 = createResponse(request, 401, { headers: [['WWW-Authenticate', 'Digest realm="a", nonce="n", algorithm=SHA-1, qop="auth"']] });
  t.like(t.throws(() => client.authorize(request, received(sha1))), { code: 'ERR_SIP_AUTH_CHALLENGE', header: 'WWW-Authenticate' });
  const authInt = createResponse(request, 401, { headers: [['WWW-Authenticate', 'Digest realm="a", nonce="n", qop="auth-int"']] });
  t.throws(() => client.authorize(request, received(authInt)), { instanceOf: DigestChallengeError });
  const broken = createResponse(request, 401, { headers: [['WWW-Authenticate', 'Digest realm="a']] });
  t.throws(() => client.authorize(request, received(broken)), { instanceOf: DigestChallengeError });
  t.throws(() => new DigestClient({ username: 'alice', password: 'x', realm: 'elsewhere' }).authorize(request, received(auth.challenge(request))), { instanceOf: DigestChallengeError });
  // the wrong password: the second challenge is not stale, so the client stops
  const once = client.authorize(request, received(auth.challenge(request)));
  t.throws(() => client.authorize(once, received(auth.challenge(once))), { message: /refused/ });
  const stale = client.authorize(once, received(auth.challenge(once, { stale: true })));
  t.is(stale.cseq!.seq, request.cseq!.seq + 2, 'stale=true: answered again with the new nonce');
});

test('digestChallenges: per realm, the strongest supported', (t) => {
  const request = register();
  const response = received(
    createResponse(request, 401, {
      headers: [
        ['WWW-Authenticate', 'Digest realm="a", nonce="1", algorithm=MD5, qop="auth,auth-int"'],
        ['WWW-Authenticate', 'Digest realm="a", nonce="2", algorithm=SHA-256, qop="auth", stale=TRUE'],
        ['WWW-Authenticate', 'Basic realm="a"'],
      ],
    }),
  );
  t.deepEqual(digestChallenges(response), [{ header: 'WWW-Authenticate', realm: 'a', nonce: '2', algorithm: 'SHA-256', qop: 'auth', opaque: undefined, stale: true }]);
  t.like(digestChallenges(response, ['MD5'])[0], { nonce: '1', algorithm: 'MD5' });
});
