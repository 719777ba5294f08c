// The name a store claims work under: one per running gateway, so that nodes sharing a database
// tell their claims apart and each gives back only its own at close.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A node's name unless `cluster.nodeId` gives one: `host/pid`. */
export function defaultNodeId(): string {
  return `${hostname()}/${process.pid}`;
}

/**
 * `<nodeId>/random` (default `host/pid/random`): unique per process start, so a restarted node
 * inherits neither old claims nor old bind leases, and two nodes given the same `cluster.nodeId`
 * by mistake still never share a lease.
 */
export function newNodeName(nodeId: string = defaultNodeId()): string {
  return `${nodeId}/${randomBytes(3).toString('hex')}`;
}
