// The one-pass readers for common URI, Via and name-addr forms must agree with the general
// readers on everything they accept.
import test from 'ava';
import fc from 'fast-check';
import { parseCommonSipUri, parseUriGeneral } from '../src/message/uri.js';
import { parseCommonVia, parseViaGeneral } from '../src/message/headers/via.js';
import { parseCommonNameAddr, parseNameAddrGeneral } from '../src/message/headers/name-addr.js';
import { callIdAt, parseWholeNumber, wholeNumberAt } from '../src/message/headers/scalars.js';
import { credentialsAt, parseCredentials } from '../src/message/headers/auth.js';
import { cseqAt, parseCSeq } from '../src/message/headers/cseq.js';
import { tokenListAt } from '../src/message/headers/token-list.js';
import { mediaTypeAt, parseMediaType } from '../src/message/headers/media-type.js';
import { splitCommas } from '../src/message/scanner.js';
import { parseTokenItem } from '../src/message/headers/token-list.js';
import { parseMessage, parseStartLine, startLineAt } from '../src/message/parser.js';
import { methodAt } from '../src/message/method-names.js';
import type { SipMessage } from '../src/message/message.js';

const pieces = ['sip:', 'sips:', 'alice', 'Bob', 'a.b', '@', 'example.com', 'host-1', '192.0.2.1', ':', '5060', '99999', ';', 'lr', 'transport=tcp', 'tag=1a', '=', '%41', '?', 'x&y', '-', '.', '[', ']', 'user;p', ' ', '"', '<', '>', 'Name', '\\', ',', 'SIP/2.0/', 'UDP', 'branch=z9hG4bK1', 'rport', 'ttl=300', 'ttl=3', 'received=1.2.3.4', 'Tcp', '_'];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((a) => a.join(''));

function same<T>(fast: (s: string) => T | undefined, general: (s: string) => T): (s: string) => boolean {
  return (s) => {
    let quick: T | undefined;
    try {
      quick = fast(s);
    } catch {
      // a fast path may only refuse what the grammar refuses
      try {
        general(s);
        return false;
      } catch {
        return true;
      }
    }
    if (quick === undefined) return true;
    try {
      return JSON.stringify(general(s)) === JSON.stringify(quick);
    } catch {
      return false; // accepted by the fast path, refused by the grammar
    }
  };
}

test('the one-pass URI reader agrees with the general one', (t) => {
  fc.assert(fc.property(text, same(parseCommonSipUri, (s) => parseUriGeneral(s))), { numRuns: 20_000 });
  t.deepEqual(parseCommonSipUri('sip:alice@example.com:5060;transport=tcp;lr'), parseUriGeneral('sip:alice@example.com:5060;transport=tcp;lr') as never);
});

test('the one-pass Via reader agrees with the general one', (t) => {
  fc.assert(fc.property(text, same(parseCommonVia, parseViaGeneral)), { numRuns: 20_000 });
  t.deepEqual(parseCommonVia('SIP/2.0/UDP host-1.example.com:5060;branch=z9hG4bK1;rport'), parseViaGeneral('SIP/2.0/UDP host-1.example.com:5060;branch=z9hG4bK1;rport'));
});

test('the one-pass name-addr reader agrees with the general one', (t) => {
  const reader = (s: string): unknown => parseCommonNameAddr(s, 'From');
  fc.assert(fc.property(text, same(reader, (s) => parseNameAddrGeneral(s, 'From'))), { numRuns: 20_000 });
  t.deepEqual(reader('Name <sip:alice@example.com>;tag=1a'), parseNameAddrGeneral('Name <sip:alice@example.com>;tag=1a', 'From'));
});

