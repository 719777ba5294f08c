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
export { mtCandidates, moRoute, longestPrefix, routingDigits } from './routing/router.js';
export type { RoutingTable, NamedMtRoute, NamedMoRoute } from './routing/router.js';
export { loadRouting, parseConnectorSpec, parseMtRouteSpec, parseMoRouteSpec, RoutingError, ROUTING_NAME } from './routing/table.js';
export type { LoadedRouting } from './routing/table.js';
export type { BindType, ConnectorSpec, MoRouteSpec, MtRouteSpec, RouteTarget } from './routing/specs.js';
export { ConnectorSet } from './connectors.js';
export type { Connector, ConnectorStatus, ConnectorSetOptions, ReceiptIdentity } from './connectors.js';
export { canonicalMessageId, receiptLookupId, webhookHost, FINAL_STATES, MESSAGE_ID_TYPES, SIP_SENDER_KEY } from './api-store.js';
export type {
  ApiStore,
  MessageCursor,
  PurgedApi,
  MessageIdType,
  ApiKey,
  ApiMessage,
  ApiMessageState,
  ApiPart,
  ApiReceipt,
  NewApiMessage,
  CreatedMessage,
  PartSubmit,
  RecordedReceipt,
  NewWebhook,
  Webhook,
  WebhookState,
  RoutingEntry,
} from './api-store.js';
export { signWebhook, verifyWebhook, WebhookSignatureError, SIGNATURE_HEADER, DEFAULT_SIGNATURE_TOLERANCE, MAX_SIGNATURE_HEADER_LENGTH, MAX_SIGNATURES } from './webhooks/signature.js';
export type { VerifyWebhookOptions } from './webhooks/signature.js';
export { backoffDelay, seededRandom, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY } from './webhooks/backoff.js';
export type { BackoffOptions, Jitter, RandomSource } from './webhooks/backoff.js';
export { receiptWebhookBody, moWebhookBody } from './webhooks/bodies.js';
export type { ReceiptWebhookBody, MoWebhookBody, ReceiptWebhookSource, MoWebhookSource } from './webhooks/bodies.js';
export { WebhookSender, webhookSenderChild } from './webhooks/sender.js';
export type { WebhookSenderOptions, WebhookSenderProtocol, WebhookMetrics } from './webhooks/sender.js';
export { WEBHOOK_USER_AGENT } from './webhooks/post-webhook.js';
export type { WebhookEvent, WebhookAttemptOutcome, WebhookOutcome } from './metrics/labels.js';
export { startHttpApi, buildHttpApi, DEFAULT_BODY_LIMIT, DEFAULT_MAX_BATCH } from './http-api/server.js';
export type { HttpApi, HttpApiOptions } from './http-api/server.js';
export type { ApiBackend, ConnectorBindStatus } from './http-api/backend.js';
export { ApiInputError, ApiHttpError, errorBody } from './http-api/errors.js';
export type { ApiErrorBody, ApiErrorCode } from './http-api/errors.js';
export { createApiKey, ensureAdminKey, DEFAULT_BURST, DEFAULT_RATE_PER_SECOND } from './http-api/keys.js';
export type { CreatedApiKey, NewApiKeyOptions } from './http-api/keys.js';
export { parseToken, hashSecret, KEY_ID_PATTERN } from './http-api/tokens.js';
export type { ParsedToken } from './http-api/tokens.js';
export type { AuthenticatorOptions } from './http-api/authenticator.js';
export { canonicalJson, requestHash } from './http-api/idempotency.js';
export { OPENAPI_PATH } from './http-api/openapi.js';
