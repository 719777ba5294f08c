// RFC 4475 §3.2-3.3: messages that parse, and what a transaction layer or a server then does.
import test from 'ava';
import { UnsupportedExtensionError, hasRfc3261Branch, validateRequest, validateResponse, type SipRequest, type SipResponse } from '@switchboard/sip';
import { readFully, torture } from './support/messages.js';

const request = (name: string): SipRequest => readFully(torture(name)) as SipRequest;

test('insuf: missing required headers are answered 400', (t) => {
  t.like(validateRequest(request('insuf')), { status: 400, code: 'ERR_SIP_INVALID' });
});

test('unkscm: an unknown Request-URI scheme is answered 416; novelsc and unksm2 pass', (t) => {
  t.like(validateRequest(request('unkscm')), { status: 416 });
  t.is(validateRequest(request('novelsc'), { schemes: ['sip', 'sips', 'tel', 'soap.beep'] }), undefined);
  t.is(validateRequest(request('unksm2')), undefined);
});

test('bext01: Require and Proxy-Require of unsupported extensions are answered 420 with the tags', (t) => {
  const error = validateRequest(request('bext01'), { supported: ['100rel'] });
  t.true(error instanceof UnsupportedExtensionError);
  t.is(error?.status, 420);
  t.true((error as UnsupportedExtensionError).unsupported.length >= 2);
});

test('invut: an unknown Content-Type is answered 415', (t) => {
  t.like(validateRequest(request('invut'), { accept: ['application/sdp'] }), { status: 415 });
});

test('multi01: several values in single-value headers are answered 400', (t) => {
  t.like(validateRequest(request('multi01')), { status: 400 });
});

test('mcl01 never gets this far: two Content-Lengths fail parsing', (t) => {
  t.throws(() => readFully(torture('mcl01')), { code: 'ERR_SIP_PARSE' });
});

test('bcast: a 200 OK with two Vias is discarded by a client', (t) => {
  const response = readFully(torture('bcast')) as SipResponse;
  t.like(validateResponse(response, { client: true }), { status: 0, header: 'Via' });
});

test('badbranch: a branch without the magic cookie is matched by RFC 2543 rules', (t) => {
  const m = request('badbranch');
  t.false(hasRfc3261Branch(m.topVia!));
  t.is(validateRequest(m), undefined);
});

test('zeromf, cparam01/02, regescrt, regaut01, sdp01, inv2543: valid for the message layer', (t) => {
  for (const name of ['zeromf', 'cparam01', 'cparam02', 'regescrt', 'regaut01', 'sdp01', 'inv2543']) {
    t.is(validateRequest(request(name), { schemes: ['sip', 'sips', 'tel'] }), undefined, name);
  }
  t.is(request('zeromf').headers.first('max-forwards'), 0);
});
