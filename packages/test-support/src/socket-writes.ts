// Counts the stream-level writes of the TCP sockets connected to one remote port, by patching
// net.Socket's `_write` and `_writev` until `restore()`: one count per `_write` (a chunk alone),
// one per `_writev` (several chunks in one system call) with its chunks. Tests that use it must
// run serially (`test.serial`): the patch is process-wide.
import { Socket } from 'node:net';

export interface SocketWrites {
  /** `_write` calls: chunks that left alone. */
  writes: number;
  /** `_writev` calls: groups of chunks that left together. */
  writevs: number;
  /** The chunks of those `_writev` calls. */
  chunks: number;
  /** Puts the original methods back. */
  restore(): void;
}

/** Starts counting the writes of sockets whose `remotePort` is `port`. */
export function countSocketWrites(port: number): SocketWrites {
  const proto = Socket.prototype as unknown as {
    _write(chunk: unknown, encoding: unknown, cb: unknown): void;
    _writev(chunks: readonly unknown[], cb: unknown): void;
  };
  const { _write: write, _writev: writev } = proto;
  const counts: SocketWrites = { writes: 0, writevs: 0, chunks: 0, restore: () => Object.assign(proto, { _write: write, _writev: writev }) };
  proto._write = function (this: Socket, chunk, encoding, cb) {
    if (this.remotePort === port) counts.writes++;
    write.call(this, chunk, encoding, cb);
  };
  proto._writev = function (this: Socket, chunks, cb) {
    if (this.remotePort === port) {
      counts.writevs++;
      counts.chunks += chunks.length;
    }
    writev.call(this, chunks, cb);
  };
  return counts;
}
