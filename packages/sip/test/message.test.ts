import test from 'ava';
import {
  HeaderList,
  SipParseError,
  SipStreamFramer,
  createRequest,
  createResponse,
  formatUri,
  isContactStar,
  paramValue,
  parseMessage,
  parseUri,
  serializeMessage,
  sipUri,
  validateRequest,
  viaBranch,
  type SipMessage,
  type SipRequest,
} from '@switchboard/sip';
import { readFully, roundTrip, shape } from './support/messages.js';

const invite = (): SipRequest =>
  createRequest({
    method: 'INVITE',
    uri: parseUri('sip:bob@biloxi.example.com'),
    from: { displayName: 'Alice', uri: parseUri('sip:alice@atlanta.example.com'), params: [] },
    to: { displayName: 'Bob', uri: parseUri('sip:bob@biloxi.example.com'), params: [] },
    via: { protocol: 'SIP/2.0', transport: 'UDP', host: 'pc33.atlanta.example.com', port: 5060 },
    contact: { displayName: null, uri: parseUri('sip:alice@pc33.atlanta.example.com'), params: [] },
    body: 'v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\n',
    contentType: 'application/sdp',
  });

test('URIs: sip with user, password, port, params and headers; tel; others kept as written', (t) => {
  const uri = parseUri('sips:alice:pw@[2001:db8::1]:5061;transport=tcp;lr?subject=hi%20there&priority=urgent');
  t.like(uri, { scheme: 'sips', user: 'alice', password: 'pw', host: '[2001:db8::1]', port: 5061 });
  t.deepEqual(parseUri(formatUri(uri)), uri);
  t.is(formatUri(uri), 'sips:alice:pw@[2001:db8::1]:5061;transport=tcp;lr?subject=hi%20there&priority=urgent');
  t.like(parseUri('tel:+1-201-555-0123;phone-context=example.com'), { scheme: 'tel', number: '+1-201-555-0123' });
  t.deepEqual(parseUri('urn:service:sos'), { scheme: 'urn', raw: 'urn:service:sos' });
  t.throws(() => parseUri('sip:user@exa mple.com'), { instanceOf: SipParseError });
  t.throws(() => parseUri('sip:user@host:99999'), { instanceOf: SipParseError });
  t.throws(() => parseUri('nocolon'), { instanceOf: SipParseError });
});

test('a built INVITE: branch with the magic cookie, From tag, Max-Forwards 70, Content-Length; it parses back the same', (t) => {
  const request = invite();
  const bytes = serializeMessage(request);
  const text = bytes.toString();
  t.regex(text, /^INVITE sip:bob@biloxi.example.com SIP\/2.0\r\nVia: SIP\/2.0\/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK[\w-]{16}\r\n/);
  t.regex(text, /\r\nMax-Forwards: 70\r\n/);
  t.regex(text, /\r\nFrom: "Alice" <sip:alice@atlanta.example.com>;tag=[\w-]+\r\n/);
  t.regex(text, new RegExp(`\r\nContent-Length: ${request.body.length}\r\n\r\nv=0`));
  t.is(request.body.length, 127);
  const parsed = readFully(bytes);
  t.deepEqual(shape(parsed), shape(readFully(serializeMessage(parsed))));
  t.deepEqual(parsed.cseq, { seq: 1, method: 'INVITE' });
  t.is(validateRequest(parsed as SipRequest), undefined);
});

test('a response copies Via (all), From, To, Call-ID, CSeq, adds a To tag (not on 100), and gets the RFC reason phrase', (t) => {
  const request = readFully(serializeMessage(invite())) as SipRequest;
  request.headers.append('Via', 'SIP/2.0/TCP proxy.example.com;branch=z9hG4bKproxy');
  const trying = createResponse(request, 100);
  t.is(trying.reason, 'Trying');
  t.is(paramValue(trying.to!.params, 'tag'), undefined);
  const ok = createResponse(request, 200, { toTag: 'b0b' });
  t.is(ok.reason, 'OK');
  t.is(paramValue(ok.to!.params, 'tag'), 'b0b');
  t.deepEqual(ok.via, request.via);
  t.is(ok.callId, request.callId);
  t.deepEqual(ok.cseq, request.cseq);
  const again = readFully(serializeMessage(ok));
  t.true(again.kind === 'response' && again.status === 200);
  const busy = createResponse(request, 486);
  t.is(busy.reason, 'Busy Here');
});

