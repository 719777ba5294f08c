// @switchboard/test-support: what the packages' tests share (never a dependency of library code).
export { freePort, freePorts } from './ports.js';
export { UdpPeer, request } from './udp-peer.js';
export { haveSipp, runSipp } from './sipp.js';
export type { SippRun } from './sipp.js';
export { runPeer } from './process.js';
export type { Peer } from './process.js';
