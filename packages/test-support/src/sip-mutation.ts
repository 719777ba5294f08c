// Hostile SIP for fuzzing a server: valid requests and responses as a starting point, operators
// that break them (octets in header values, bad numbers, bad URIs, duplicated and missing headers,
// huge values, many Vias, byte flips, truncation), and the inputs already known to have killed a
// server, kept as a corpus so that they stay fixed. Every input comes from a seed and an index.
import { Prng } from './prng.js';

export interface SipFuzzTarget {
  /** The server under test. */
  readonly host: string;
  readonly port: number;
  /** The server's SIP domain. */
  readonly domain: string;
  /** The sender's own port (in Via and Contact), so that answers come back to it. */
  readonly localPort: number;
  readonly transport: 'UDP' | 'TCP';
  /** An Authorization value for (method, Request-URI), when the server asks for digest; else null. */
  readonly authorize?: (method: string, uri: string) => string | null;
}

export interface FuzzInput {
  /** What was done to it, for the failure report (with the seed and index). */
  readonly label: string;
  readonly bytes: Buffer;
}

/** A message taken apart just enough to mutate it: start line, headers in order, body. */
interface SipShape {
  start: string;
  headers: [string, string][];
  body: string;
}

/** The largest UDP payload on IPv4. */
export const MAX_DATAGRAM = 65_507;

/** The demo user the harness authenticates as (the gateway's auth.demoUser / auth.demoPassword defaults). */
export const DEMO_USER = '447700900123';
export const DEMO_PASSWORD = 'switchboard';

