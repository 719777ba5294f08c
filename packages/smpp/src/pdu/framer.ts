// Cuts a TCP byte stream into PDUs. Frames inside one chunk are handed out as views (no copy);
// a frame split across chunks is joined once, when all of it has arrived, so even one-octet
// chunks cost linear time. command_length is bounded (16 .. maxCommandLength): a bad length
// cannot be resynchronised and is fatal for the connection.
import { FrameError } from './errors.js';
import { HEADER_LENGTH } from './decode.js';

/** Default maximum command_length: room for a 64 KiB message_payload plus a data_sm's fields. */
export const DEFAULT_MAX_COMMAND_LENGTH = 70_000;

/** Options of a {@link PduFramer}: how large a PDU it accepts. */
export interface FramerOptions {
  /** Largest command_length accepted (default 70,000 octets). */
  readonly maxCommandLength?: number;
}

/**
 * The chunks of a framer that holds none (`buffered` is 0: nothing reads or adds to them): shared,
 * and frozen, so that a push into it would throw instead of reaching every framer.
 */
const NO_CHUNKS = Object.freeze([]) as unknown as Buffer[];

/**
 * Cuts a TCP byte stream into whole PDUs by their command_length (v3.4 §3.2), without copying
 * frames that arrive in one chunk. An impossible command_length breaks the framer for good:
 * the stream cannot be resynchronised, so the session answers generic_nack and closes.
 *
 * @example
 * const framer = new PduFramer({ maxCommandLength: 70_000 });
 * socket.on('data', (chunk) => framer.push(chunk, (frame) => handle(decodePdu(frame))));
 */
export class PduFramer {
  private readonly max: number;
  private chunks: Buffer[] = NO_CHUNKS;
  private buffered = 0;
  private broken: FrameError | null = null;

  /**
   * Makes an empty framer.
   * @throws RangeError when `maxCommandLength` is below 16
   */
  constructor(options: FramerOptions = {}) {
    this.max = options.maxCommandLength ?? DEFAULT_MAX_COMMAND_LENGTH;
    if (!(this.max >= HEADER_LENGTH)) throw new RangeError('maxCommandLength must be at least 16');
  }

  /** Octets held while waiting for the rest of a frame. */
  get bufferedLength(): number {
    return this.buffered;
  }

  /**
   * Feeds a chunk; calls `onFrame` with each complete PDU (command_length octets, header
   * included), in order.
   * @throws FrameError when a command_length is impossible; the framer stays broken after it
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    if (this.broken !== null) throw this.broken;
    if (this.buffered === 0) {
      this.consume(chunk, onFrame);
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < 4) return;
    if (this.chunks[0]!.length < 4) this.join();
    const length = this.chunks[0]!.readUInt32BE(0);
    this.check(length, this.chunks.length === 1 ? this.chunks[0]! : null);
    if (this.buffered < length) return;
    const joined = this.join();
    this.chunks = NO_CHUNKS;
    this.buffered = 0;
    this.consume(joined, onFrame);
  }

  private consume(buf: Buffer, onFrame: (frame: Buffer) => void): void {
    let offset = 0;
    while (buf.length - offset >= 4) {
      const length = buf.readUInt32BE(offset);
      this.check(length, buf.subarray(offset));
      if (buf.length - offset < length) break;
      onFrame(buf.subarray(offset, offset + length));
      offset += length;
    }
    if (offset < buf.length) {
      this.chunks = [buf.subarray(offset)];
      this.buffered = buf.length - offset;
    }
  }

  private check(length: number, head: Buffer | null): void {
    if (length >= HEADER_LENGTH && length <= this.max) return;
    const full = head !== null && head.length >= HEADER_LENGTH;
    this.broken = new FrameError(
      length < HEADER_LENGTH ? `command_length ${length} is below the minimum of 16` : `command_length ${length} exceeds the maximum of ${this.max}`,
      length,
      full ? head.readUInt32BE(4) : undefined,
      full ? head.readUInt32BE(12) : undefined,
    );
    throw this.broken;
  }

  private join(): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return joined;
  }
}