test('headers: compact forms, case-insensitive names, several rows and comma lists read as one list; raw headers keep their order', (t) => {
  const m = readFully(
    Buffer.from(
      'REGISTER sip:example.com SIP/2.0\r\nv: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2\r\n' +
        'VIA: SIP/2.0/UDP c.example.com;branch=z9hG4bK3;rport;received=192.0.2.9\r\nf: <sip:a@example.com>;tag=1\r\nt: sip:a@example.com\r\n' +
        'i: reg1@example.com\r\nCSEQ: 5 REGISTER\r\nMax-Forwards: 70\r\nX-One: 1\r\nm: <sip:a@192.0.2.1>;expires=60;q=0.5, "Second" <sip:a@192.0.2.2>\r\n' +
        'X-Two: 2\r\nSupported: path, outbound\r\nSupported: gruu\r\nWWW-Authenticate: Digest realm="example.com", nonce="abc,def", qop="auth,auth-int", algorithm=MD5\r\nl: 0\r\n\r\n',
    ),
  );
  t.deepEqual(m.via.map((v) => viaBranch(v)), ['z9hG4bK1', 'z9hG4bK2', 'z9hG4bK3']);
  t.is(paramValue(m.via[2]!.params, 'received'), '192.0.2.9');
  t.deepEqual(m.headers.all('supported'), ['path', 'outbound', 'gruu']);
  const contacts = m.headers.all('contact');
  t.is(contacts.length, 2);
  t.true(!isContactStar(contacts[0]!) && paramValue(contacts[0]!.params, 'expires') === '60');
  const challenge = m.headers.first('www-authenticate')!;
  t.is(challenge.scheme, 'Digest');
  t.deepEqual(challenge.params, [['realm', 'example.com'], ['nonce', 'abc,def'], ['qop', 'auth,auth-int'], ['algorithm', 'MD5']]);
  t.deepEqual([...m.headers].map(([name]) => name), ['Via', 'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'X-One', 'Contact', 'X-Two', 'Supported', 'Supported', 'WWW-Authenticate', 'Content-Length']);
  t.deepEqual(shape(roundTrip(m)), shape(m));
});

test('typed values written back read the same: Via, name-addr, CSeq, auth, Event, Subscription-State, RAck, Session-Expires, Reason', (t) => {
  const headers = new HeaderList()
    .append('Via', 'SIP/2.0/WSS [2001:db8::9]:443;branch=z9hG4bKx;rport=5060;ttl=16;maddr=239.0.0.1')
    .append('Contact', '*')
    .append('Route', '<sip:p1.example.com;lr>, <sip:p2.example.com;lr>')
    .append('Authorization', 'Digest username="alice", realm="atlanta.example.com", nonce="84a4cc6f", uri="sip:bob@biloxi.example.com", response="7587245234b3434cc3412213e5f113a5", qop=auth, nc=00000001, cnonce="0a4f113b"')
    .append('Event', 'presence;id=7')
    .append('Subscription-State', 'active;expires=600')
    .append('RAck', '776656 1 INVITE')
    .append('Session-Expires', '1800;refresher=uac')
    .append('Reason', 'Q.850;cause=16;text="Terminated"')
    .append('P-Asserted-Identity', '"Cullen" <sip:fluffy@example.com>, <tel:+14085264000>')
    .append('Date', 'Sat, 13 Nov 2010 23:29:00 GMT');
  const check = headers.check();
  t.is(check, undefined);
  for (const name of ['via', 'contact', 'route', 'authorization', 'event', 'subscription-state', 'rack', 'session-expires', 'reason', 'p-asserted-identity', 'date'] as const) {
    const values = headers.all(name);
    const rewritten = new HeaderList().set(name, values as never);
    t.deepEqual(rewritten.all(name), values, name);
  }
});

test('bad input: typed errors name the header and the status; limits hold', (t) => {
  const base = 'OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n';
  // Max-Forwards is typed on first use: the message parses, reading the header fails
  const lazy = parseMessage(Buffer.from(`${base.replace('Max-Forwards: 70', 'Max-Forwards: 256')}\r\n`));
  t.like(t.throws(() => lazy.headers.first('max-forwards'), { instanceOf: SipParseError }), { status: 400, header: 'Max-Forwards' });
  t.like(lazy.headers.check(), { status: 400, header: 'Max-Forwards' });
  t.like(t.throws(() => parseMessage(Buffer.from(`${base}Content-Length: 10\r\n\r\nabc`)), { instanceOf: SipParseError }), { header: 'Content-Length' });
  t.like(t.throws(() => parseMessage(Buffer.from(`${base}\r\n`), { framing: 'stream' }), { instanceOf: SipParseError }), { header: 'Content-Length' });
  t.like(t.throws(() => parseMessage(Buffer.alloc(70_000, 65)), { instanceOf: SipParseError }), { status: 413 });
  t.like(t.throws(() => parseMessage(Buffer.from(`${base}X: ${'a'.repeat(9000)}\r\n\r\n`)), { instanceOf: SipParseError }), { status: 400 });
  const many = Array.from({ length: 300 }, (_, i) => `X-${i}: v\r\n`).join('');
  t.throws(() => parseMessage(Buffer.from(`${base}${many}\r\n`)), { instanceOf: SipParseError, message: /more than 256 header rows/ });
  t.like(t.throws(() => parseMessage(Buffer.from(`${base.replace('SIP/2.0\r\n', 'SIP/3.0\r\n')}\r\n`)), { instanceOf: SipParseError }), { status: 505 });
  t.throws(() => new HeaderList().set('X-Evil', 'a\r\nInjected: yes'), { instanceOf: TypeError });
});

test('UDP framing: no Content-Length runs to the end; extra octets are discarded', (t) => {
  const head = 'MESSAGE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\n';
  t.is(parseMessage(Buffer.from(`${head}\r\nhello`)).body.toString(), 'hello');
  t.is(parseMessage(Buffer.from(`${head}Content-Length: 2\r\n\r\nhello`)).body.toString(), 'he');
});

test('TCP framing: any chunking, CRLF keep-alives skipped, double-CRLF pings reported, Content-Length required, buffering bounded', (t) => {
  const one = serializeMessage(invite());
  const two = serializeMessage(createResponse(readFully(one) as SipRequest, 180));
  const stream = Buffer.concat([Buffer.from('\r\n\r\n'), one, Buffer.from('\r\n'), two, Buffer.from('\r\n\r\n')]);
  for (const size of [1, 7, 64, 1000, stream.length]) {
    const framer = new SipStreamFramer();
    const got: SipMessage[] = [];
    let pings = 0;
    for (let at = 0; at < stream.length; at += size) framer.push(stream.subarray(at, at + size), { message: (m) => got.push(m), ping: () => pings++ });
    t.is(got.length, 2, `chunks of ${size}`);
    t.is(got[0]!.body.length, 127);
    t.true(got[1]!.kind === 'response' && got[1]!.status === 180);
    t.is(pings, 2, `chunks of ${size}`);
    t.is(framer.buffered, 0);
  }
  const noLength = new SipStreamFramer();
  t.throws(() => noLength.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n'), { message: () => {} }), { instanceOf: SipParseError, message: /Content-Length is required/ });
  t.throws(() => noLength.push(Buffer.from('\r\n'), { message: () => {} }), { instanceOf: SipParseError }, 'a broken framer stays broken');
  const bounded = new SipStreamFramer({ maxMessageSize: 1000 });
  t.throws(() => bounded.push(Buffer.alloc(2000, 65), { message: () => {} }), { instanceOf: SipParseError, message: /over 1000 octets/ });
});

test('sipUri builds a URI; a request built with it parses', (t) => {
  const uri = sipUri({ user: 'bob', host: 'example.com', params: [['transport', 'tcp']] });
  t.is(formatUri(uri), 'sip:bob@example.com;transport=tcp');
});

// UTF-8 in header values (RFC 3261 §7.3.1) and in bodies: the parser reads the head as latin1 and
// decodes it again as UTF-8 only when it holds octets above 0x7F; Content-Length counts octets.
const utf8Message = (from: string, body: string): Buffer =>
  Buffer.from(
    `MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bKu8\r\nFrom: ${from} <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: u8@h\r\nCSeq: 1 MESSAGE\r\nSubject: Grüße, ça va? 你好\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    'utf8',
  );

test('UTF-8 header values and bodies: decoded as UTF-8, the body cut by octets', (t) => {
  const quoted = parseMessage(utf8Message('"Zoë Ångström"', 'Привет, мир'));
  t.is(quoted.from?.displayName, 'Zoë Ångström');
  t.is(quoted.headers.get('Subject'), 'Grüße, ça va? 你好');
  t.is(quoted.body.toString('utf8'), 'Привет, мир');
  t.is(quoted.cseq?.method, 'MESSAGE');
  // rows after the decoded ones are read where they lie in the UTF-8 text, not at octet offsets
  t.is(quoted.check(), undefined);
  t.is(quoted.headers.first('content-type')?.subtype, 'plain');
  t.is(quoted.headers.first('call-id'), 'u8@h');
  const wide = parseMessage(Buffer.from(utf8Message('Alice', '').toString('utf8').replace('Call-ID: u8@h', 'Call-ID: u8你@h'), 'utf8'));
  t.throws(() => wide.callId, { instanceOf: SipParseError });
  // an ASCII head with a UTF-8 body
  const plain = parseMessage(Buffer.from(utf8Message('Alice', 'Grüße').toString('utf8').replace('Subject: Grüße, ça va? 你好\r\n', ''), 'utf8'));
  t.is(plain.headers.get('Subject'), undefined);
  t.is(plain.from?.displayName, 'Alice');
  t.is(plain.body.toString('utf8'), 'Grüße');
  // serialized back as UTF-8, byte for byte the same values
  const again = parseMessage(serializeMessage(quoted));
  t.is(again.headers.get('Subject'), 'Grüße, ça va? 你好');
  t.is(again.from?.displayName, 'Zoë Ångström');
  t.is(again.body.toString('utf8'), 'Привет, мир');
});

test('a Contact row of addr-specs separated by commas reads as a list (RFC 3261 §7.3.1), a name-addr with a comma in its display name as one', (t) => {
  const head = (contact: string): Buffer =>
    Buffer.from(`OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bKc1\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1@h\r\nCSeq: 1 OPTIONS\r\nContact: ${contact}\r\nContent-Length: 0\r\n\r\n`);
  const list = parseMessage(head('sip:a@one.example.com;expires=60, sip:b@two.example.com'));
  t.is(list.check(), undefined);
  t.deepEqual(
    list.headers.all('contact').map((c) => (isContactStar(c) ? '*' : formatUri(c.uri))),
    ['sip:a@one.example.com', 'sip:b@two.example.com'],
  );
  const quoted = parseMessage(head('"Doe, Jane" <sip:jane@example.com>;q=0.5'));
  const [jane] = quoted.headers.all('contact');
  t.true(jane !== undefined && !isContactStar(jane) && jane.displayName === 'Doe, Jane' && paramValue(jane.params, 'q') === '0.5');
  t.true(isContactStar(parseMessage(head('*;expires=0')).headers.first('contact')!));
});

test('the stream framer reads UTF-8 heads and bodies of messages that share a chunk', (t) => {
  const first = utf8Message('Alice', 'first body: ñ');
  const second = utf8Message('"Jürgen"', 'second ✓');
  const framer = new SipStreamFramer();
  const seen: SipMessage[] = [];
  const both = Buffer.concat([first, second]);
  // one chunk with both, then the same split inside a multi-octet character
  framer.push(both, { message: (m) => seen.push(m) });
  const cut = first.length + second.indexOf(Buffer.from('ü')) + 1;
  framer.push(both.subarray(0, cut), { message: (m) => seen.push(m) });
  framer.push(both.subarray(cut), { message: (m) => seen.push(m) });
  t.is(seen.length, 4);
  for (const [i, m] of seen.entries()) {
    t.is(m.from?.displayName, i % 2 === 0 ? 'Alice' : 'Jürgen');
    t.is(m.body.toString('utf8'), i % 2 === 0 ? 'first body: ñ' : 'second ✓');
    t.is(m.headers.get('Subject'), 'Grüße, ça va? 你好');
  }
});

test('releaseReads: a parsed request lets go of what it read and reads it again, equal, and serializes to the same bytes; values set by hand stay', (t) => {
  const bytes = Buffer.from(
    'INVITE sip:bob@example.com;transport=udp SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKrel1\r\nMax-Forwards: 70\r\nFrom: "Alice" <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\nCall-ID: rel-1\r\nCSeq: 7 INVITE\r\nContact: <sip:alice@192.0.2.1>\r\nX-Extra: kept as text\r\nContent-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n',
  );
  const request = parseMessage(bytes) as SipRequest;
  const before = { uri: request.uri, from: request.from, to: request.to, via: request.topVia, cseq: request.cseq, callId: request.callId, extra: request.headers.get('X-Extra'), contact: request.headers.first('contact'), body: request.body };
  request.headers.set('Subject', 'set by hand');
  const subject = request.headers.get('Subject');
  const serialized = serializeMessage(request);
  request.releaseReads();
  t.not(request.from, before.from, 'read again: a new object');
  t.deepEqual({ uri: request.uri, from: request.from, to: request.to, via: request.topVia, cseq: request.cseq, callId: request.callId, extra: request.headers.get('X-Extra'), contact: request.headers.first('contact'), body: request.body }, before);
  t.is(request.headers.get('Subject'), subject);
  t.deepEqual(serializeMessage(request), serialized);
});
