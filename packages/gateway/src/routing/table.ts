// The routing table as the store keeps it (JSON per entry in `routing_entries`), read back into
// typed connectors and routes and checked as a whole: a route may name only connectors that exist.
// The admin API validates each entry before storing it; this check runs again at every load, since
// another node (or an older version) may have written the rows.
import { MESSAGE_ID_TYPES, type MessageIdType, type RoutingEntry } from '../api-store.js';
import type { NamedMoRoute, NamedMtRoute, RoutingTable } from './router.js';
import type { BindType, ConnectorSpec, MoRouteSpec, MtRouteSpec, RouteTarget } from './specs.js';

/** A routing entry that cannot be used, or a table whose routes name a missing connector. */
export class RoutingError extends Error {
  /** A stable code to test for. */
  readonly code = 'ERR_GATEWAY_ROUTING';
  /** Builds the error: `entry` names the entry at fault, `message` what is wrong with it. */
  constructor(
    /** The entry at fault, as `kind/name`. */
    readonly entry: string,
    message: string,
  ) {
    super(`${entry}: ${message}`);
    this.name = 'RoutingError';
  }
}

/** Names of connectors and routes: what the admin API's paths take. */
export const ROUTING_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Connectors and routes read from the store, checked together. */
export interface LoadedRouting {
  /** The connectors from the store, by name (the configured default connector is not among them). */
  readonly connectors: ReadonlyMap<string, ConnectorSpec>;
  /** The routes, with the default connector. */
  readonly table: RoutingTable;
}

const BIND_TYPES: ReadonlySet<string> = new Set<BindType>(['transceiver', 'transmitter', 'receiver']);

function object(value: unknown, entry: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RoutingError(entry, 'expected a JSON object');
  return value as Record<string, unknown>;
}

function integer(o: Record<string, unknown>, key: string, min: number, max: number, entry: string, fallback?: number): number {
  const value = o[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new RoutingError(entry, `${key}: expected a whole number from ${min} to ${max}`);
  return value;
}

function text(o: Record<string, unknown>, key: string, max: number, entry: string, fallback?: string, min = 1): string {
  const value = o[key] ?? fallback;
  if (typeof value !== 'string' || value.length < min || value.length > max) throw new RoutingError(entry, `${key}: expected a string of ${min} to ${max} characters`);
  return value;
}

function prefix(o: Record<string, unknown>, entry: string): string {
  const value = o.prefix ?? '';
  if (typeof value !== 'string' || !/^[0-9]{0,20}$/.test(value)) throw new RoutingError(entry, 'prefix: expected up to 20 digits');
  return value;
}

/** A message_id type, checked: `same`, `hex-in-response` or `decimal-in-response`. */
export function messageIdType(value: unknown, what: string): MessageIdType {
  if (typeof value !== 'string' || !(MESSAGE_ID_TYPES as readonly string[]).includes(value)) throw new RoutingError(what, `expected one of ${MESSAGE_ID_TYPES.join(', ')}`);
  return value as MessageIdType;
}

function receiptsFor(value: unknown, entry: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !ROUTING_NAME.test(value)) throw new RoutingError(entry, 'receiptsFor: expected a connector name or null');
  return value;
}

/** A connector's settings, checked (defaults: port 2775, no TLS, one transceiver bind, window 10, no throughput limit). */
export function parseConnectorSpec(value: unknown, entry = 'connector'): ConnectorSpec {
  const o = object(value, entry);
  const bindType = o.bindType ?? 'transceiver';
  if (typeof bindType !== 'string' || !BIND_TYPES.has(bindType)) throw new RoutingError(entry, 'bindType: expected transceiver, transmitter or receiver');
  if (o.tls !== undefined && typeof o.tls !== 'boolean') throw new RoutingError(entry, 'tls: expected true or false');
  return {
    host: text(o, 'host', 253, entry),
    port: integer(o, 'port', 1, 65_535, entry, 2775),
    tls: o.tls === true,
    systemId: text(o, 'systemId', 15, entry),
    password: text(o, 'password', 8, entry, '', 0),
    systemType: text(o, 'systemType', 12, entry, '', 0),
    binds: integer(o, 'binds', 1, 32, entry, 1),
    bindType: bindType as BindType,
    window: integer(o, 'window', 1, 1000, entry, 10),
    throughput: integer(o, 'throughput', 0, 100_000, entry, 0),
    messageIdType: messageIdType(o.messageIdType ?? 'same', `${entry}: messageIdType`),
    receiptsFor: receiptsFor(o.receiptsFor ?? null, entry),
  };
}