const BAD_NUMBERS = ['-1', '0', '4294967295', '4294967296', '2147483648', '99999999999999999999999', '1e3', '0x10', '', ' ', '5 5', '1.5', 'NaN', 'Infinity', '１', '+5', '00000000000000000000000001', '9'.repeat(400), '-0', '1\t', '\x00'];
const BAD_URIS = [
  'sip:', 'sip:@', 'sip:a@', 'sip:@b', 'sip:a@b:', 'sip:a@b:99999', 'sip:a@b:-1', 'sip:a@b:0', 'sip:a@[::1', 'sip:a@[zz]', 'sips:', 'tel:', 'tel:+', 'tel:+44;phone-context=',
  'http://x/', 'urn:x', '*', 'sip:a@b;', 'sip:a@b;=', 'sip:a@b;lr=;lr;lr', 'sip:a@b?', 'sip:a@b?x', 'sip:a@b?=&', 'sip:%', 'sip:%zz@b', 'sip:%00@b', 'sip:a:b:c@d', 'sip:a@b@c',
  'sip:+447700900555@switchboard.local;user=phone', 'sip:0000000000000000000000000000000000@x', `sip:${'9'.repeat(300)}@x`, 'sip:abc@x', 'sip:a@b c', '', 'sip:447700900555@127.0.0.1;transport=',
  'sip:447700900555@999.999.999.999', 'sip:447700900555@-', 'SIP:447700900555@127.0.0.1', 'sip:%34%34%37@127.0.0.1', 'sip:447700900555@127.0.0.1:5060;maddr=;ttl=abc', 'tel:+447700900555',
];
const BAD_NAME_ADDRS = [
  '"a\rb" <sip:alice@127.0.0.1>', '"a\nb" <sip:alice@127.0.0.1>', '"a\x00b" <sip:alice@127.0.0.1>', '"unterminated <sip:a@b>', '<sip:a@b', 'sip:a@b>', '<>', '"" <sip:a@b>', '"a\\" <sip:a@b>', '"\\"',
  'a b c <sip:x@y>', '<sip:a@b>;tag', '<sip:a@b>;tag=;tag=', '<sip:a@b>;;', '<sip:a@b>, <sip:c@d>', '*', '<tel:+>', '<sip:%ff@127.0.0.1>', '"\xff\xfe" <sip:a@b>', '<sip:a@b>;tag="x', '"a"<sip:a@b>',
];
const BAD_CONTACTS = [
  '*', '*;expires=0', '*, <sip:a@b>', '<sip:a@b>;expires=abc', '<sip:a@b>;expires=-1', '<sip:a@b>;expires=99999999999999999', '<sip:a@b>;q=2.5', '<sip:a@b>;q=abc', '<tel:+1>', '<http://x/>',
  '<sip:a@b>;+sip.instance="<urn:uuid:', '<sip:a@b', 'sip:a@b, *', '<sip:a@127.0.0.1:0>', '<sip:a@127.0.0.1:70000>', '<sips:a@b>', ',', '<sip:a@b>;expires=', '<sip:a@b>;expires=3600;expires=0',
];
const BAD_VIAS = [
  'SIP/2.0/UDP', 'SIP/2.0/UDP ', 'SIP/2.0/XYZ 127.0.0.1;branch=z9hG4bKx', 'SIP/3.0/UDP 127.0.0.1;branch=z9hG4bKx', 'SIP/2.0/UDP 127.0.0.1:0;branch=z9hG4bK1', 'SIP/2.0/UDP 127.0.0.1:99999;branch=z9hG4bK1',
  'SIP/2.0/UDP [::1;branch=x', 'SIP/2.0/UDP 127.0.0.1;branch=', 'SIP/2.0/UDP 127.0.0.1;branch', 'SIP/2.0/UDP 127.0.0.1;rport=abc;branch=z9hG4bK2', 'SIP/2.0/UDP 127.0.0.1;received=notanip;branch=z9hG4bK3',
  'SIP/2.0/UDP 127.0.0.1;maddr=;ttl=999;branch=z9hG4bK4', ',,,', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK5, SIP/2.0/TCP', 'SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK6', 'SIP/2.0/WS x;branch=z9hG4bK7',
  'SIP/2.0/UDP 256.256.256.256;branch=z9hG4bK8', 'SIP/2.0/UDP -host-;branch=z9hG4bK9', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK\r10', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK;branch=z9hG4bK', 'SIP / 2.0 / UDP 127.0.0.1;branch=z9hG4bKs',
  'SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKport1', 'SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKzero',
];
const BAD_CONTENT_TYPES = ['text/', '/', 'text', '/plain', 'text/plain;charset', 'text/plain;charset=', 'text/plain; a="unterminated', '*/*', '', ';', 'text/plain;;', 'TEXT/PLAIN', 'text/plain;charset=utf-99', 'message/cpim', 'application/im-iscomposing+xml', 'multipart/mixed;boundary=', 'text/plain\x00', 'text /plain', 'text/ plain', 'a/b/c', 'text/plain;charset=ucs-2', 'application/sdp'];
const BAD_CALL_IDS = ['', ' ', 'a\rb', 'a\nb', 'a b', '@', 'x'.repeat(5000), '\x00', '\xff\xfe', 'a@b@c'];
const BAD_AUTHORIZATIONS = [
  'Digest', 'Digest ', 'Digest username=', 'Digest username="447700900123", realm="x"', 'Digest nonce="', 'Basic abc', 'Digest response="zz", algorithm=SHA-512', 'Digest ,,,,', 'Digest a=b=c',
  'Digest username="447700900123",realm="switchboard.local",nonce="x",uri="sip:x",response="00",qop=auth,nc=zz,cnonce=""', `Digest username="${'a'.repeat(10000)}"`, 'Digest username="447700900123", realm="switchboard.local", nonce="", uri="", response=""',
  'Digest username="447700900123", realm="switchboard.local", nonce="abc", uri="sip:x", response="0123", algorithm=MD5-sess, qop=auth-int, nc=00000001, cnonce="x"', 'Digest username=447700900123 realm=x',
];
const OCTETS = ['\r', '\n', '\x00', '\x80', '\xff', '\xc3', '\t', '"', '<', '>', '\\', ';', ',', '=', ':', '@', ' ', '\r\n', '\r\n ', '\n\n', '\r\r', '%', '\x7f', '\x1b'];
const METHODS = ['REGISTER', 'MESSAGE', 'OPTIONS', 'INVITE', 'ACK', 'BYE', 'CANCEL', 'SUBSCRIBE', 'NOTIFY', 'INFO', 'PRACK', 'UPDATE', 'REFER', 'PUBLISH', 'FOO', 'message', 'M\x00ESSAGE', 'MESSAGE\r', 'ÄÖÜ', ''];
const COMPACT_FORMS: Readonly<Record<string, string>> = { Via: 'v', From: 'f', To: 't', 'Call-ID': 'i', Contact: 'm', 'Content-Length': 'l', 'Content-Type': 'c' };

