// `pnpm bench sip-message`: our SIP parser and serializer beside npm `sip` and drachtio-sip's
// parser, in the same run, on an INVITE with SDP, a 200 OK with SDP, and a REGISTER with
// credentials. Every library gets the same bytes (a Buffer, as from a socket). Each row sets
// us beside the peers doing the same work:
// - split: the start line and the header rows, values read later (drachtio-sip's lazy mode);
// - transaction read: what a transaction layer reads (top Via, From, To, Call-ID, CSeq), typed;
//   npm sip types everything it knows in its parse, drachtio-sip's SipMessage types on request;
// - every header: each library's full eager parse (ours types more: every URI, every token list).
import { createRequire } from 'node:module';
import { parseMessage, serializeMessage, type SipMessage } from '@switchboard/sip';
import { bestRate } from '../measure.js';
import type { Measurement } from '../report.js';

const require = createRequire(import.meta.url);
interface NpmSipMessage {
  uri?: string;
  headers: { from: { uri: string }; to: { uri: string }; contact?: { uri: string }[] };
}
const npmSip = require('sip') as { parse(data: Buffer | string): NpmSipMessage | undefined; stringify(message: NpmSipMessage): string; parseUri(uri: string): unknown };
interface DrachtioMessage {
  get(name: string): unknown;
  getParsedHeader(name: string): unknown;
}
const drachtio = require('drachtio-sip') as {
  parser: { parseSipMessage(data: string, lazy?: boolean): Record<string, unknown> | undefined };
  SipMessage: new (raw: string) => DrachtioMessage;
};
const versionOf = (name: string): string => (require(`${name}/package.json`) as { version: string }).version;

const sdp = 'v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\ns=Session SDP\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n';
const crlf = (lines: string[], body = ''): Buffer => Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

export const INVITE = crlf(
  [
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport',
    'Via: SIP/2.0/TCP proxy.atlanta.example.com;branch=z9hG4bK74bf9;received=192.0.2.3',
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@pc33.atlanta.example.com;transport=udp>',
    'Record-Route: <sip:proxy.atlanta.example.com;lr>',
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY',
    'Supported: replaces, timer, 100rel',
    'User-Agent: Switchboard-Bench/1.0',
    'Content-Type: application/sdp',
  ],
  sdp,
);

export const OK = crlf(
  [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.101',
    'Via: SIP/2.0/TCP proxy.atlanta.example.com;branch=z9hG4bK74bf9;received=192.0.2.3',
    'Record-Route: <sip:proxy.atlanta.example.com;lr>',
    'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:bob@192.0.2.4>',
    'Content-Type: application/sdp',
  ],
  sdp.replace(/alice/g, 'bob'),
);

export const REGISTER = crlf([
  'REGISTER sip:registrar.biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Bob <sip:bob@biloxi.example.com>;tag=456248',
  'Call-ID: 843817637684230@998sdasdh09',
  'CSeq: 1826 REGISTER',
  'Contact: <sip:bob@192.0.2.4>;expires=7200',
  'Authorization: Digest username="bob", realm="biloxi.example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:registrar.biloxi.example.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  'Expires: 7200',
]);

/** Parses and reads what a transaction layer needs: top Via, From, To, Call-ID, CSeq. */
function parseForTransactions(bytes: Buffer): SipMessage {
  const message = parseMessage(bytes);
  if (message.topVia === undefined || message.from === undefined || message.to === undefined || message.callId === undefined || message.cseq === undefined) throw new Error('incomplete');
  return message;
}

/** drachtio-sip's SipMessage (a lazy parse) and the same five headers typed by its parsers. */
function drachtioForTransactions(bytes: Buffer): DrachtioMessage {
  const message = new drachtio.SipMessage(bytes.toString('utf8'));
  if (message.getParsedHeader('via') === undefined || message.getParsedHeader('from') === undefined || message.getParsedHeader('to') === undefined || message.get('call-id') === undefined || message.getParsedHeader('cseq') === undefined) throw new Error('incomplete');
  return message;
}

/** Reads every header we type, and the Request-URI. */
function parseFully(bytes: Buffer): SipMessage {
  const message = parseMessage(bytes);
  const error = message.check();
  if (error !== undefined) throw error;
  return message;
}

