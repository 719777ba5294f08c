// The webhook signature: vectors computed by openssl (fixed ones written down, and fresh ones for
// random bodies computed by running openssl here), and verifyWebhook's refusals: tolerance both
// ways, rotation with several v1= entries and several secrets, a tampered body or timestamp,
// malformed and oversized headers.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import test from 'ava';
import { MAX_SIGNATURE_HEADER_LENGTH, WebhookSignatureError, signWebhook, verifyWebhook } from '../src/webhooks/signature.js';

/** HMAC-SHA256 hex as `openssl dgst -sha256 -hmac` computes it, over the bytes given on stdin. */
function opensslHmac(secret: string, data: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: Buffer.from(data, 'utf8') }).toString();
  const match = /([0-9a-f]{64})\s*$/.exec(out);
  if (!match) throw new Error(`unexpected openssl output: ${out}`);
  return match[1]!;
}

const T = 1_700_000_000;
const MO_BODY = '{"event":"mo","text":"héllo ✓"}';

test('fixed vectors computed with openssl dgst -sha256 -hmac', (t) => {
  // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
  t.is(signWebhook('{"a":1}', 'whsec_test', T), 't=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789');
  // the body's UTF-8 bytes are signed (openssl was given the same text, UTF-8)
  t.is(signWebhook(MO_BODY, 'whsec_old', T), 't=1700000000,v1=f29bd2d800aa58e9b9a5d2ebb0bbe86acd395c93c8f234542677414e178957bd');
  t.is(
    signWebhook(MO_BODY, ['whsec_old', 'whsec_new'], T),
    't=1700000000,v1=f29bd2d800aa58e9b9a5d2ebb0bbe86acd395c93c8f234542677414e178957bd,v1=f85f3dbf09805fb90829b37d02f885d8b6f396aeb90f614e90fd4de09f324efd',
  );
  // a Buffer body signs the same bytes
  t.is(signWebhook(Buffer.from('{"a":1}'), 'whsec_test', T), signWebhook('{"a":1}', 'whsec_test', T));
});

test('random bodies and secrets agree with openssl run now', (t) => {
  for (let i = 0; i < 5; i++) {
    const body = JSON.stringify({ event: 'receipt', n: i, noise: randomBytes(24).toString('base64') });
    const secret = `whsec_${randomBytes(12).toString('hex')}`;
    const timestamp = T + i * 977;
    t.is(signWebhook(body, secret, timestamp), `t=${timestamp},v1=${opensslHmac(secret, `${timestamp}.${body}`)}`);
  }
});

test('signWebhook refuses an empty secret and a timestamp that is not whole seconds', (t) => {
  t.throws(() => signWebhook('{}', '', T), { instanceOf: WebhookSignatureError });
  t.throws(() => signWebhook('{}', [], T), { instanceOf: WebhookSignatureError });
  t.throws(() => signWebhook('{}', 's', 1.5), { instanceOf: WebhookSignatureError });
  const error = t.throws(() => signWebhook('{}', 's', -1), { instanceOf: WebhookSignatureError });
  t.is(error?.code, 'ERR_WEBHOOK_SIGNATURE');
});

test('verifyWebhook accepts within the tolerance, both ways, and refuses beyond it', (t) => {
  const header = signWebhook(MO_BODY, 'whsec_old', T);
  t.true(verifyWebhook(MO_BODY, header, 'whsec_old', { now: T }));
  t.true(verifyWebhook(MO_BODY, header, 'whsec_old', { now: T + 300 }));
  t.true(verifyWebhook(MO_BODY, header, 'whsec_old', { now: T - 300 }));
  t.false(verifyWebhook(MO_BODY, header, 'whsec_old', { now: T + 301 }), 'stale');
  t.false(verifyWebhook(MO_BODY, header, 'whsec_old', { now: T - 301 }), 'from the future');
  t.true(verifyWebhook(MO_BODY, header, 'whsec_old', { now: T + 3600, tolerance: 3600 }));
  t.false(verifyWebhook(MO_BODY, header, 'whsec_old', { now: T + 1, tolerance: 0 }));
  // default now is the real clock: a signature made now passes, one from 2023 does not
  const nowSeconds = Math.floor(Date.now() / 1000);
  t.true(verifyWebhook(MO_BODY, signWebhook(MO_BODY, 'k', nowSeconds), 'k'));
  t.false(verifyWebhook(MO_BODY, header, 'whsec_old'));
});

