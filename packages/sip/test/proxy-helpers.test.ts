// The proxy's pure parts: §16.3 validation answers, §16.4 route preprocessing, §16.6 branch copies
// (Max-Forwards, Record-Route, strict-route fix-up), §16.7 best-response choice, §16.11 branches.
import test from 'ava';
import {
  addRecordRoute,
  branchRequest,
  chooseBestResponse,
  createResponse,
  formatUri,
  loopHash,
  parseMessage,
  parseUri,
  preprocessRoute,
  statelessBranch,
  validateProxyRequest,
  type SipRequest,
  type SipUri,
  type Uri,
} from '@switchboard/sip';

const PROXY = 'sip:192.0.2.10:5060;lr';
const isProxy = (uri: Uri): boolean => formatUri(uri).startsWith('sip:192.0.2.10');

function request(extra: string[] = [], uri = 'sip:bob@example.com', method = 'INVITE'): SipRequest {
  const text = [
    `${method} ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc',
    'Max-Forwards: 10',
    'From: <sip:alice@example.com>;tag=a',
    'To: <sip:bob@example.com>',
    'Call-ID: c1',
    `CSeq: 1 ${method}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return parseMessage(Buffer.from(text)) as SipRequest;
}

function response(status: number, extra: [string, string][] = []): ReturnType<typeof createResponse> {
  return createResponse(request(), status, { headers: extra });
}

test('§16.3: Max-Forwards 0 is answered 483, a missing one lets the request through', (t) => {
  t.is(validateProxyRequest(withHops(0))?.status, 483);
  const missing = request();
  missing.headers.delete('Max-Forwards');
  t.is(validateProxyRequest(missing), undefined);
  t.is(validateProxyRequest(request()), undefined);
});

function withHops(hops: number): SipRequest {
  const r = request();
  r.headers.set('Max-Forwards', hops);
  return r;
}

test('§16.3: Proxy-Require with an unsupported tag is answered 420 naming it in Unsupported', (t) => {
  const answer = validateProxyRequest(request(['Proxy-Require: foo, path']), { supported: ['path'] });
  t.is(answer?.status, 420);
  t.deepEqual(answer?.headers.all('unsupported'), ['foo']);
  t.is(validateProxyRequest(request(['Proxy-Require: path']), { supported: ['PATH'] }), undefined);
});

test('§16.3: a loop is answered 482; a URI scheme the proxy cannot forward to 416', (t) => {
  t.is(validateProxyRequest(request(), { looped: () => true })?.status, 482);
  t.is(validateProxyRequest(request([], 'mailto:bob@example.com'))?.status, 416);
});

test('§16.3 step 4: the loop digest ignores Max-Forwards and the Via, and follows the Request-URI and Route', (t) => {
  const a = request();
  const b = request(['Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKother']);
  b.headers.set('Max-Forwards', 3);
  t.is(loopHash(a), loopHash(b));
  t.not(loopHash(a), loopHash(request([], 'sip:carol@example.com')));
  t.not(loopHash(a), loopHash(request([`Route: <${PROXY}>`])));
});

test('§16.4: our own first Route is removed; the rest stays', (t) => {
  const r = request([`Route: <${PROXY}>, <sip:next.example.com;lr>`]);
  t.true(preprocessRoute(r, isProxy));
  t.deepEqual(r.headers.all('route').map((v) => formatUri(v.uri)), ['sip:next.example.com;lr']);
  const alone = request([`Route: <${PROXY}>`]);
  t.false(preprocessRoute(alone, isProxy));
  t.false(alone.headers.has('Route'));
});

test('§16.4: a Request-URI we recorded (a strict router rewrote it) is replaced by the last Route', (t) => {
  const r = request(['Route: <sip:next.example.com;lr>, <sip:bob@192.0.2.44>'], 'sip:192.0.2.10:5060;lr');
  t.true(preprocessRoute(r, isProxy));
  t.is(formatUri(r.uri), 'sip:bob@192.0.2.44');
  t.deepEqual(r.headers.all('route').map((v) => formatUri(v.uri)), ['sip:next.example.com;lr']);
});

test('§16.6 steps 1–4: the copy has the target URI, Max-Forwards less one and our Record-Route on top; the original is untouched', (t) => {
  const original = request(['Record-Route: <sip:upstream.example.com;lr>']);
  const rr = parseUri(PROXY) as SipUri;
  const copy = branchRequest(original, { uri: parseUri('sip:bob@192.0.2.4'), recordRoute: rr });
  t.is(formatUri(copy.uri), 'sip:bob@192.0.2.4');
  t.is(copy.headers.first('max-forwards'), 9);
  t.deepEqual(copy.headers.all('record-route').map((v) => formatUri(v.uri)), [PROXY, 'sip:upstream.example.com;lr']);
  t.is(original.headers.first('max-forwards'), 10);
  t.is(formatUri(original.uri), 'sip:bob@example.com');
  t.false(original.headers.getAll('Record-Route').some((v) => v.includes('192.0.2.10')));
  const missing = request();
  missing.headers.delete('Max-Forwards');
  t.is(branchRequest(missing).headers.first('max-forwards'), 69);
});

test('§16.6 step 4: a Record-Route URI without lr is refused', (t) => {
  t.throws(() => addRecordRoute(request(), parseUri('sip:192.0.2.10') as SipUri), { instanceOf: TypeError });
});

test('§16.6 step 6: a strict router as first Route becomes the Request-URI, the Request-URI the last Route', (t) => {
  const copy = branchRequest(request(['Route: <sip:strict.example.com>, <sip:other.example.com;lr>']));
  t.is(formatUri(copy.uri), 'sip:strict.example.com');
  t.deepEqual(copy.headers.all('route').map((v) => formatUri(v.uri)), ['sip:other.example.com;lr', 'sip:bob@example.com']);
  const loose = branchRequest(request(['Route: <sip:loose.example.com;lr>']));
  t.is(formatUri(loose.uri), 'sip:bob@example.com');
});

test('§16.7 step 6: a 6xx wins over every other class', (t) => {
  t.is(chooseBestResponse([response(302), response(486), response(603), response(500)])?.status, 603);
});

test('§16.7 step 6: else the lowest class, the first received within it', (t) => {
  t.is(chooseBestResponse([response(500), response(486), response(404)])?.status, 486);
  t.is(chooseBestResponse([response(500), response(302)])?.status, 302);
});

test('§16.7 step 6: within 4xx, 401 407 415 420 484 are preferred', (t) => {
  t.is(chooseBestResponse([response(486), response(484), response(404)])?.status, 484);
  t.is(chooseBestResponse([response(486), response(407)])?.status, 407);
});

test('§16.7 step 6: a chosen 503 goes upstream as 500; no final at all is undefined (the caller sends 408)', (t) => {
  t.is(chooseBestResponse([response(503)])?.status, 500);
  t.is(chooseBestResponse([]), undefined);
  t.is(chooseBestResponse([response(180)]), undefined);
});

test('§16.7 step 7: a chosen 401 carries the challenges of every 401 and 407', (t) => {
  const best = chooseBestResponse([
    response(401, [['WWW-Authenticate', 'Digest realm="a", nonce="1"']]),
    response(407, [['Proxy-Authenticate', 'Digest realm="b", nonce="2"']]),
    response(401, [['WWW-Authenticate', 'Digest realm="c", nonce="3"']]),
  ])!;
  t.is(best.status, 401);
  t.is(best.headers.getAll('WWW-Authenticate').length, 2);
  t.is(best.headers.getAll('Proxy-Authenticate').length, 1);
});

test('§16.11: the CANCEL and non-2xx ACK of an INVITE get its branch; the 2xx ACK and another request do not', (t) => {
  const invite = request();
  const cancel = request([], 'sip:bob@example.com', 'CANCEL');
  const ackFailure = request([], 'sip:bob@example.com', 'ACK');
  t.is(statelessBranch(cancel), statelessBranch(invite));
  t.is(statelessBranch(ackFailure), statelessBranch(invite));
  t.true(statelessBranch(invite).startsWith('z9hG4bK'));
  const ack2xx = request([], 'sip:bob@example.com', 'ACK');
  ack2xx.headers.shift('via');
  ack2xx.headers.prepend('Via', 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnew');
  t.not(statelessBranch(ack2xx), statelessBranch(invite));
  t.not(statelessBranch(request([], 'sip:carol@example.com')), statelessBranch(invite));
});
