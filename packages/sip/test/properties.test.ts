// Property tests: random valid messages survive serialize / parse; random and mutated bytes only
// ever raise the parser's own error.
import test from 'ava';
import fc from 'fast-check';
import {
  HeaderList,
  SipParseError,
  SipRequest,
  parseMessage,
  serializeMessage,
  type NameAddr,
  type SipMessage,
  type Uri,
  type Via,
} from '@switchboard/sip';
import { readFully, shape } from './support/messages.js';

const tokenChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~'.split('');
const token = fc.array(fc.constantFrom(...tokenChars), { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const host = fc.oneof(fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.')), fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((n) => n.join('.')));
const user = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const paramName = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const uri: fc.Arbitrary<Uri> = fc.record({
  scheme: fc.constantFrom('sip' as const, 'sips' as const),
  user: fc.option(user, { nil: null }),
  password: fc.constant(null),
  host,
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null }),
  params: fc.array(fc.tuple(paramName, fc.option(fc.string({ maxLength: 8 }), { nil: null })), { maxLength: 3 }),
  headers: fc.constant([]),
});
const genericParams = fc.array(fc.tuple(paramName, fc.option(token, { nil: null })), { maxLength: 3 });
const nameAddr: fc.Arbitrary<NameAddr> = fc.record({
  displayName: fc.option(fc.string({ unit: 'grapheme', maxLength: 16 }).filter((s) => !/[\r\n]/.test(s)), { nil: null }),
  uri,
  params: genericParams,
});
const via: fc.Arbitrary<Via> = fc.record({
  protocol: fc.constant('SIP/2.0'),
  transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'WS', 'SCTP'),
  host,
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null }),
  params: token.map((b): Via['params'] => [['branch', `z9hG4bK${b}`]]),
});
const extension = fc.tuple(fc.stringMatching(/^X-[A-Za-z0-9-]{1,10}$/), fc.string({ minLength: 1, maxLength: 30 }).filter((v) => !/[\r\n\0]/.test(v) && v.trim() === v && v !== ''));