test('the one-pass readers read a span inside a longer text exactly as the same text on its own', (t) => {
  const around = fc.array(fc.constantFrom(...pieces, '\r\n', 'X: y'), { maxLength: 4 }).map((a) => a.join(''));
  const readers: Array<(s: string, from?: number, to?: number) => unknown> = [
    (s, from, to) => parseCommonSipUri(s, from, to),
    (s, from, to) => parseCommonVia(s, from, to),
    (s, from, to) => parseCommonNameAddr(s, 'To', from, to),
    (s, from, to) => callIdAt(s, from ?? 0, to ?? s.length),
    (s, from, to) => tokenListAt(s, from ?? 0, to ?? s.length),
    (s, from, to) => mediaTypeAt(s, from ?? 0, to ?? s.length),
    (s, from, to) => cseqAt(s, from ?? 0, to ?? s.length),
    (s, from, to) => credentialsAt(s, from ?? 0, to ?? s.length),
    (s, from, to) => wholeNumberAt(s, from ?? 0, to ?? s.length, 255),
  ];
  fc.assert(
    fc.property(around, text, around, fc.nat(readers.length - 1), (before, value, after, which) => {
      const read = readers[which]!;
      const outcome = (f: () => unknown): string => {
        try {
          return JSON.stringify(f()) ?? 'undefined';
        } catch (error) {
          return `throws ${(error as Error).message}`;
        }
      };
      return outcome(() => read(before + value + after, before.length, before.length + value.length)) === outcome(() => read(value));
    }),
    { numRuns: 20_000 },
  );
  t.is(callIdAt('Call-ID: a@b\r\n', 9, 12), 'a@b');
  t.is(callIdAt('a@', 0, 2), undefined);
});

test('the one-pass token-list and media-type readers agree with the general ones', (t) => {
  const tokenText = fc.array(fc.constantFrom('INVITE', 'ACK', ',', ' ', ', ', '\t', 'a.b', '"', ';', '/', 'x=y', ''), { maxLength: 10 }).map((a) => a.join(''));
  const general = (s: string): string[] => splitCommas(s).map((part) => parseTokenItem(part, 'Allow'));
  fc.assert(fc.property(tokenText, same((s) => tokenListAt(s, 0, s.length), general)), { numRuns: 20_000 });
  const mediaText = fc.array(fc.constantFrom('application', 'SDP', '/', ';', 'charset=utf-8', ' ', '=', '"q"', 'text', 'plain', ','), { maxLength: 8 }).map((a) => a.join(''));
  fc.assert(fc.property(mediaText, same((s) => mediaTypeAt(s, 0, s.length), (s) => parseMediaType(s))), { numRuns: 20_000 });
  t.deepEqual(tokenListAt('INVITE, ACK ,BYE', 0, 16), ['INVITE', 'ACK', 'BYE']);
  t.deepEqual(mediaTypeAt('Application/SDP;level=1', 0, 23), { type: 'application', subtype: 'sdp', params: [['level', '1']] });
});

test('the one-pass CSeq reader agrees with the general one', (t) => {
  const cseqText = fc.array(fc.constantFrom('1', '0', '314159', '99999999999', ' ', '  ', 'INVITE', 'ACK', '\t', 'x y', '-', '2147483648'), { maxLength: 5 }).map((a) => a.join(''));
  fc.assert(fc.property(cseqText, same((s) => cseqAt(s, 0, s.length), parseCSeq)), { numRuns: 20_000 });
  t.deepEqual(cseqAt('CSeq: 7 BYE', 6, 11), { seq: 7, method: 'BYE' });
});

test('the one-pass credentials reader agrees with the scanner', (t) => {
  const authText = fc.array(fc.constantFrom('Digest', ' ', 'username', '=', '"bob"', '"a b"', '"x\\"y"', ',', ', ', 'qop=auth', 'nc=00000001', 'realm="r"', '\t', '"', 'Basic', 'abc=='), { maxLength: 10 }).map((a) => a.join(''));
  fc.assert(fc.property(authText, same((s) => credentialsAt(s, 0, s.length), (s) => parseCredentials(s, 'Authorization'))), { numRuns: 20_000 });
  t.deepEqual(credentialsAt('Digest username="bob", qop=auth', 0, 31), { scheme: 'Digest', params: [['username', 'bob'], ['qop', 'auth']] });
});

