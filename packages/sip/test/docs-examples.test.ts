// The builder and validation examples of docs/sip.md, run as written.
import test from 'ava';
import { UnsupportedExtensionError, createRequest, createResponse, newTag, paramValue, parseUri, serializeMessage, validateRequest, type SipRequest } from '@switchboard/sip';
import { readFully } from './support/messages.js';

const sdp = 'v=0\r\no=alice 1 1 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\n';

test('docs/sip.md: an INVITE, 180 and 200 sharing one To tag; validation answers 420 with Unsupported', (t) => {
  const invite = createRequest({
    method: 'INVITE',
    uri: parseUri('sip:bob@biloxi.example.com'),
    from: { displayName: 'Alice', uri: parseUri('sip:alice@atlanta.example.com'), params: [] },
    to: { displayName: 'Bob', uri: parseUri('sip:bob@biloxi.example.com'), params: [] },
    via: { protocol: 'SIP/2.0', transport: 'UDP', host: 'pc33.atlanta.example.com', port: 5060 },
    contact: { displayName: null, uri: parseUri('sip:alice@192.0.2.101'), params: [] },
    body: sdp,
    contentType: 'application/sdp',
  });
  const tag = newTag();
  const ringing = createResponse(invite, 180, { toTag: tag });
  const ok = createResponse(invite, 200, { toTag: tag, body: sdp, contentType: 'application/sdp' });
  t.is(ringing.reason, 'Ringing');
  t.is(paramValue(ok.to!.params, 'tag'), tag);
  t.is(paramValue(ringing.to!.params, 'tag'), tag);

  const request = readFully(serializeMessage(invite)) as SipRequest;
  request.headers.append('Require', 'precondition, 100rel');
  const problem = validateRequest(request, { supported: ['100rel', 'timer'], accept: ['application/sdp'] });
  t.true(problem instanceof UnsupportedExtensionError);
  const answer = createResponse(request, 420, { headers: [['Unsupported', (problem as UnsupportedExtensionError).unsupported.join(', ')]] });
  t.regex(serializeMessage(answer).toString(), /^SIP\/2.0 420 Bad Extension\r\n[\s\S]*\r\nUnsupported: precondition\r\n/);
});
