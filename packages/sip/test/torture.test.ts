// The 49 messages of RFC 4475, each with the treatment its section asks for (fixtures/rfc4475/README.md).
import test from 'ava';
import { SipParseError, isSipUri, paramValue, viaBranch, type SipRequest } from '@switchboard/sip';
import { readFully, roundTrip, shape, torture, tortureNames } from './support/messages.js';

const VALID = ['wsinv', 'intmeth', 'esc01', 'escnull', 'esc02', 'lwsdisp', 'longreq', 'dblreq', 'semiuri', 'transports', 'mpart01', 'unreason', 'noreason'];
const APPLICATION = ['badbranch', 'insuf', 'unkscm', 'novelsc', 'unksm2', 'bext01', 'invut', 'regaut01', 'multi01', 'bcast', 'zeromf', 'cparam01', 'cparam02', 'regescrt', 'sdp01', 'inv2543', 'baddate'];
const INVALID: Record<string, number> = {
  badinv01: 400, clerr: 400, ncl: 400, scalar02: 400, scalarlg: 400, quotbal: 400, ltgtruri: 400, lwsruri: 400,
  lwsstart: 400, trws: 400, escruri: 400, regbadct: 400, badaspec: 400, baddn: 400, badvers: 505, mismatch01: 400,
  mismatch02: 400, bigcode: 400, mcl01: 400,
};

test('the corpus holds the 49 messages, and every one has a treatment here', (t) => {
  const names = tortureNames();
  t.is(names.length, 49);
  t.deepEqual([...VALID, ...APPLICATION, ...Object.keys(INVALID)].sort(), names);
});

for (const name of [...VALID, ...APPLICATION]) {
  test(`${name}: parses, every header reads, and it survives a serialize / parse round trip`, (t) => {
    const message = readFully(torture(name));
    const again = roundTrip(message);
    t.deepEqual(shape(again), shape(message));
  });
}

for (const [name, status] of Object.entries(INVALID)) {
  test(`${name}: rejected with a typed error (answer ${status})`, (t) => {
    const error = t.throws(() => readFully(torture(name)), { instanceOf: SipParseError });
    t.is(error?.status, status);
    t.is(error?.code, 'ERR_SIP_PARSE');
    t.regex(error?.reasonPhrase ?? '', /^(Bad Request|Version Not Supported) \(.+\)$/);
  });
}

test('wsinv: the tortuous INVITE reads as the RFC says', (t) => {
  const m = readFully(torture('wsinv')) as SipRequest;
  t.is(m.method, 'INVITE');
  t.is(m.headers.first('max-forwards'), 68);
  t.deepEqual(m.cseq, { seq: 9, method: 'INVITE' });
  t.is(m.from?.displayName, 'J Rosenberg \\"');
  t.is(paramValue(m.from!.params, 'tag'), '98asjd8');
  t.is(paramValue(m.to!.params, 'tag'), '1918181833n');
  const vias = m.via;
  t.is(vias.length, 3);
  t.like(vias[0], { transport: 'UDP', host: '192.0.2.2' });
  t.is(viaBranch(vias[1]!), 'z9hG4bK9ikj8');
  t.like(vias[2], { transport: 'UDP', host: '192.168.255.111' });
  t.is(viaBranch(vias[2]!), 'z9hG4bK30239');
  const contact = m.headers.first('contact');
  t.true(contact !== undefined && !('star' in contact) && contact.displayName === 'Quoted string ""');
  t.is(m.headers.get('NewFangledHeader'), 'newfangled value continued newfangled value');
  t.is(m.headers.get('UnknownHeaderWithUnusualValue'), ';;,,;;,;');
  t.is(m.body.length, 150);
});

test('esc01 and escnull: %-escapes in URIs decode (and %00 is a NUL)', (t) => {
  const esc = readFully(torture('esc01')) as SipRequest;
  t.true(isSipUri(esc.uri) && esc.uri.user === 'sips:user@example.com');
  const to = esc.to!.uri;
  t.true(isSipUri(to) && to.user === 'user');
  const nul = readFully(torture('escnull'));
  const from = nul.from!.uri;
  t.true(isSipUri(from) && from.user === 'null-\u0000-null');
});

test('esc02: a method with % is a token, not an escape; C%6Fntact is another header', (t) => {
  const m = readFully(torture('esc02')) as SipRequest;
  t.is(m.method, 'RE%47IST%45R');
  t.is(m.headers.all('contact').length, 2);
  t.is(m.headers.get('C%6Fntact'), '<sip:alias2@host2.example.com>');
});

test('dblreq: the first request is read, the rest of the datagram discarded', (t) => {
  const bytes = torture('dblreq');
  const m = readFully(bytes);
  t.is(m.body.length, 0);
  t.true(bytes.length > 400);
});

test('baddate: the message stands, its Date reads as invalid', (t) => {
  const m = readFully(torture('baddate'));
  const date = m.headers.first('date');
  t.is(date?.valid, false);
});

test('noreason and unreason: empty and unusual reason phrases', (t) => {
  const none = readFully(torture('noreason'));
  t.true(none.kind === 'response' && none.status === 100 && none.reason === '');
  const odd = readFully(torture('unreason'));
  t.true(odd.kind === 'response' && odd.status === 200 && odd.reason.length > 20);
});