test('the one-pass whole-number reader agrees with the general one', (t) => {
  const digits = fc.array(fc.constantFrom('0', '7', '70', '255', '256', ' ', 'x', '-1', '999999999999', '1'), { maxLength: 4 }).map((a) => a.join(''));
  fc.assert(fc.property(digits, same((s) => wholeNumberAt(s, 0, s.length, 255), (s) => parseWholeNumber(s, 'Max-Forwards', 255))), { numRuns: 5_000 });
  t.is(wholeNumberAt('Max-Forwards: 70', 14, 16, 255), 70);
  t.is(wholeNumberAt('0', 0, 1, 10, 1), undefined);
});

test('the one-pass start-line reader agrees with the general one', (t) => {
  const startPieces = ['INVITE', 'REGISTER', 'ACK', 'InViTe', 'f(o)', 'SIP/2.0', 'sip/2.0', 'SIP/2.1', 'SIP/2.0 ', ' ', '  ', '\t', '200', '99', '700', '1000', 'OK', 'Ringing', 'sip:a@b', 'sips:x', 'tel:1', 'x:y', ':x', '<sip:a@b>', 'a_b:c', '\r', 'é', 'SIP', '/', 'sip:'];
  const piece = fc.constantFrom(...startPieces);
  const line = fc.oneof(
    fc.array(piece, { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
    // request lines and status lines, mostly of the usual form
    fc.tuple(fc.constantFrom('INVITE', 'FOO', 'f(o)', 'ACK', ''), fc.constantFrom(' ', '  ', ''), fc.array(piece, { minLength: 1, maxLength: 3 }), fc.constantFrom(' ', '  ', ''), fc.constantFrom('SIP/2.0', 'sip/2.0', 'SIP/2.0 ', 'SIP/2.1', 'SIP/2.0\r')).map(([m, s1, t, s2, v]) => `${m}${s1}${t.join('')}${s2}${v}`),
    fc.tuple(fc.constantFrom('SIP/2.0 ', 'sip/2.0 ', 'SIP/2.0  '), fc.constantFrom('200', '100', '699', '700', '099', '20', '2000', '2x0'), fc.constantFrom('', ' ', ' OK', ' Ringing Now', 'OK', ' a\rb', ' é')).map((a) => a.join('')),
  );
  const shape = (message: SipMessage): unknown =>
    message.kind === 'request' ? [message.kind, message.method, message.requestTarget, message.version] : [message.kind, message.status, message.reason, message.version];
  fc.assert(
    fc.property(line, (text) => {
      const octets = Buffer.from(text, 'latin1');
      const quick = startLineAt(text, octets, 0, text.length);
      if (quick === undefined) return true;
      return JSON.stringify(shape(quick)) === JSON.stringify(shape(parseStartLine(text, text, octets, 0)));
    }),
    { numRuns: 20_000 },
  );
  const request = startLineAt('INVITE sip:bob@example.com SIP/2.0', Buffer.from('INVITE sip:bob@example.com SIP/2.0'), 0, 34);
  t.deepEqual(request === undefined ? undefined : shape(request), ['request', 'INVITE', 'sip:bob@example.com', 'SIP/2.0']);
  t.is(startLineAt('SIP/2.0 200', Buffer.from('SIP/2.0 200'), 0, 11)?.kind, 'response');
});

test('a request line and its CSeq read the same method alike, known or not', (t) => {
  for (const method of ['INVITE', 'SUBSCRIBE', 'FOO', 'invite']) {
    const message = parseMessage(Buffer.from(`${method} sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 ${method}\r\nContent-Length: 0\r\n\r\n`));
    t.is(message.kind === 'request' ? message.method : undefined, method);
    t.is(message.cseq?.method, method);
    t.is(methodAt(` ${method}`, Buffer.from(` ${method}`), 1, method.length + 1), method);
  }
  t.throws(() => parseMessage(Buffer.from('INVITE sip:a@b SIP/2.0\r\nCSeq: 1 INVITES\r\n\r\n')), { message: /does not match/ });
});