test('verifyWebhook refuses a tampered body, timestamp or signature, and another secret', (t) => {
  const header = signWebhook(MO_BODY, 'whsec_old', T);
  t.false(verifyWebhook(MO_BODY.replace('héllo', 'hello'), header, 'whsec_old', { now: T }));
  t.false(verifyWebhook(`${MO_BODY} `, header, 'whsec_old', { now: T }));
  t.false(verifyWebhook(MO_BODY, header.replace(`t=${T}`, `t=${T + 1}`), 'whsec_old', { now: T }));
  const v1 = header.slice(header.indexOf('v1=') + 3);
  const flipped = (v1[0] === '0' ? '1' : '0') + v1.slice(1);
  t.false(verifyWebhook(MO_BODY, `t=${T},v1=${flipped}`, 'whsec_old', { now: T }));
  t.false(verifyWebhook(MO_BODY, header, 'whsec_new', { now: T }));
  t.false(verifyWebhook(MO_BODY, header, '', { now: T }));
  // the same bytes as a Buffer pass
  t.true(verifyWebhook(Buffer.from(MO_BODY, 'utf8'), header, 'whsec_old', { now: T }));
});

test('rotation: any v1= entry with any of the receiver secrets passes', (t) => {
  const both = signWebhook(MO_BODY, ['whsec_old', 'whsec_new'], T);
  t.true(verifyWebhook(MO_BODY, both, 'whsec_old', { now: T }));
  t.true(verifyWebhook(MO_BODY, both, 'whsec_new', { now: T }));
  t.false(verifyWebhook(MO_BODY, both, 'whsec_other', { now: T }));
  // a receiver that accepts both while it rotates
  const onlyNew = signWebhook(MO_BODY, 'whsec_new', T);
  t.true(verifyWebhook(MO_BODY, onlyNew, ['whsec_old', 'whsec_new'], { now: T }));
  t.false(verifyWebhook(MO_BODY, onlyNew, ['whsec_old'], { now: T }));
  // an unknown scheme beside v1 is skipped; spaces after commas are allowed
  const [tPart, v1Part] = onlyNew.split(',');
  t.true(verifyWebhook(MO_BODY, `${tPart}, v0=abc, ${v1Part}`, 'whsec_new', { now: T }));
  // node:http may hand a repeated header as an array
  t.true(verifyWebhook(MO_BODY, [tPart!, v1Part!], 'whsec_new', { now: T }));
});

test('verifyWebhook refuses malformed and oversized headers without throwing', (t) => {
  const good = signWebhook('{}', 's', T);
  const v1 = good.split(',')[1]!;
  const bad = [
    undefined,
    null,
    '',
    'garbage',
    `t=${T}`,
    v1,
    `t=abc,${v1}`,
    `t=${T},t=${T},${v1}`,
    `t=-${T},${v1}`,
    `t=${T},v1=zz`,
    `t=${T},v1=${'0'.repeat(63)}`,
    `t=${T},=x,${v1}`,
    `t=${T},${v1},`,
    `t=${T},${Array.from({ length: 9 }, () => v1).join(',')}`,
    `t=${T},${v1},${'x'.repeat(MAX_SIGNATURE_HEADER_LENGTH)}`,
  ];
  for (const header of bad) t.false(verifyWebhook('{}', header, 's', { now: T }), String(header).slice(0, 80));
  t.true(verifyWebhook('{}', `t=${T},${Array.from({ length: 8 }, () => v1).join(',')}`, 's', { now: T }), 'eight entries are allowed');
  t.false(verifyWebhook('{}', good, 's', { now: Number.NaN }));
  t.false(verifyWebhook('{}', good, 's', { now: T, tolerance: -1 }));
});
