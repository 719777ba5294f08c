// IPv6 references in URIs and Via sent-by follow RFC 3986's IPv6address (RFC 5954 §4.1 corrects
// RFC 3261's grammar to it): at most one "::", eight groups, a dotted tail of 0–255, no zone.
import test from 'ava';
import { formatUri, isIpv6Reference, parseMessage, parseUri, SipParseError, type SipRequest } from '@switchboard/sip';

const BAD = ['[::1::2]', '[2001:db8:::10]', '[1:2:3:4:5:6:7:8:9]', '[::ffff:999.1.1.1]', '[fe80::1%eth0]', '[]', '[1:2:3:4:5:6:7]'];
const GOOD = ['[::1]', '[2001:db8::10]', '[::ffff:192.0.2.1]', '[1:2:3:4:5:6:7:8]', '[FE80::A]', '[::]', '[2001:db8::]'];

test('isIpv6Reference: RFC 3986 IPv6address in brackets', (t) => {
  for (const host of BAD) t.false(isIpv6Reference(host), host);
  for (const host of GOOD) t.true(isIpv6Reference(host), host);
});

test('a URI with a bad IPv6 reference is refused; a good one round-trips', (t) => {
  for (const host of BAD) t.throws(() => parseUri(`sip:alice@${host}:5060`), { instanceOf: SipParseError, message: /IPv6/ }, host);
  for (const host of GOOD) t.is(formatUri(parseUri(`sip:alice@${host}:5060`)), `sip:alice@${host}:5060`);
});

test('in a message: the Request-URI, a To URI and a Via sent-by with a bad IPv6 reference are refused when read', (t) => {
  const message = (uri: string, to: string, via: string): SipRequest =>
    parseMessage(
      Buffer.from(`OPTIONS ${uri} SIP/2.0\r\nVia: SIP/2.0/UDP ${via};branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <${to}>\r\nCall-ID: v6\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`),
    ) as SipRequest;
  t.throws(() => message('sip:[::1::2]', 'sip:b@example.com', '[::1]:5060').uri, { message: /IPv6/ });
  t.throws(() => message('sip:b@example.com', 'sip:b@[2001:db8:::10]', '[::1]:5060').to, { message: /IPv6/ });
  t.throws(() => message('sip:b@example.com', 'sip:b@example.com', '[1:2:3:4:5:6:7:8:9]:5060').topVia, { message: /IPv6/ });
  const good = message('sip:b@[2001:db8::10]:5060', 'sip:b@[::1]', '[::ffff:192.0.2.1]:5060');
  t.is(formatUri(good.uri), 'sip:b@[2001:db8::10]:5060');
  t.is(good.topVia!.host, '[::ffff:192.0.2.1]');
});
