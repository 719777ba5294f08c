// The stream framer fed one octet at a time and cut at random points (RFC 3261 §18.3): large
// messages come out whole and intact, messages already handed out stay intact while later chunks
// arrive, and the limits hold while a message trickles in. Its cost per octet (flat, whatever is
// buffered) is measured outside the unit tests: see the changeset.
import test from 'ava';
import fc from 'fast-check';
import { SipParseError, SipStreamFramer, type SipMessage } from '@switchboard/sip';

function message(callId: string, body: string, extraRows = ''): Buffer {
  return Buffer.from(
    `MESSAGE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h.example.com;branch=z9hG4bK${callId}\r\nFrom: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: ${callId}\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\n${extraRows}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** A body that differs at every offset, so a cut or a stale view shows. */
function patterned(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(33 + ((i * 7 + (i >> 8)) % 90));
  return out;
}

test('a 60 kB message fed one octet at a time comes out once, whole, with nothing left buffered', (t) => {
  const body = patterned(60_000);
  const bytes = message('big', body);
  const framer = new SipStreamFramer();
  const seen: [SipMessage, Buffer][] = [];
  for (let i = 0; i < bytes.length; i++) {
    framer.push(bytes.subarray(i, i + 1), { message: (m, b) => seen.push([m, b]) });
    if (i < bytes.length - 1) t.is(framer.buffered, i + 1);
  }
  t.is(seen.length, 1);
  const [m, raw] = seen[0]!;
  t.is(m.callId, 'big');
  t.is(m.body.toString('latin1'), body);
  t.true(raw.equals(bytes));
  t.is(framer.buffered, 0);
});

test('a head of 50 kB (240 rows) fed one octet at a time is read once it is whole', (t) => {
  const rows = Array.from({ length: 240 }, (_, i) => `X-Row-${i}: ${String(i).padStart(200, 'v')}\r\n`).join('');
  const bytes = message('wide', 'hi', rows);
  t.true(bytes.length > 50_000);
  const framer = new SipStreamFramer();
  const seen: SipMessage[] = [];
  for (let i = 0; i < bytes.length; i++) framer.push(bytes.subarray(i, i + 1), { message: (m) => seen.push(m) });
  t.is(seen.length, 1);
  t.is(seen[0]!.headers.get('X-Row-239'), String(239).padStart(200, 'v'));
  t.is(seen[0]!.body.toString(), 'hi');
});

test('messages handed out stay intact while later octets arrive in the same buffer', (t) => {
  const first = message('one', patterned(3000));
  const second = message('two', patterned(5000).split('').reverse().join(''));
  const third = message('three', '');
  // the second message starts in the chunk that ends the first; then the rest trickles in
  const stream = Buffer.concat([first, Buffer.from('\r\n'), second, third]);
  const framer = new SipStreamFramer();
  const seen: [SipMessage, Buffer, Buffer][] = [];
  const events = { message: (m: SipMessage, b: Buffer) => seen.push([m, b, Buffer.from(b)]) };
  framer.push(stream.subarray(0, 10), events);
  framer.push(stream.subarray(10, first.length + 100), events);
  for (let i = first.length + 100; i < stream.length; i++) framer.push(stream.subarray(i, i + 1), events);
  t.deepEqual(
    seen.map(([m]) => m.callId),
    ['one', 'two', 'three'],
  );
  for (const [m, bytes, copy] of seen) {
    t.true(bytes.equals(copy), `${m.callId}: the bytes handed out were not written over`);
    t.is(m.body.length, Number(m.headers.get('Content-Length')));
  }
  t.true(seen[0]![1].equals(first));
  t.true(seen[1]![1].equals(second));
});

test('any cut of a stream of messages, keep-alives and pings gives the same messages and pings', (t) => {
  const parts = [Buffer.from('\r\n\r\n'), message('a', patterned(700)), Buffer.from('\r\n'), message('b', ''), message('c', patterned(2500)), Buffer.from('\r\n\r\n')];
  const stream = Buffer.concat(parts);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const framer = new SipStreamFramer();
      const ids: (string | undefined)[] = [];
      let pings = 0;
      let from = 0;
      for (const at of [...points, stream.length]) {
        framer.push(stream.subarray(from, at), { message: (m) => ids.push(`${m.callId}:${m.body.length}`), ping: () => pings++ });
        from = at;
      }
      return ids.join(',') === 'a:700,b:0,c:2500' && pings === 2 && framer.buffered === 0;
    }),
  );
  t.pass();
});

test('limits hold while a message trickles in: a head over the limit, a message over the limit', (t) => {
  const head = new SipStreamFramer({ maxMessageSize: 1000 });
  const endless = Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\nX: ${'a'.repeat(2000)}`);
  const error = t.throws(() => {
    for (let i = 0; i < endless.length; i++) head.push(endless.subarray(i, i + 1), { message: () => {} });
  });
  t.true(error instanceof SipParseError);
  t.like(error, { status: 413 });
  t.regex(error.message, /head over 1000 octets/);
  t.is(head.buffered, 1001, 'it stops at the first octet past the limit');
  t.throws(() => head.push(Buffer.from('\r\n'), { message: () => {} }), { instanceOf: SipParseError }, 'a broken framer stays broken');

  const whole = new SipStreamFramer({ maxMessageSize: 1000 });
  const big = message('big', patterned(2000));
  const headLength = big.indexOf('\r\n\r\n') + 4;
  let thrown: unknown;
  let at = 0;
  try {
    for (; at < big.length; at++) whole.push(big.subarray(at, at + 1), { message: () => {} });
  } catch (e) {
    thrown = e;
  }
  t.true(thrown instanceof SipParseError);
  t.like(thrown, { status: 413 });
  t.is(at, headLength - 1, 'refused as soon as the head (and its Content-Length) is read');
});

