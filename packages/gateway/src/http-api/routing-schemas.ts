// The JSON schemas of connectors and routes as the admin API takes them (routing/specs.ts holds
// the types and their limits): validated before anything is stored, with defaults filled in so the
// store keeps complete specs.
import { MAX_URL_LENGTH, URL_PATTERN } from './schemas.js';

/** A connector's or route's name: used in URLs, logs and metric labels. */
export const ENTRY_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

/** Printable ASCII: what SMPP C-octet strings carry (SMPP v3.4 §3.1). */
const PRINTABLE = '^[\\x20-\\x7e]*$';

/** `:name` of a connector or route. */
export const entryNameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: ENTRY_NAME_PATTERN } },
} as const;

/** A connector (routing/specs.ts ConnectorSpec). */
export const connectorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port', 'systemId', 'password'],
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:_-]+$' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    tls: { type: 'boolean', default: false },
    systemId: { type: 'string', minLength: 1, maxLength: 15, pattern: PRINTABLE, description: 'SMPP v3.4 §5.2.1: at most 15 characters' },
    password: { type: 'string', maxLength: 8, pattern: PRINTABLE, description: 'SMPP v3.4 §5.2.2: at most 8 characters' },
    systemType: { type: 'string', maxLength: 12, pattern: PRINTABLE, default: '' },
    binds: { type: 'integer', minimum: 1, maximum: 32, default: 1 },
    bindType: { type: 'string', enum: ['transceiver', 'transmitter', 'receiver'], default: 'transceiver' },
    window: { type: 'integer', minimum: 1, maximum: 1000, default: 10 },
    throughput: { type: 'integer', minimum: 0, maximum: 100000, default: 0, description: 'submit_sm per second per bind; 0: no limit' },
    messageIdType: { type: 'string', enum: ['same', 'hex-in-response', 'decimal-in-response'], default: 'same', description: 'how the SMSC spells message_ids: as in submit_sm_resp in receipts too, or hex in submit_sm_resp and decimal in receipts, or the other way round' },
    receiptsFor: { type: ['string', 'null'], pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', default: null, description: 'a receiver: the connector (its transmitter) whose messages its receipts are for' },
  },
} as const;

/** A connector as the admin API shows it: its spec without the password. */
export const connectorViewSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    spec: { type: 'object', additionalProperties: true, properties: Object.fromEntries(Object.entries(connectorSchema.properties).filter(([name]) => name !== 'password')) },
    bindsUp: { type: 'integer' },
    binds: { type: 'integer' },
  },
} as const;

/** An MT route (routing/specs.ts MtRouteSpec). */
export const mtRouteSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['prefix', 'targets'],
  properties: {
    prefix: { type: 'string', pattern: '^[0-9]{0,20}$', description: 'Destination digits (no +); empty: the default route' },
    targets: {
      type: 'array',
      minItems: 1,
      maxItems: 32,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['connector'],
        properties: {
          connector: { type: 'string', pattern: ENTRY_NAME_PATTERN },
          priority: { type: 'integer', minimum: 1, maximum: 100, default: 1 },
          weight: { type: 'integer', minimum: 1, maximum: 1000, default: 1 },
        },
      },
    },
  },
} as const;

/** An MO route (routing/specs.ts MoRouteSpec). */
export const moRouteSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['prefix'],
  properties: {
    prefix: { type: 'string', pattern: '^[0-9]{0,20}$' },
    sipUser: { type: ['string', 'null'], pattern: '^([A-Za-z0-9._+-]{1,64}|\\$destination)$', default: null },
    webhookUrl: { type: ['string', 'null'], maxLength: MAX_URL_LENGTH, pattern: URL_PATTERN, default: null },
    webhookSecret: { type: ['string', 'null'], minLength: 16, maxLength: 256, default: null },
  },
} as const;

/** A route as the admin API shows it (an MO route's webhook secret left out). */
export const routeViewSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    spec: { type: 'object', additionalProperties: true },
  },
} as const;