/** Bad values for a header, by lowercase name (the ones a core reads "late" are all here). */
function badValuesFor(name: string, method: string): readonly string[] {
  switch (name.toLowerCase()) {
    case 'cseq':
      return [...BAD_NUMBERS.map((n) => `${n} ${method}`), '1', '1 ', ` ${method}`, '1 FOO', `1 ${method.toLowerCase()}`, `abc ${method}`, `1 ${method} extra`, `4294967296 ${method}`, `2147483648 ${method}`];
    case 'content-length':
    case 'l':
    case 'max-forwards':
    case 'min-expires':
    case 'rseq':
      return BAD_NUMBERS;
    case 'expires':
      return [...BAD_NUMBERS, 'Thu, 01 Dec 1994 16:00:00 GMT'];
    case 'via':
    case 'v':
      return BAD_VIAS;
    case 'from':
    case 'f':
    case 'to':
    case 't':
      return [...BAD_NAME_ADDRS, ...BAD_URIS.map((u) => `<${u}>`), ...BAD_URIS];
    case 'contact':
    case 'm':
      return [...BAD_CONTACTS, ...BAD_NAME_ADDRS];
    case 'content-type':
    case 'c':
      return BAD_CONTENT_TYPES;
    case 'call-id':
    case 'i':
      return BAD_CALL_IDS;
    case 'authorization':
      return BAD_AUTHORIZATIONS;
    case 'route':
    case 'record-route':
      return ['<sip:a@b;lr>', '<', '<sip:127.0.0.1:1;lr>, <bad>', '', ...BAD_NAME_ADDRS];
    default:
      return ['', ' ', ',', ';', '"', '<', 'x'.repeat(2000), '\x00', '\xff'];
  }
}