test('octets copied while framing grow linearly with the message, not with the square of it', (t) => {
  // Not a timing: the work done, counted. Buffer.concat and Buffer#copy are the framer's only copies.
  const bytes = message('counted', patterned(40_000));
  let copied = 0;
  const concat = Buffer.concat;
  const copy = Buffer.prototype.copy;
  Buffer.concat = function (list: readonly Uint8Array[], length?: number): Buffer {
    const out = concat.call(Buffer, list, length);
    copied += out.length;
    return out;
  } as typeof Buffer.concat;
  Buffer.prototype.copy = function (this: Buffer, ...args: Parameters<Buffer['copy']>): number {
    const n = copy.apply(this, args);
    copied += n;
    return n;
  };
  const seen: SipMessage[] = [];
  try {
    const framer = new SipStreamFramer();
    for (let i = 0; i < bytes.length; i++) framer.push(bytes.subarray(i, i + 1), { message: (m) => seen.push(m) });
  } finally {
    Buffer.concat = concat;
    Buffer.prototype.copy = copy;
  }
  t.is(seen.length, 1);
  // doubling copies each octet about three times in all; a concat per chunk copies n²/2
  t.true(copied <= 4 * bytes.length, `${copied} octets copied for a ${bytes.length}-octet message`);
});

test('a head with bare LFs is cut at its own empty line, whole or octet by octet, before a CRLF message', (t) => {
  const bare = Buffer.from('MESSAGE sip:a@example.com SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bKlf\nFrom: <sip:b@example.com>;tag=1\nTo: <sip:a@example.com>\nCall-ID: lf\nCSeq: 1 MESSAGE\nContent-Length: 5\n\nhello');
  const stream = Buffer.concat([bare, message('crlf', 'world\r\n\r\n')]);
  for (const size of [1, 3, stream.length]) {
    const framer = new SipStreamFramer();
    const seen: string[] = [];
    for (let at = 0; at < stream.length; at += size) framer.push(stream.subarray(at, at + size), { message: (m) => seen.push(`${m.callId}:${m.body.toString()}`) });
    t.deepEqual(seen, ['lf:hello', 'crlf:world\r\n\r\n'], `chunks of ${size}`);
    t.is(framer.buffered, 0);
  }
});