/** An MT route, checked (a priority defaults to 1, a weight to 1). */
export function parseMtRouteSpec(value: unknown, entry = 'mt_route'): MtRouteSpec {
  const o = object(value, entry);
  if (!Array.isArray(o.targets) || o.targets.length === 0 || o.targets.length > 32) throw new RoutingError(entry, 'targets: expected 1 to 32 targets');
  const targets: RouteTarget[] = o.targets.map((t: unknown, i: number) => {
    const target = object(t, `${entry} target ${i}`);
    const connector = text(target, 'connector', 64, entry);
    if (!ROUTING_NAME.test(connector)) throw new RoutingError(entry, `targets[${i}].connector: not a connector name`);
    return { connector, priority: integer(target, 'priority', 1, 100, entry, 1), weight: integer(target, 'weight', 1, 1000, entry, 1) };
  });
  return { prefix: prefix(o, entry), targets };
}

/** An MO route, checked: it goes somewhere (a SIP user, a webhook or both), and a webhook has a secret. */
export function parseMoRouteSpec(value: unknown, entry = 'mo_route'): MoRouteSpec {
  const o = object(value, entry);
  const sipUser = o.sipUser ?? null;
  if (sipUser !== null && (typeof sipUser !== 'string' || !/^(\$destination|[A-Za-z0-9_.+-]{1,64})$/.test(sipUser))) throw new RoutingError(entry, 'sipUser: expected a SIP user name, $destination or null');
  const webhookUrl = o.webhookUrl ?? null;
  if (webhookUrl !== null) {
    let url: URL | undefined;
    try {
      url = typeof webhookUrl === 'string' && webhookUrl.length <= 2048 ? new URL(webhookUrl) : undefined;
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new RoutingError(entry, 'webhookUrl: expected an http(s) URL or null');
  }
  const webhookSecret = o.webhookSecret ?? null;
  if (webhookUrl !== null && (typeof webhookSecret !== 'string' || webhookSecret.length < 16 || webhookSecret.length > 256)) throw new RoutingError(entry, 'webhookSecret: a webhook needs a secret of 16 to 256 characters');
  if (sipUser === null && webhookUrl === null) throw new RoutingError(entry, 'a route goes to a sipUser, a webhookUrl or both');
  return { prefix: prefix(o, entry), sipUser: sipUser as string | null, webhookUrl: webhookUrl as string | null, webhookSecret: webhookUrl === null ? null : (webhookSecret as string) };
}

/**
 * Reads the store's entries into connectors and a routing table, checking each entry and that
 * every route target is a connector (one of the store's, or `defaultConnector`). Throws RoutingError.
 */
export function loadRouting(entries: readonly RoutingEntry[], defaultConnector: string): LoadedRouting {
  const connectors = new Map<string, ConnectorSpec>();
  const mt: NamedMtRoute[] = [];
  const mo: NamedMoRoute[] = [];
  for (const entry of entries) {
    const where = `${entry.kind}/${entry.name}`;
    let value: unknown;
    try {
      value = JSON.parse(entry.spec);
    } catch {
      throw new RoutingError(where, 'not JSON');
    }
    if (entry.kind === 'connector') {
      if (entry.name === defaultConnector) throw new RoutingError(where, `the name ${defaultConnector} is the configured connector's`);
      connectors.set(entry.name, parseConnectorSpec(value, where));
    } else if (entry.kind === 'mt_route') mt.push({ name: entry.name, ...parseMtRouteSpec(value, where) });
    else mo.push({ name: entry.name, ...parseMoRouteSpec(value, where) });
  }
  for (const [name, connector] of connectors) {
    if (connector.receiptsFor !== null && connector.receiptsFor !== defaultConnector && !connectors.has(connector.receiptsFor)) throw new RoutingError(`connector/${name}`, `receiptsFor: no connector named ${connector.receiptsFor}`);
  }
  for (const route of mt) {
    for (const target of route.targets) {
      if (target.connector !== defaultConnector && !connectors.has(target.connector)) throw new RoutingError(`mt_route/${route.name}`, `no connector named ${target.connector}`);
      if (target.connector !== defaultConnector && connectors.get(target.connector)!.bindType === 'receiver') throw new RoutingError(`mt_route/${route.name}`, `connector ${target.connector} binds as a receiver: it cannot submit`);
    }
  }
  return { connectors, table: { mt, mo, defaultConnector } };
}
