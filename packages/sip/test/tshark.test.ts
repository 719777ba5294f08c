// Oracle: Wireshark's SIP dissector (tshark) reads what our serializer writes — each builder's
// output and every valid corpus message after a round trip — with no malformed flag, and with our
// method, status, Call-ID, CSeq and top branch. Needs tshark, text2pcap and od (.ci/run installs tshark).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  createRequest,
  createResponse,
  parseUri,
  serializeMessage,
  viaBranch,
  type SipMessage,
  type SipRequest,
} from '@switchboard/sip';
import { readFully, roundTrip, torture } from './support/messages.js';

const VALID = ['wsinv', 'intmeth', 'esc01', 'escnull', 'esc02', 'lwsdisp', 'longreq', 'dblreq', 'semiuri', 'transports', 'mpart01', 'unreason', 'noreason',
  'badbranch', 'unkscm', 'novelsc', 'unksm2', 'bext01', 'invut', 'regaut01', 'bcast', 'zeromf', 'cparam01', 'cparam02', 'regescrt', 'sdp01', 'inv2543'];

function built(): SipMessage[] {
  const party = (user: string, host: string): { displayName: string; uri: ReturnType<typeof parseUri>; params: [] } => ({ displayName: user, uri: parseUri(`sip:${user.toLowerCase()}@${host}`), params: [] });
  const via = { protocol: 'SIP/2.0', transport: 'UDP', host: '192.0.2.10', port: 5060 };
  const invite = createRequest({ method: 'INVITE', uri: parseUri('sip:bob@biloxi.example.com'), from: party('Alice', 'atlanta.example.com'), to: party('Bob', 'biloxi.example.com'), via,
    contact: { displayName: null, uri: parseUri('sip:alice@192.0.2.10'), params: [] }, body: 'v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n', contentType: 'application/sdp' });
  const register = createRequest({ method: 'REGISTER', uri: parseUri('sip:example.com'), from: party('Alice', 'example.com'), to: party('Alice', 'example.com'), via, cseq: 7,
    contact: { displayName: null, uri: parseUri('sip:alice@192.0.2.10;transport=udp'), params: [['expires', '3600']] } });
  const message = createRequest({ method: 'MESSAGE', uri: parseUri('sip:bob@example.com'), from: party('Alice', 'example.com'), to: party('Bob', 'example.com'), via, body: 'Hello, Bob', contentType: 'text/plain' });
  const request = readFully(serializeMessage(invite)) as SipRequest;
  return [invite, register, message, createResponse(request, 100), createResponse(request, 180), createResponse(request, 200, { body: 'v=0\r\n', contentType: 'application/sdp' }), createResponse(readFully(serializeMessage(register)) as SipRequest, 401, { headers: [['WWW-Authenticate', 'Digest realm="example.com", nonce="abc", qop="auth"']] })];
}

/**
 * Where tshark 4.0 reads less than the message holds (checked by hand against RFC 3261's grammar):
 * its CSeq field does not take a method with the rarer token characters of RFC 4475 §3.1.1.2.
 */
const KNOWN_DISSECTOR_GAPS: string[] = ['intmeth field 4: tshark "", we "!interesting-Method0123456789_*+`.%indeed\'~"'];

/** The messages as datagrams to port 5060, dissected; one row of fields per frame. */
function dissect(messages: readonly SipMessage[]): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'sip-tshark-'));
  try {
    let dump = '';
    messages.forEach((message, i) => {
      const file = join(dir, `${i}.bin`);
      writeFileSync(file, serializeMessage(message));
      dump += execFileSync('od', ['-Ax', '-tx1', '-v', file], { encoding: 'utf8' });
    });
    writeFileSync(join(dir, 'all.hex'), dump);
    execFileSync('text2pcap', ['-q', '-u', '5060,5060', join(dir, 'all.hex'), join(dir, 'all.pcap')], { stdio: 'ignore' });
    const fields = ['sip.Method', 'sip.Status-Code', 'sip.Call-ID', 'sip.CSeq.seq', 'sip.CSeq.method', 'sip.Via.branch', '_ws.malformed', '_ws.expert.severity'];
    const out = execFileSync('tshark', ['-r', join(dir, 'all.pcap'), '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=f', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expected(message: SipMessage): string[] {
  return [
    message.kind === 'request' ? message.method : '',
    message.kind === 'response' ? String(message.status) : '',
    message.callId ?? '',
    String(message.cseq?.seq ?? ''),
    message.cseq?.method ?? '',
    // tshark's first sip.Via.branch: the first Via that has one (longreq's top Via has none)
    message.via.map((via) => viaBranch(via)).find((branch) => branch !== undefined) ?? '',
  ];
}

test('tshark reads every builder output: method or status, Call-ID, CSeq and branch as we wrote them, nothing malformed', (t) => {
  const messages = built();
  const rows = dissect(messages);
  t.is(rows.length, messages.length);
  rows.forEach((row, i) => {
    t.deepEqual(row.slice(0, 6), expected(messages[i]!), `message ${i + 1}`);
    t.is(row[6] ?? '', '', `message ${i + 1} is not malformed`);
  });
});

test('tshark reads the valid corpus messages after our round trip the same way', (t) => {
  const messages = VALID.map((name) => roundTrip(readFully(torture(name))));
  const rows = dissect(messages);
  t.is(rows.length, messages.length);
  const differences: string[] = [];
  rows.forEach((row, i) => {
    const want = expected(messages[i]!);
    want.forEach((value, field) => {
      if (row[field] !== value) differences.push(`${VALID[i]} field ${field}: tshark ${JSON.stringify(row[field])}, we ${JSON.stringify(value)}`);
    });
    t.is(row[6] ?? '', '', `${VALID[i]} is not malformed`);
  });
  t.deepEqual(differences, KNOWN_DISSECTOR_GAPS);
});
