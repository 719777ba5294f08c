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
