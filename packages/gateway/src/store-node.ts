// The name a store claims work under: one per running gateway, so that nodes sharing a database
// tell their claims apart and each gives back only its own at close.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** `host/pid/random`: unique per process start (a restarted node does not inherit old claims). */
export function newNodeName(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
}