/** npm sip's parse, then its parseUri on the URIs it leaves as strings: the Request-URI, From, To, Contact. */
function npmSipWithUris(bytes: Buffer): NpmSipMessage {
  const message = npmSip.parse(bytes)!;
  if (message.uri !== undefined) npmSip.parseUri(message.uri);
  npmSip.parseUri(message.headers.from.uri);
  npmSip.parseUri(message.headers.to.uri);
  for (const contact of message.headers.contact ?? []) npmSip.parseUri(contact.uri);
  return message;
}

/** The faster of two measurements, named with the slower one's figure. */
function faster(a: readonly [string, number], b: readonly [string, number]): { peer: string; peerValue: number } {
  const [win, lose] = a[1] >= b[1] ? [a, b] : [b, a];
  return { peer: `${win[0]} (faster of the two; ${lose[0]}: ${fmtRate(lose[1])})`, peerValue: win[1] };
}

function fmtRate(value: number): string {
  return `${(value / 1000).toFixed(0)} k`;
}

export async function sipMessageSuite(): Promise<Measurement[]> {
  const n = 100_000;
  const results: Measurement[] = [];
  const sipName = `npm sip ${versionOf('sip')}`;
  const drachtioName = `drachtio-sip ${versionOf('drachtio-sip')}`;
  for (const [label, bytes] of [['INVITE with SDP', INVITE], ['200 OK with SDP', OK], ['REGISTER with credentials', REGISTER]] as const) {
    // the same bytes read the same way by all three
    const check = [parseFully(bytes), npmSip.parse(bytes), drachtio.parser.parseSipMessage(bytes.toString('utf8'), false), drachtioForTransactions(bytes)];
    if (check.some((m) => m === undefined)) throw new Error(`a parser refused the ${label}`);
    const rate = (fn: (b: Buffer) => unknown): Promise<number> =>
      bestRate(n, () => {
        for (let i = 0; i < n; i++) fn(bytes);
      });

    const split = await rate(parseMessage);
    const drachtioLazy = await rate((b) => drachtio.parser.parseSipMessage(b.toString('utf8'), true));
    results.push({ name: `parse ${label}: split into start line and header rows (values read on use)`, unit: 'msgs/s', ours: split, peer: `${drachtioName} (lazy mode)`, peerValue: drachtioLazy, higherIsBetter: true, target: 3 * drachtioLazy });

    const forTransactions = await rate(parseForTransactions);
    const sipParse = await rate((b) => npmSip.parse(b));
    const drachtioTransactions = await rate(drachtioForTransactions);
    const transactionPeer = faster([`${sipName} (parse)`, sipParse], [`${drachtioName} (SipMessage, five headers parsed)`, drachtioTransactions]);
    results.push({ name: `parse ${label}, then read top Via, From, To, Call-ID, CSeq typed`, unit: 'msgs/s', ours: forTransactions, ...transactionPeer, higherIsBetter: true, target: 3 * transactionPeer.peerValue });

    const full = await rate(parseFully);
    const drachtioFull = await rate((b) => drachtio.parser.parseSipMessage(b.toString('utf8'), false));
    const fullPeer = faster([`${sipName} (parse)`, sipParse], [`${drachtioName} (eager mode)`, drachtioFull]);
    results.push({ name: `parse ${label}, every header typed (ours: all known headers, every URI, the Request-URI)`, unit: 'msgs/s', ours: full, ...fullPeer, higherIsBetter: true, target: 3 * fullPeer.peerValue });
    const sipWithUris = await rate(npmSipWithUris);
    results.push({ name: `parse ${label}, every header typed, beside npm sip typing the URIs it leaves as text (Request-URI, From, To, Contact)`, unit: 'msgs/s', ours: full, peer: `${sipName} (parse, then parseUri on those)`, peerValue: sipWithUris, higherIsBetter: true });

    const ourMessage = parseFully(bytes);
    const theirMessage = npmSip.parse(bytes)!;
    const serialize = await bestRate(n, () => {
      for (let i = 0; i < n; i++) serializeMessage(ourMessage);
    });
    const stringify = await bestRate(n, () => {
      for (let i = 0; i < n; i++) Buffer.from(npmSip.stringify(theirMessage), 'binary');
    });
    results.push({ name: `serialize ${label} (to a Buffer)`, unit: 'msgs/s', ours: serialize, peer: sipName, peerValue: stringify, higherIsBetter: true, target: 3 * stringify });
  }
  return results;
}
