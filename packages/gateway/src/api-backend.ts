// The gateway as the HTTP API sees it (http-api/backend.ts): a message taken over HTTP is checked
// (addresses, parts), stored with its outbound row in one transaction, and handed to the outbox's
// submit at once, like a SIP MESSAGE; a change of the routing table through the admin API is loaded
// and applied here (connectors started, changed or stopped) and refused whole when inconsistent.
import { MessageTooLongError, splitMessage } from '@switchboard/smpp';
import { NPI, TON, type SmppAddress } from './addressing.js';
import type { ApiStore, CreatedMessage, NewApiMessage } from './api-store.js';
import type { ConnectorSet } from './connectors.js';
import type { ApiBackend, ConnectorBindStatus } from './http-api/backend.js';
import { ApiInputError } from './http-api/errors.js';
import { OUTBOX_LEASE, type Outbox } from './outbox.js';
import { RoutingError } from './routing/table.js';
import type { Store } from './store.js';

/** The destination of a message taken over HTTP: 3 to 20 digits, international with a leading `+`. */
export function apiDestination(to: string): SmppAddress {
  const international = to.startsWith('+');
  const digits = international ? to.slice(1) : to;
  if (!/^\d{3,20}$/.test(digits)) throw new ApiInputError('invalid_field', 'to', 'to: expected 3 to 20 digits, with an optional leading +');
  return { addr: digits, ton: international ? TON.INTERNATIONAL : TON.UNKNOWN, npi: NPI.E164 };
}

/** The source of a message taken over HTTP: a number (as `to`), or an alphanumeric name of at most 11 characters. */
export function apiSource(from: string): SmppAddress {
  const international = from.startsWith('+');
  const digits = international ? from.slice(1) : from;
  if (/^\d{1,20}$/.test(digits)) return { addr: digits, ton: international ? TON.INTERNATIONAL : TON.UNKNOWN, npi: NPI.E164 };
  if (/^[A-Za-z0-9 ]{1,11}$/.test(from) && /[A-Za-z]/.test(from)) return { addr: from, ton: TON.ALPHANUMERIC, npi: NPI.UNKNOWN };
  throw new ApiInputError('invalid_field', 'from', 'from: expected a number of up to 20 digits or a name of up to 11 letters, digits and spaces');
}

export interface GatewayBackendOptions {
  readonly store: Store;
  readonly now: () => number;
  readonly outbox: Outbox;
  readonly connectors: ConnectorSet;
  /** Most SMS parts one message may become. */
  readonly maxParts: number;
  /** Reads the routing table from the store and applies it; rejects with RoutingError when it is inconsistent. */
  readonly reloadRouting: () => Promise<void>;
}

/** The gateway's {@link ApiBackend}. */
export class GatewayBackend implements ApiBackend {
  constructor(private readonly options: GatewayBackendOptions) {}

  get configuredConnectors(): readonly string[] {
    return [this.options.connectors.all()[0]!.name];
  }

  get store(): ApiStore {
    return this.options.store.api;
  }

  now(): number {
    return this.options.now();
  }

  partsOf(text: string): number {
    let parts: number;
    try {
      parts = splitMessage(text).parts.length;
    } catch (error) {
      if (!(error instanceof MessageTooLongError)) throw error;
      throw new ApiInputError('text_too_long', 'text', `text: ${error.message}`);
    }
    if (parts > this.options.maxParts) throw new ApiInputError('text_too_long', 'text', `text: it makes ${parts} SMS parts; at most ${this.options.maxParts} are sent`);
    return parts;
  }

  async accept(message: NewApiMessage): Promise<CreatedMessage> {
    const destination = apiDestination(message.to);
    const source = apiSource(message.from);
    const outbound = {
      senderAor: null,
      source: source.addr,
      sourceTon: source.ton,
      sourceNpi: source.npi,
      destination: destination.addr,
      destinationTon: destination.ton,
      text: message.text,
      sipMessageId: message.id,
      createdAt: message.createdAt,
      apiMessageId: message.id,
    };
    const now = this.options.now();
    const created = await this.options.store.api.createMessage(message, outbound, { now, until: now + OUTBOX_LEASE });
    // the submit's outcome is recorded against the message's parts; it never rejects
    if (created.kind === 'created') void this.options.outbox.submitStored({ ...outbound, id: created.outboundId }, created.held);
    return created;
  }

  async routingChanged(): Promise<void> {
    try {
      await this.options.reloadRouting();
    } catch (error) {
      if (error instanceof RoutingError) throw new ApiInputError(/no connector named/.test(error.message) ? 'unknown_connector' : 'invalid_routing', null, error.message);
      throw error;
    }
  }

  async connectorStatus(): Promise<readonly ConnectorBindStatus[]> {
    return this.options.connectors.status();
  }
}
