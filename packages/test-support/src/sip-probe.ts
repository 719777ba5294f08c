// A well-behaved SIP user agent on a loopback UDP socket, for checking a server under attack:
// OPTIONS with its round-trip time, REGISTER and MESSAGE answering a digest challenge when one
// comes (RFC 3261 §22), and a 200 OK for every request the server sends it.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { DigestAnswerer, parseChallenges, type DigestChallenge, type DigestCredentials } from './digest-client.js';
import { okFor, readSip, type SipText } from './sip-reader.js';

export interface ProbeAnswer {
  readonly response: SipText;
  /** From the first send to the final response, ms. */
  readonly latency: number;
}

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  /** The server's SIP domain (the registrar's, and the digest realm). */
  readonly domain: string;
}

/** A SIP request's parts the probe fills in; Via, Call-ID, CSeq, Max-Forwards and Content-Length are its own. */
interface Outgoing {
  readonly method: string;
  readonly uri: string;
  readonly from: string;
  readonly to: string;
  readonly headers?: readonly string[];
  readonly body?: string;
  readonly callId?: string;
  readonly cseq?: number;
}

export class SipProbe {
  private readonly waiting = new Map<string, (response: SipText) => void>();
  /** Requests the server sent us (answered 200), by method. */
  readonly received = new Map<string, number>();

  private constructor(
    private readonly socket: Socket,
    readonly target: ProbeTarget,
  ) {
    socket.on('message', (bytes) => {
      const message = readSip(bytes);
      if (message === null) return;
      if (message.status === null) {
        this.received.set(message.method, (this.received.get(message.method) ?? 0) + 1);
        const ok = okFor(message);
        if (ok !== null) socket.send(ok, this.target.port, this.target.host);
        return;
      }
      if (message.status < 200) return;
      const wake = this.waiting.get(message.branch);
      if (wake !== undefined) {
        this.waiting.delete(message.branch);
        wake(message);
      }
    });
    socket.on('error', () => undefined);
  }

  static async open(target: ProbeTarget): Promise<SipProbe> {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new SipProbe(socket, target);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Sends a request, resending it every `resendMs` (RFC 3261 §17.1.2.2, simplified), until a final response or `limitMs`. */
  async send(request: Outgoing, limitMs = 2000, resendMs = 250): Promise<ProbeAnswer | null> {
    const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
    const body = request.body ?? '';
    const text = [
      `${request.method} ${request.uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: ${request.from};tag=${randomBytes(4).toString('hex')}`,
      `To: ${request.to}`,
      `Call-ID: ${request.callId ?? randomBytes(8).toString('hex')}@probe`,
      `CSeq: ${request.cseq ?? 1} ${request.method}`,
      ...(request.headers ?? []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
    const started = performance.now();
    let resend: NodeJS.Timeout | undefined;
    let limit: NodeJS.Timeout | undefined;
    try {
      return await new Promise<ProbeAnswer | null>((resolve) => {
        this.waiting.set(branch, (response) => resolve({ response, latency: performance.now() - started }));
        const transmit = (): void => this.socket.send(text, this.target.port, this.target.host);
        transmit();
        resend = setInterval(transmit, resendMs);
        limit = setTimeout(() => resolve(null), limitMs);
      });
    } finally {
      this.waiting.delete(branch);
      clearInterval(resend);
      clearTimeout(limit);
    }
  }

  /** OPTIONS to the server; null when no final answer came within `limitMs`. */
  options(limitMs = 2000): Promise<ProbeAnswer | null> {
    const uri = `sip:${this.target.host}:${this.target.port}`;
    return this.send({ method: 'OPTIONS', uri, from: `<sip:probe@127.0.0.1:${this.port}>`, to: `<${uri}>` }, limitMs);
  }

  /**
   * A request answering a 401/407 once, when one comes: the challenge is read, the request sent
   * again with CSeq + 1 and an Authorization header.
   */
  async authenticated(request: Outgoing, credentials: DigestCredentials | null, limitMs = 3000): Promise<ProbeAnswer | null> {
    const callId = `${randomBytes(8).toString('hex')}`;
    const first = await this.send({ ...request, callId, cseq: 1 }, limitMs);
    if (first === null || credentials === null || (first.response.status !== 401 && first.response.status !== 407)) return first;
    const header = first.response.status === 401 ? 'www-authenticate' : 'proxy-authenticate';
    const challenge = parseChallenges(first.response.headers.get(header) ?? [])[0];
    if (challenge === undefined) return first;
    const answer = new DigestAnswerer(challenge, credentials).authorization(request.method, request.uri);
    const second = await this.send({ ...request, callId, cseq: 2, headers: [...(request.headers ?? []), `${header === 'www-authenticate' ? 'Authorization' : 'Proxy-Authorization'}: ${answer}`] }, limitMs);
    return second === null ? null : { response: second.response, latency: first.latency + second.latency };
  }

  /** REGISTER `user` at the server's domain with this probe's address as Contact. */
  register(user: string, credentials: DigestCredentials | null, expires = 300): Promise<ProbeAnswer | null> {
    const aor = `sip:${user}@${this.target.domain}`;
    return this.authenticated(
      { method: 'REGISTER', uri: `sip:${this.target.domain}`, from: `<${aor}>`, to: `<${aor}>`, headers: [`Contact: <sip:${user}@127.0.0.1:${this.port}>`, `Expires: ${expires}`] },
      credentials,
    );
  }

  /** A MESSAGE (RFC 3428) from `user` to the number `to`. */
  message(user: string, to: string, text: string, credentials: DigestCredentials | null): Promise<ProbeAnswer | null> {
    return this.authenticated(
      {
        method: 'MESSAGE',
        uri: `sip:${to}@${this.target.host}:${this.target.port}`,
        from: `<sip:${user}@${this.target.domain}>`,
        to: `<sip:${to}@${this.target.domain}>`,
        headers: ['Content-Type: text/plain'],
        body: text,
      },
      credentials,
    );
  }

  /**
   * The server's digest challenge (read from the 401 to an unauthenticated REGISTER that removes
   * no binding), or null when it asks for none.
   */
  async challenge(user: string): Promise<DigestChallenge | null> {
    const aor = `sip:${user}@${this.target.domain}`;
    const answer = await this.send({ method: 'REGISTER', uri: `sip:${this.target.domain}`, from: `<${aor}>`, to: `<${aor}>`, headers: [`Contact: <sip:${user}@127.0.0.1:${this.port}>`, 'Expires: 0'] });
    if (answer === null || answer.response.status !== 401) return null;
    return parseChallenges(answer.response.headers.get('www-authenticate') ?? [])[0] ?? null;
  }

  close(): void {
    this.waiting.clear();
    this.socket.close();
  }
}
