// The registrar (RFC 3261 §10.3) on an in-memory SQLite store, with time passed in.
import test from 'ava';
import { parseMessage, type SipRequest } from '@switchboard/sip';
import { SqliteStore, register } from '@switchboard/gateway';

const limits = { domain: 'switchboard.local', defaultExpires: 3600, minExpires: 60, maxExpires: 86_400, maxBindingsPerUser: 3 };

function reg(contact: string, { expires, seq = 1, callId = 'reg-1' }: { expires?: number; seq?: number; callId?: string } = {}): SipRequest {
  const lines = [
    'REGISTER sip:switchboard.local SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bKr' + seq,
    'From: <sip:4477@switchboard.local>;tag=a',
    'To: <sip:4477@192.0.2.1>',
    `Call-ID: ${callId}`,
    `CSeq: ${seq} REGISTER`,
    ...(contact === '' ? [] : [`Contact: ${contact}`]),
    ...(expires === undefined ? [] : [`Expires: ${expires}`]),
    'Content-Length: 0',
  ];
  return parseMessage(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`)) as SipRequest;
}

test('a binding is added with the default Expires, listed with its remaining time, and expires', async (t) => {
  const store = new SqliteStore(':memory:');
  const added = await register(reg('<sip:4477@192.0.2.5:5060>'), store, 1_000_000, limits);
  t.is(added.status, 200);
  t.is(added.aor, 'sip:4477@switchboard.local', 'the AOR is the user at the gateway domain');
  t.deepEqual(added.headers[0], ['Contact', '<sip:4477@192.0.2.5:5060>;expires=3600']);
  t.is((await store.bindings('sip:4477@switchboard.local', 1_000_000 + 3_599_000)).length, 1);
  t.is((await store.bindings('sip:4477@switchboard.local', 1_000_000 + 3_600_000)).length, 0);
  t.is(await store.purgeExpired(1_000_000 + 3_600_000), 1);
});

test('a contact expires parameter wins over Expires; above the maximum is capped; below the minimum is 423 with Min-Expires', async (t) => {
  const store = new SqliteStore(':memory:');
  t.deepEqual((await register(reg('<sip:a@h>;expires=120', { expires: 900 }), store, 0, limits)).headers[0], ['Contact', '<sip:a@h>;expires=120']);
  const capped = await register(reg('<sip:b@h>', { expires: 999_999, seq: 2 }), store, 0, limits);
  t.deepEqual(capped.headers[0], ['Contact', '<sip:b@h>;expires=86400'], 'listed first: it expires last');
  t.deepEqual(capped.headers[1], ['Contact', '<sip:a@h>;expires=120']);
  const brief = await register(reg('<sip:c@h>', { expires: 30, seq: 3 }), store, 0, limits);
  t.is(brief.status, 423);
  t.deepEqual(brief.headers, [['Min-Expires', '60']]);
  t.is((await store.bindings('sip:4477@switchboard.local', 0)).length, 2, 'a refused request changes nothing');
});

test('Expires 0 removes one binding; Contact * with Expires 0 removes all; * without Expires 0 is 400; a query lists bindings', async (t) => {
  const store = new SqliteStore(':memory:');
  await register(reg('<sip:a@h>, <sip:b@h>', { seq: 1 }), store, 0, limits);
  t.is((await register(reg('<sip:a@h>', { expires: 0, seq: 2 }), store, 0, limits)).status, 200);
  const query = await register(reg('', { seq: 3 }), store, 0, limits);
  t.deepEqual(query.headers.filter(([n]) => n === 'Contact').map(([, v]) => v), ['<sip:b@h>;expires=3600']);
  t.is((await register(reg('*', { seq: 4 }), store, 0, limits)).status, 400);
  const cleared = await register(reg('*', { expires: 0, seq: 5 }), store, 0, limits);
  t.is(cleared.status, 200);
  t.false(cleared.reachable);
  t.is(await store.countBindings(0), 0);
});

test('a refresh with the same Call-ID must have a higher CSeq (500 otherwise); another Call-ID may replace it', async (t) => {
  const store = new SqliteStore(':memory:');
  await register(reg('<sip:a@h>', { seq: 5 }), store, 0, limits);
  t.is((await register(reg('<sip:a@h>', { seq: 5 }), store, 1000, limits)).status, 500);
  t.is((await register(reg('<sip:a@h>', { seq: 6 }), store, 1000, limits)).status, 200);
  t.is((await register(reg('<sip:a@h>', { seq: 1, callId: 'other' }), store, 2000, limits)).status, 200);
});

test('a user may bind at most maxBindingsPerUser contacts: one more is 403 and changes nothing; replacing or removing is allowed', async (t) => {
  const store = new SqliteStore(':memory:');
  t.is((await register(reg('<sip:a@h>, <sip:b@h>, <sip:c@h>', { seq: 1 }), store, 0, limits)).status, 200);
  const over = await register(reg('<sip:d@h>', { seq: 2 }), store, 0, limits);
  t.is(over.status, 403);
  t.regex(over.reason!, /at most 3 contacts/);
  t.is((await store.bindings('sip:4477@switchboard.local', 0)).length, 3);
  t.is((await register(reg('<sip:a@h>', { seq: 3 }), store, 0, limits)).status, 200, 'a refresh of a bound contact');
  t.is((await register(reg('<sip:a@h>;expires=0, <sip:d@h>', { seq: 4 }), store, 0, limits)).status, 200, 'one out, one in');
  t.deepEqual((await store.bindings('sip:4477@switchboard.local', 0)).map((b) => b.contact).sort(), ['sip:b@h', 'sip:c@h', 'sip:d@h']);
});

test('a contact named twice counts as its last mention, as if applied in order', async (t) => {
  const store = new SqliteStore(':memory:');
  t.is((await register(reg('<sip:a@h>, <sip:a@h>;expires=0', { seq: 1 }), store, 0, limits)).status, 200);
  t.deepEqual(await store.bindings('sip:4477@switchboard.local', 0), [], 'added, then removed');
  const outcome = await register(reg('<sip:a@h>;expires=0, <sip:a@h>;expires=120', { seq: 2 }), store, 0, limits);
  t.deepEqual(outcome.headers[0], ['Contact', '<sip:a@h>;expires=120'], 'removed, then added');
});
