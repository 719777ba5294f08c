// A scripted peer on a loopback UDP socket: sends raw messages, and waits (event-driven, with a
// safety limit) for the next datagram, read by the parser it was given (the SIP one, in practice).
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';

export class UdpPeer<M> {
  private readonly queue: M[] = [];
  private waiter: ((m: M) => void) | null = null;
  readonly raw: Buffer[] = [];

  private constructor(
    readonly socket: Socket,
    private readonly parse: (bytes: Buffer) => M,
  ) {
    socket.on('message', (bytes) => {
      this.raw.push(bytes);
      const message = this.parse(bytes);
      if (this.waiter !== null) {
        const w = this.waiter;
        this.waiter = null;
        w(message);
      } else this.queue.push(message);
    });
  }

  static async open<M>(parse: (bytes: Buffer) => M, host = '127.0.0.1'): Promise<UdpPeer<M>> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.bind(0, host);
    await once(socket, 'listening');
    return new UdpPeer(socket, parse);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Messages received and not yet taken. */
  get pending(): number {
    return this.queue.length;
  }

  send(text: string, port: number, host = '127.0.0.1'): void {
    this.socket.send(Buffer.from(text.replace(/\r?\n/g, '\r\n')), port, host);
  }

  sendBytes(bytes: Buffer, port: number, host = '127.0.0.1'): void {
    this.socket.send(bytes, port, host);
  }

  next(limitMs = 5000): Promise<M> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const guard = setTimeout(() => {
        this.waiter = null;
        reject(new Error('no message arrived'));
      }, limitMs);
      this.waiter = (m) => {
        clearTimeout(guard);
        resolve(m);
      };
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** A request from the peer, with CRLF line ends and Content-Length filled in. */
export function request(lines: string[], body = ''): string {
  return `${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
