// @switchboard/gateway: a SIP MESSAGE <-> SMPP gateway with a registrar. This is the package's one public face.

/**
 * A SIP MESSAGE (RFC 3428) and HTTP to SMPP gateway with a registrar, built only from the
 * public APIs of the other packages (see docs/gateway.md).
 *
 * @module @switchboard/gateway
 */

export { startGateway, gatewayChild } from './gateway.js';
export type { Gateway } from './gateway.js';
export { loadConfig, ConfigError, DEFAULT_CONFIG } from './config.js';
export type { GatewayConfig } from './config.js';
export type {
  Store,
  Binding,
  BindingChange,
  BindingDecision,
  Lease,
  MessageIdentity,
  QueuedOutbound,
  PendingMessage,
  SentMessage,
  SipUser,
  TakenMessage,
  OutboundMessage,
  HeldBind,
  BindLease,
  NodeBeat,
  NodeDetail,
  ClusterNode,
  ClusterLease,
  ClusterView,
  ReapedNodes,
} from './store.js';
export { planLeases, nextTick } from './lease-plan.js';
export type { LeasePlan, LeasePlanInput } from './lease-plan.js';
export { StoreError, STORE_RETRY_AFTER } from './store-error.js';
export { PostgresStore } from './postgres-store.js';
export { DatabaseUnreachableError } from './postgres-gate.js';
export type { PostgresStoreOptions } from './postgres-store.js';
export { openStore, describeStore } from './open-store.js';
export type { OpenStoreOptions } from './open-store.js';
export { StoreOpenError } from './start-failure.js';
export { addUser, userAuthenticator, actsAs, UserError } from './users.js';
export { imdnDocument, deliveryStatusOf, IMDN_CONTENT_TYPE } from './imdn.js';
export type { DeliveryStatus } from './imdn.js';
export { SqliteStore } from './sqlite-store.js';
export type { SqliteStoreOptions } from './sqlite-store.js';
export { register, canonicalAor } from './registrar.js';
export type { RegisterOutcome, RegistrarLimits } from './registrar.js';
export { destinationOf, sourceOf, AddressError, TON, NPI } from './addressing.js';
export type { SmppAddress } from './addressing.js';
export { sipAnswerFor } from './status-mapping.js';
export type { SipAnswer } from './status-mapping.js';
export { startStatusPage, gatewayStatus, statusHtml } from './status-page.js';
export type { GatewayStatus, StatusPage } from './status-page.js';
