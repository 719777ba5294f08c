// @switchboard/test-support: what the packages' tests share (never a dependency of library code).
export { freePort, freePorts } from './ports.js';
export { UdpPeer, request } from './udp-peer.js';
export { haveSipp, runSipp } from './sipp.js';
export type { SippRun } from './sipp.js';
export { runPeer } from './process.js';
export type { Peer } from './process.js';
export { Prng } from './prng.js';
export { countSocketWrites } from './socket-writes.js';
export type { SocketWrites } from './socket-writes.js';
export { DigestAnswerer, parseChallenges } from './digest-client.js';
export type { DigestChallenge, DigestCredentials } from './digest-client.js';
export { readSip, okFor, SipStreamSplitter } from './sip-reader.js';
export type { SipText } from './sip-reader.js';
export { SipProbe } from './sip-probe.js';
export type { ProbeAnswer, ProbeTarget } from './sip-probe.js';
export { sipFuzzInput, knownSipKillers, MAX_DATAGRAM, DEMO_USER, DEMO_PASSWORD } from './sip-mutation.js';
export type { SipFuzzTarget, FuzzInput } from './sip-mutation.js';
export { smppFuzzStream, smppPdu, bindBody, submitBody, SMPP_COMMAND } from './smpp-mutation.js';
export type { SmppCredentials, SmppPduBytes, SmppStream } from './smpp-mutation.js';
export { GatewayProcess, REPO_ROOT, treePids } from './gateway-process.js';
export type { GatewayExit, GatewayProcessOptions, StatusSnapshot, StatusTreeNode } from './gateway-process.js';
export { ResponseTally, SipUdpSender, openTcp, sipTcpSession, smppSession, smppBindCheck, inPool, watchOptions } from './hostile-peers.js';
export type { WatchResult } from './hostile-peers.js';
export {
  GatewayUnderTest,
  runCampaign,
  sipUdpAttack,
  sipTcpAttack,
  smppAttack,
  checkHealth,
  waitForServerTransactions,
  restartedChildren,
  describeFailure,
  quoted,
  SMPP_CREDENTIALS,
} from './fuzz-campaign.js';
export type { Attack, CampaignOptions, CampaignResult, FuzzFailure, HealthReport, TcpItem } from './fuzz-campaign.js';
export { startKamailio, haveKamailio, KAMAILIO_MODULES } from './kamailio.js';
export type { Kamailio, KamailioOptions } from './kamailio.js';
export { startPostgres, postgresBinDir, PostgresMissingError, PostgresStartError, POSTGRES_PACKAGE } from './postgres.js';
export type { Postgres } from './postgres.js';