const request = fc
  .record({
    method: token,
    uri,
    vias: fc.array(via, { minLength: 1, maxLength: 3 }),
    from: nameAddr,
    to: nameAddr,
    callId: fc.stringMatching(/^[A-Za-z0-9.!%*_+`'~-]{1,20}(@[a-z0-9.]{1,10})?$/),
    seq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    maxForwards: fc.integer({ min: 0, max: 255 }),
    extensions: fc.array(extension, { maxLength: 4 }),
    body: fc.uint8Array({ maxLength: 200 }),
  })
  .map((r) => {
    const headers = new HeaderList().set('Via', r.vias).set('From', r.from).set('To', r.to).set('Call-ID', r.callId).set('CSeq', { seq: r.seq, method: r.method }).set('Max-Forwards', r.maxForwards);
    for (const [name, value] of r.extensions) headers.append(name, value);
    return { source: r, message: new SipRequest(r.method, r.uri, headers, Buffer.from(r.body)) };
  });

test('random valid requests round-trip: the same start line, headers, typed values and body', (t) => {
  fc.assert(
    fc.property(request, ({ source, message }) => {
      const parsed = readFully(serializeMessage(message)) as SipRequest;
      t.deepEqual(shape(parsed), shape(readFully(serializeMessage(parsed))));
      return (
        JSON.stringify(parsed.uri) === JSON.stringify(source.uri) &&
        JSON.stringify(parsed.via) === JSON.stringify(source.vias) &&
        JSON.stringify(parsed.from) === JSON.stringify(source.from) &&
        JSON.stringify(parsed.to) === JSON.stringify(source.to) &&
        parsed.callId === source.callId &&
        parsed.cseq?.seq === source.seq &&
        Buffer.compare(parsed.body, Buffer.from(source.body)) === 0
      );
    }),
    { numRuns: 500 },
  );
});

function parsesOrFailsCleanly(bytes: Uint8Array): boolean {
  try {
    const message = parseMessage(Buffer.from(bytes));
    const error = message.check();
    return error === undefined || error instanceof SipParseError;
  } catch (error) {
    if (error instanceof SipParseError) return true;
    throw error;
  }
}

test('random bytes never raise anything but SipParseError', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), parsesOrFailsCleanly), { numRuns: 2000 });
  t.pass('fc.assert throws on a counterexample');
});

test('mutated valid messages never raise anything but SipParseError', (t) => {
  const seeds = fc.sample(request, 30).map(({ message }) => serializeMessage(message));
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 8 }))
    .map(([seed, edits]) => {
      const bytes = [...seed];
      for (const [at, value, op] of edits) {
        const i = at % (bytes.length + 1);
        if (op === 'set') bytes[i % bytes.length] = value;
        else if (op === 'insert') bytes.splice(i, 0, value);
        else bytes.splice(i % bytes.length, 1);
      }
      return Uint8Array.from(bytes);
    });
  fc.assert(fc.property(mutated, parsesOrFailsCleanly), { numRuns: 3000 });
  t.pass('fc.assert throws on a counterexample');
});

/** Every known header of `bytes` typed twice: from the head as parsed, and from values cut first (no span readers). */
function spanAndCutAgree(bytes: Uint8Array): boolean {
  const read = (cutFirst: boolean): string => {
    let message: SipMessage;
    try {
      message = parseMessage(Buffer.from(bytes));
    } catch (error) {
      if (error instanceof SipParseError) return 'unparsed';
      throw error;
    }
    const out: string[] = [];
    for (const name of TYPED) {
      if (cutFirst) message.headers.getAll(name);
      try {
        out.push(JSON.stringify(message.headers.all(name)));
      } catch (error) {
        if (!(error instanceof SipParseError)) throw error;
        out.push(`error ${error.message}`);
      }
    }
    return out.join('\n');
  };
  return read(false) === read(true);
}

const TYPED = ['via', 'from', 'to', 'contact', 'route', 'record-route', 'call-id', 'cseq', 'content-type', 'allow', 'supported', 'authorization', 'max-forwards', 'expires'] as const;

/** Messages carrying every header the one-pass readers take, in their usual forms. */
const RICH = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\nVia: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK74bf9;received=192.0.2.3;ttl=16\r\nMax-Forwards: 70\r\nTo: Bob <sip:bob@biloxi.example.com>\r\nFrom: "Alice A." <sip:alice@atlanta.example.com>;tag=1928301774\r\nCall-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 314159 INVITE\r\nContact: <sip:alice@pc33.atlanta.example.com;transport=udp>;expires=60, sip:alice@192.0.2.1:5070\r\nRecord-Route: <sip:proxy.atlanta.example.com;lr>\r\nRoute: <sips:edge.example.com:5061;lr>\r\nAllow: INVITE, ACK, CANCEL, BYE\r\nSupported: replaces,timer\r\nContent-Type: application/sdp;level=1\r\nContent-Length: 0\r\n\r\n',
  'REGISTER sip:registrar.example.com SIP/2.0\r\nVia: SIP/2.0/UDP bobspc.example.com:5060;branch=z9hG4bKnashds7\r\nMax-Forwards: 70\r\nTo: Bob <sip:bob@example.com>\r\nFrom: Bob <sip:bob@example.com>;tag=456248\r\nCall-ID: 843817637684230@998sdasdh09\r\nCSeq: 1826 REGISTER\r\nContact: <sip:bob@192.0.2.4>;expires=7200\r\nAuthorization: Digest username="bob", realm="example.com", nonce="dcd98b7102dd2f0e", uri="sip:registrar.example.com", qop=auth, nc=00000001, response="6629fae4"\r\nExpires: 7200\r\nContent-Length: 0\r\n\r\n',
].map((text) => Buffer.from(text));

test('headers read where they lie in the head equal the same headers read from their cut values', (t) => {
  const seeds = [...RICH, ...RICH, ...RICH, ...fc.sample(request, 20).map(({ message }) => serializeMessage(message))];
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.constantFrom(32, 44, 59, 61, 34, 60, 62, 58, 64, 92, 9, 65, 122, 48, 0xc3)), { minLength: 1, maxLength: 4 }))
    .map(([seed, edits]) => {
      const bytes = [...seed];
      for (const [at, value] of edits) bytes.splice(at % (bytes.length + 1), 0, value);
      return Uint8Array.from(bytes);
    });
  fc.assert(fc.property(mutated, spanAndCutAgree), { numRuns: 3000 });
  t.pass('fc.assert throws on a counterexample');
});
