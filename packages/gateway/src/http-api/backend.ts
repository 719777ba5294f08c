// What the HTTP API needs from the gateway: its store, its clock, the SMS rules (how many parts a
// text makes), the submit path and the routing table's reload. The gateway implements it; tests
// give a small one over a store.
import type { ApiStore, CreatedMessage, NewApiMessage } from '../api-store.js';

/** A connector's binds as they are now, as `GET /v1/admin/connectors` shows them. */
export interface ConnectorBindStatus {
  /** The connector's name. */
  readonly name: string;
  /** Binds up (bound and usable) now. */
  readonly bindsUp: number;
  /** Binds the connector is configured with. */
  readonly binds: number;
}

/** The gateway as the HTTP API sees it. */
export interface ApiBackend {
  /** The API's part of the store: keys, messages, webhooks, routing entries. */
  readonly store: ApiStore;
  /** The connectors of the configuration file (routes may name them; the admin API cannot change them). */
  readonly configuredConnectors: readonly string[];
  /** The gateway's clock (ms): timestamps, the rate limits' buckets and the key cache all read it. */
  now(): number;
  /** How many SMS parts `text` makes for this destination/source; throws ApiInputError (field 'text') past the limit. */
  partsOf(text: string): number;
  /** Validates addresses (throws ApiInputError with field 'to' or 'from'), stores the message and its outbound row, starts its submit. Rejects with StoreError when the store is down. */
  accept(message: NewApiMessage): Promise<CreatedMessage>;
  /** The connectors and routes changed through the admin API: the gateway reloads them (binds start/stop). Rejects with ApiInputError when the new table is inconsistent (a route to a missing connector). */
  routingChanged(): Promise<void>;
  /** Each connector's binds as they are now (name, binds up, in flight, window), for GET /v1/admin/connectors. */
  connectorStatus(): Promise<readonly ConnectorBindStatus[]>;
}