function base(rng: Prng, target: SipFuzzTarget, kind: string): SipShape {
  const t = target.transport;
  const branch = `z9hG4bK${rng.token(12)}`;
  const callId = `${rng.token(12)}@fuzz`;
  const local = `127.0.0.1:${target.localPort}`;
  const server = `${target.host}:${target.port}`;
  const via: [string, string] = ['Via', `SIP/2.0/${t} ${local};branch=${branch};rport`];
  const headers = (method: string, from: string, to: string, extra: [string, string][]): [string, string][] => [
    via,
    ['Max-Forwards', '70'],
    ['From', `${from};tag=${rng.token(6)}`],
    ['To', to],
    ['Call-ID', callId],
    ['CSeq', `${rng.between(1, 9999)} ${method}`],
    ...extra,
  ];
  const user = `<sip:${DEMO_USER}@${target.domain}>`;
  const withAuth = (method: string, uri: string, list: [string, string][]): [string, string][] => {
    const value = target.authorize?.(method, uri) ?? null;
    return value === null || rng.chance(0.2) ? list : [...list, ['Authorization', value]];
  };
  const request = (method: string, uri: string, list: [string, string][], body = ''): SipShape => ({ start: `${method} ${uri} SIP/2.0`, headers: withAuth(method, uri, [...list, ['Content-Length', String(Buffer.byteLength(body, 'latin1'))]]), body });
  switch (kind) {
    case 'REGISTER': {
      const uri = `sip:${target.domain}`;
      return request('REGISTER', uri, headers('REGISTER', user, user, [['Contact', `<sip:${DEMO_USER}@${local}>`], ['Expires', String(rng.pick([0, 60, 300, 3600]))]]));
    }
    case 'MESSAGE': {
      const to = rng.pick(['447700900555', '447700900666', '+447700900777', '4000']);
      const uri = `sip:${to}@${server}`;
      const from = rng.chance(0.5) ? user : `<sip:alice@${local}>`;
      return request('MESSAGE', uri, headers('MESSAGE', from, `<sip:${to}@${target.domain}>`, [['Content-Type', rng.pick(['text/plain', 'text/plain;charset=UTF-8'])]]), rng.pick(['hello', 'fuzz message', 'é ü 你好', 'x'.repeat(200)]));
    }
    case 'OPTIONS':
      return request('OPTIONS', `sip:${server}`, headers('OPTIONS', `<sip:fuzz@${local}>`, `<sip:${server}>`, [['Accept', 'application/sdp']]));
    case 'INVITE': {
      const sdp = ['v=0', `o=- ${rng.between(1, 1e6)} 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
      return request('INVITE', `sip:447700900555@${server}`, headers('INVITE', `<sip:fuzz@${local}>`, `<sip:447700900555@${target.domain}>`, [['Contact', `<sip:fuzz@${local}>`], ['Content-Type', 'application/sdp']]), sdp);
    }
    case 'RESPONSE': {
      const status = rng.pick(['100 Trying', '180 Ringing', '200 OK', '202 Accepted', '401 Unauthorized', '481 Call/Transaction Does Not Exist', '500 Server Error', '603 Decline']);
      const method = rng.pick(['MESSAGE', 'INVITE', 'OPTIONS', 'REGISTER']);
      return { start: `SIP/2.0 ${status}`, headers: [['Via', `SIP/2.0/${t} ${server};branch=${branch}`], ['From', `<sip:${server}>;tag=${rng.token(6)}`], ['To', `<sip:fuzz@${local}>;tag=${rng.token(6)}`], ['Call-ID', callId], ['CSeq', `1 ${method}`], ['Content-Length', '0']], body: '' };
    }
    default: {
      const method = rng.pick(['ACK', 'BYE', 'CANCEL', 'SUBSCRIBE', 'NOTIFY', 'INFO', 'PRACK', 'UPDATE', 'REFER', 'PUBLISH', 'FOO']);
      return request(method, `sip:447700900555@${server}`, headers(method, `<sip:fuzz@${local}>`, `<sip:447700900555@${target.domain}>`, [['Event', 'presence'], ['Contact', `<sip:fuzz@${local}>`]]));
    }
  }
}

const KINDS = ['REGISTER', 'MESSAGE', 'MESSAGE', 'OPTIONS', 'INVITE', 'RESPONSE', 'OTHER'];

function serialize(shape: SipShape, eol = '\r\n'): Buffer {
  const head = [shape.start, ...shape.headers.map(([n, v]) => `${n}: ${v}`)].join(eol);
  return Buffer.from(`${head}${eol}${eol}${shape.body}`, 'latin1');
}

function methodOf(shape: SipShape): string {
  return shape.start.startsWith('SIP/') ? 'MESSAGE' : (shape.start.split(' ')[0] ?? '');
}

type ShapeOperator = (rng: Prng, shape: SipShape, target: SipFuzzTarget) => string;

const SHAPE_OPERATORS: readonly ShapeOperator[] = [
  function octetInValue(rng, shape) {
    const h = shape.headers[rng.int(shape.headers.length)];
    if (h === undefined) return 'octet: no header';
    const octet = rng.pick(OCTETS);
    const at = rng.int(h[1].length + 1);
    h[1] = h[1].slice(0, at) + octet + h[1].slice(at);
    return `octet ${JSON.stringify(octet)} in ${h[0]} at ${at}`;
  },
  function badValue(rng, shape) {
    const h = shape.headers[rng.int(shape.headers.length)];
    if (h === undefined) return 'bad value: no header';
    h[1] = rng.pick(badValuesFor(h[0], methodOf(shape)));
    return `${h[0]}: ${JSON.stringify(h[1].slice(0, 60))}`;
  },
  function lateHeader(rng, shape) {
    // the headers a core reads after the transaction layer has taken the request
    const name = rng.pick(['Content-Type', 'Contact', 'Expires', 'Call-ID', 'Via', 'From', 'To', 'CSeq', 'Max-Forwards', 'Authorization', 'Route', 'Content-Length']);
    const value = rng.pick(badValuesFor(name, methodOf(shape)));
    const existing = shape.headers.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (existing !== undefined) existing[1] = value;
    else shape.headers.splice(rng.int(shape.headers.length + 1), 0, [name, value]);
    return `${name}: ${JSON.stringify(value.slice(0, 60))}`;
  },
  function duplicate(rng, shape) {
    const h = shape.headers[rng.int(shape.headers.length)];
    if (h === undefined) return 'duplicate: no header';
    const copies = rng.chance(0.8) ? 1 : rng.between(2, 40);
    for (let i = 0; i < copies; i++) shape.headers.splice(rng.int(shape.headers.length + 1), 0, [h[0], h[1]]);
    return `${h[0]} x${copies + 1}`;
  },
  function remove(rng, shape) {
    const at = rng.int(shape.headers.length);
    const [h] = shape.headers.splice(at, 1);
    return `without ${h?.[0] ?? 'nothing'}`;
  },
  function huge(rng, shape, target) {
    const h = shape.headers[rng.int(shape.headers.length)];
    if (h === undefined) return 'huge: no header';
    const most = target.transport === 'UDP' ? 60_000 : 200_000;
    const size = rng.pick([1000, 8191, 8192, 8193, 20_000, most]);
    h[1] = h[1] + rng.pick(['x', ';a=b', ',', ' ', '9']).repeat(size).slice(0, size);
    return `${h[0]} +${size} octets`;
  },
  function manyVias(rng, shape, target) {
    const count = rng.pick([50, 256, 257, 600, 1500]);
    const via = `SIP/2.0/${target.transport} 127.0.0.1:${target.localPort};branch=z9hG4bK${rng.token(6)}`;
    if (rng.chance(0.5)) for (let i = 0; i < count; i++) shape.headers.splice(1, 0, ['Via', via]);
    else shape.headers.splice(1, 0, ['Via', Array.from({ length: count }, () => via).join(', ')]);
    return `${count} Vias`;
  },
  function startLine(rng, shape) {
    const parts = shape.start.split(' ');
    if (shape.start.startsWith('SIP/')) {
      shape.start = rng.pick(['SIP/2.0 999 X', 'SIP/2.0 1000 X', 'SIP/2.0 20 OK', 'SIP/2.0 abc', 'SIP/2.0', 'SIP/2.0 200', 'SIP/2.0  200 OK', 'SIP/1.0 200 OK', 'SIP/2.0 000 Zero', 'SIP/2.0 099 X', 'SIP/2.0 200 \x00']);
    } else {
      const choice = rng.int(5);
      if (choice === 0) parts[0] = rng.pick(METHODS);
      else if (choice === 1) parts[1] = rng.pick(BAD_URIS);
      else if (choice === 2) parts[2] = rng.pick(['SIP/2.1', 'SIP/3.0', 'HTTP/1.1', 'SIP/2.0 ', 'sip/2.0', '']);
      else if (choice === 3) parts.splice(rng.int(parts.length), 0, '');
      else parts.splice(rng.int(parts.length), 1);
      shape.start = parts.join(' ');
    }
    return `start line ${JSON.stringify(shape.start.slice(0, 80))}`;
  },
  function body(rng, shape, target) {
    const choice = rng.int(4);
    if (choice === 0) shape.body = '';
    else if (choice === 1) shape.body = rng.bytes(rng.between(1, 300)).toString('latin1');
    else if (choice === 2) shape.body = 'y'.repeat(target.transport === 'UDP' ? 60_000 : 100_000);
    else shape.body += '\r\n\r\nSIP/2.0 200 OK\r\n\r\n';
    return `body of ${shape.body.length} (Content-Length kept)`;
  },
  function headerName(rng, shape) {
    const h = shape.headers[rng.int(shape.headers.length)];
    if (h === undefined) return 'name: no header';
    const compact = COMPACT_FORMS[h[0]];
    h[0] = rng.pick([...(compact === undefined ? [] : [compact]), '', ' ', `${h[0]} `, ` ${h[0]}`, h[0].toUpperCase(), h[0].toLowerCase(), `${h[0]}\x00`, h[0].replace('-', ' '), `${h[0]}:`, 'X-Ü']);
    return `header name ${JSON.stringify(h[0])}`;
  },
  function folding(rng, shape) {
    const h = shape.headers[rng.int(shape.headers.length)];
    if (h === undefined) return 'fold: no header';
    const at = rng.int(h[1].length + 1);
    h[1] = `${h[1].slice(0, at)}${rng.pick(['\r\n ', '\r\n\t', '\n ', '\r\n', '\r\n\r\n'])}${h[1].slice(at)}`;
    return `${h[0]} folded at ${at}`;
  },
];

type ByteOperator = (rng: Prng, bytes: Buffer) => { bytes: Buffer; label: string };

const BYTE_OPERATORS: readonly ByteOperator[] = [
  (rng, bytes) => {
    const out = Buffer.from(bytes);
    const n = rng.between(1, 8);
    for (let i = 0; i < n && out.length > 0; i++) out[rng.int(out.length)]! ^= 1 << rng.int(8);
    return { bytes: out, label: `${n} bit flips` };
  },
  (rng, bytes) => {
    const at = rng.int(bytes.length + 1);
    return { bytes: bytes.subarray(0, at), label: `truncated at ${at}` };
  },
  (rng, bytes) => {
    const at = rng.int(bytes.length + 1);
    const noise = rng.bytes(rng.between(1, 64));
    return { bytes: Buffer.concat([bytes.subarray(0, at), noise, bytes.subarray(at)]), label: `${noise.length} random octets at ${at}` };
  },
  (rng, bytes) => {
    const from = rng.int(bytes.length + 1);
    const to = Math.min(bytes.length, from + rng.between(1, 200));
    const at = rng.int(bytes.length + 1);
    return { bytes: Buffer.concat([bytes.subarray(0, at), bytes.subarray(from, to), bytes.subarray(at)]), label: `octets ${from}..${to} copied to ${at}` };
  },
  (rng, bytes) => {
    const text = bytes.toString('latin1');
    const eol = rng.pick(['\n', '\r', '\r\r\n', '\n\r']);
    return { bytes: Buffer.from(text.replace(/\r\n/g, eol), 'latin1'), label: `line ends ${JSON.stringify(eol)}` };
  },
];

/**
 * The `index`th input of the stream `seed`: a valid message of a random kind, then 1–3 of the
 * operators above, and in one case of three a byte-level one. The same (seed, index, target)
 * always gives the same input; UDP and TCP inputs of one seed differ.
 */
export function sipFuzzInput(seed: number, index: number, target: SipFuzzTarget): FuzzInput {
  // UDP and TCP draw apart: the same Call-ID, CSeq and From tag on both would be one MESSAGE to
  // the gateway (a duplicate, answered 202 and not submitted again)
  const rng = new Prng(target.transport === 'UDP' ? seed : (seed ^ 0x7c0ffee) >>> 0).fork(index);
  const kind = rng.pick(KINDS);
  const shape = base(rng, target, kind);
  const labels = [kind];
  const rounds = rng.between(1, 3);
  for (let i = 0; i < rounds; i++) labels.push(rng.pick(SHAPE_OPERATORS)(rng, shape, target));
  let bytes = serialize(shape);
  if (rng.chance(0.33)) {
    const mutated = rng.pick(BYTE_OPERATORS)(rng, bytes);
    bytes = mutated.bytes;
    labels.push(mutated.label);
  }
  if (target.transport === 'UDP' && bytes.length > MAX_DATAGRAM) bytes = bytes.subarray(0, MAX_DATAGRAM);
  return { label: labels.join('; '), bytes };
}

/**
 * The inputs known to have killed the gateway (a bare CR in a display name; headers the core reads
 * late: `Content-Type: text/`, bad Contact, Expires, a bare CR in Call-ID or Via), and their
 * neighbours: each of them on REGISTER and MESSAGE, with and without credentials.
 */
export function knownSipKillers(target: SipFuzzTarget): FuzzInput[] {
  const out: FuzzInput[] = [];
  const t = target.transport;
  const local = `127.0.0.1:${target.localPort}`;
  const server = `${target.host}:${target.port}`;
  let n = 0;
  const add = (label: string, method: 'MESSAGE' | 'REGISTER', change: [string, string][], options: { auth?: boolean; from?: string; start?: string; body?: string } = {}): void => {
    n++;
    const uri = method === 'MESSAGE' ? `sip:447700900555@${server}` : `sip:${target.domain}`;
    const body = options.body ?? (method === 'MESSAGE' ? 'hi' : '');
    const headers: [string, string][] = [
      ['Via', `SIP/2.0/${t} ${local};branch=z9hG4bKkiller${n}x${target.localPort}`],
      ['Max-Forwards', '70'],
      ['From', options.from ?? `<sip:${DEMO_USER}@${target.domain}>;tag=k${n}`],
      ['To', method === 'MESSAGE' ? `<sip:447700900555@${target.domain}>` : `<sip:${DEMO_USER}@${target.domain}>`],
      ['Call-ID', `killer-${n}-${target.localPort}@fuzz`],
      ['CSeq', `1 ${method}`],
      ...(method === 'MESSAGE' ? ([['Content-Type', 'text/plain']] as [string, string][]) : ([['Contact', `<sip:${DEMO_USER}@${local}>`], ['Expires', '300']] as [string, string][])),
      ['Content-Length', String(Buffer.byteLength(body, 'latin1'))],
    ];
    for (const [name, value] of change) {
      const at = headers.findIndex(([h]) => h.toLowerCase() === name.toLowerCase());
      if (at >= 0) headers[at] = [name, value];
      else headers.splice(headers.length - 1, 0, [name, value]);
    }
    const auth = options.auth === true ? (target.authorize?.(method, uri) ?? null) : null;
    if (auth !== null) headers.splice(headers.length - 1, 0, ['Authorization', auth]);
    out.push({ label: `known killer: ${method} ${label}${auth !== null ? ' (with credentials)' : ''}`, bytes: serialize({ start: options.start ?? `${method} ${uri} SIP/2.0`, headers, body }) });
  };
  for (const auth of [false, true]) {
    add('From "a\\rb"', 'MESSAGE', [], { auth, from: '"a\rb" <sip:alice@127.0.0.1>;tag=1' });
    add('From "a\\rb" (demo user)', 'MESSAGE', [], { auth, from: `"a\rb" <sip:${DEMO_USER}@${target.domain}>;tag=1` });
    add('From "a\\nb"', 'MESSAGE', [], { auth, from: '"a\nb" <sip:alice@127.0.0.1>;tag=1' });
    add('To "a\\rb"', 'MESSAGE', [['To', '"a\rb" <sip:447700900555@127.0.0.1>']], { auth });
    for (const type of ['text/', '/', 'text', 'text/plain;charset', 'text/plain; a="x', ';', '']) add(`Content-Type: ${JSON.stringify(type)}`, 'MESSAGE', [['Content-Type', type]], { auth });
    add('Call-ID with bare CR', 'MESSAGE', [['Call-ID', 'a\rb@fuzz']], { auth });
    add('Call-ID with bare CR', 'REGISTER', [['Call-ID', 'a\rb@fuzz']], { auth });
    add('Via with bare CR', 'MESSAGE', [['Via', `SIP/2.0/${t} ${local};branch=z9hG4bK\rcr`]], { auth });
    add('Via with bare CR', 'REGISTER', [['Via', `SIP/2.0/${t} 127.0.0.1\r:${target.localPort};branch=z9hG4bKcr2`]], { auth });
    add('CSeq with bare CR', 'MESSAGE', [['CSeq', '1\r MESSAGE']], { auth });
    for (const contact of ['*', '<sip:a@b', '<sip:a@b>;expires=abc', '<sip:a@127.0.0.1:99999>', '"a\rb" <sip:a@b>', '<tel:+>', '*, <sip:a@b>', '<sip:a@b>;q=abc']) {
      add(`Contact: ${JSON.stringify(contact)}`, 'REGISTER', [['Contact', contact]], { auth });
    }
    add('Contact: * with Expires: 0', 'REGISTER', [['Contact', '*'], ['Expires', '0']], { auth });
    for (const expires of ['abc', '-1', '99999999999999999999', '4294967296', '', '1.5', 'Thu, 01 Dec 1994 16:00:00 GMT']) add(`Expires: ${JSON.stringify(expires)}`, 'REGISTER', [['Expires', expires]], { auth });
    for (const value of ['abc', '-1', '99999999999999999999', '']) add(`Max-Forwards: ${JSON.stringify(value)}`, 'MESSAGE', [['Max-Forwards', value]], { auth });
    add('Request-URI without a user', 'MESSAGE', [], { auth, start: `MESSAGE sip:${server} SIP/2.0` });
    add('Request-URI tel:', 'MESSAGE', [], { auth, start: 'MESSAGE tel:+ SIP/2.0' });
    add('From without URI', 'MESSAGE', [], { auth, from: '<>;tag=1' });
    add('From tel:', 'MESSAGE', [], { auth, from: '<tel:+447700900123>;tag=1' });
    add('From empty', 'MESSAGE', [['From', '']], { auth });
    add('body not UTF-8', 'MESSAGE', [], { auth, body: '\xff\xfe\xc3' });
  }
  return out;
}
