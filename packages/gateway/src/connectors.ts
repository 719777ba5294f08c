// The SMSC accounts the gateway submits through: the configured one (the `smpp` section, named
// `smsc`) and those an admin adds at run time (stored as routing entries). Each has its own pool of
// binds; each extra connector's binds run under a supervisor of their own, inside the `connectors`
// supervisor of the gateway's tree, so a connector is started, changed or removed without touching
// the others. Every bind, of every connector, is leased (lease-keeper.ts), so on several nodes each
// configured bind has one owner at a time.
import createDebug from 'debug';
import { startChild, startSupervisor, terminateChild, deleteChild, worker, type ChildSpec, type Runtime, type SupervisorPid } from '@switchboard/actor';
import type { DeliverHandler } from '@switchboard/smpp';
import type { MessageIdType } from './api-store.js';
import type { BindRef } from './lease-keeper.js';
import { mtCandidates, moRoute, type NamedMoRoute, type RoutingTable } from './routing/router.js';
import type { LoadedRouting } from './routing/table.js';
import type { ConnectorSpec } from './routing/specs.js';
import { SmppBind, type BindTarget } from './smpp-bind.js';
import { SmppPool } from './smpp-pool.js';

const log = createDebug('switchboard:gateway:connectors');

/** A connector a message can be submitted through. */
export interface Connector {
  /** Its name: `smsc` for the configured one. */
  readonly name: string;
  /** Its binds. */
  readonly pool: SmppPool;
}

/** Whose messages a receipt is for, and how their ids are spelled: what `ConnectorSet.receiptIdentity` gives. */
export interface ReceiptIdentity {
  /** The connector the messages were submitted through. */
  readonly connector: string;
  /** How that connector's SMSC spells message_ids. */
  readonly idType: MessageIdType;
}

/** A connector as the status page and the admin API show it. */
export interface ConnectorStatus {
  /** The connector's name. */
  readonly name: string;
  /** Where it binds, `host:port`. */
  readonly address: string;
  /** `transceiver`, `transmitter` or `receiver`. */
  readonly bindType: string;
  /** Binds configured. */
  readonly binds: number;
  /** Binds up, leased and able to submit (or, for a receiver, bound). */
  readonly bindsUp: number;
  /** Whether it came from the configuration file (it cannot be changed through the API). */
  readonly configured: boolean;
}

interface Extra extends Connector {
  readonly spec: ConnectorSpec;
  /** The JSON it was made from: a change of it restarts the connector. */
  readonly specText: string;
  readonly bindIds: readonly string[];
}

/** What a {@link ConnectorSet} is made with. */
export interface ConnectorSetOptions {
  /** The runtime the connectors' binds run on. */
  readonly runtime: Runtime;
  /** The configured connector. */
  readonly primary: Connector;
  /** The configured connector's bind ids (its SMSC's port may be known only once the embedded one runs). */
  readonly primaryBinds: () => readonly string[];
  /** The configured connector's message_id type (`smpp.messageIdType`). */
  readonly primaryIdType: MessageIdType;
  /** The configured connector's address and bind type, for the status. */
  readonly primaryAddress: () => string;
  /** Requests from a connector's SMSC (deliver_sm…), told which connector they came on. */
  readonly onDeliver: (connector: string) => DeliverHandler;
  /** A bind of any connector came up: what waits in the outbox can go. */
  readonly onBound: () => void;
  /** Gives a bind lease back (a removed connector's). */
  readonly releaseBind: (bind: string, token: number) => Promise<void>;
  /** Connectors were added or changed: their binds need leases now. */
  readonly onChanged?: () => void;
  /** Random numbers for the weighted order of targets (tests fix it). */
  readonly random?: () => number;
}

/**
 * The connectors and the routing table in force on this node. `apply` brings the running
 * connectors to a loaded table: new ones start, removed ones unbind and stop, changed ones restart.
 */
export class ConnectorSet {
  private readonly extras = new Map<string, Extra>();
  private table: RoutingTable;
  private supervisor: SupervisorPid | undefined;

  /** An empty set beside the configured connector; `apply` brings the routing table in. */
  constructor(private readonly options: ConnectorSetOptions) {
    this.table = { mt: [], mo: [], defaultConnector: options.primary.name };
  }

  /** The routing table in force. */
  get routing(): RoutingTable {
    return this.table;
  }

  /** Every connector, the configured one first. */
  all(): Connector[] {
    return [this.options.primary, ...this.extras.values()];
  }

  /** A connector by name. */
  get(name: string): Connector | undefined {
    return name === this.options.primary.name ? this.options.primary : this.extras.get(name);
  }

  /** Binds up and able to submit, over every connector. */
  get boundCount(): number {
    let n = 0;
    for (const c of this.all()) n += c.pool.boundCount;
    return n;
  }

  /** The connectors to try for a destination, in failover order (unknown names are skipped). */
  candidates(destination: string): Connector[] {
    return mtCandidates(this.table, destination, this.options.random).flatMap((name) => {
      const connector = this.get(name);
      return connector === undefined ? [] : [connector];
    });
  }

  /**
   * Whose messages a receipt that came in on `name` is for, and how to spell its id for the lookup:
   * a receiver's `receiptsFor` connector, and that connector's message_id type.
   */
  receiptIdentity(name: string): ReceiptIdentity {
    const own = this.extras.get(name)?.spec.receiptsFor ?? name;
    const idType = own === this.options.primary.name ? this.options.primaryIdType : (this.extras.get(own)?.spec.messageIdType ?? 'same');
    return { connector: own, idType };
  }

  /** Where an MO message to `destination` goes, by the MO routes. */
  moRoute(destination: string): NamedMoRoute | undefined {
    return moRoute(this.table, destination);
  }

  /** Every bind of every connector, for the lease keeper. */
  bindRefs(): BindRef[] {
    const refs: BindRef[] = this.options.primaryBinds().map((id, index) => ({ id, pool: this.options.primary.pool, index }));
    for (const extra of this.extras.values()) extra.bindIds.forEach((id, index) => refs.push({ id, pool: extra.pool, index }));
    return refs;
  }

  /** Each connector's binds and how many are up. */
  status(): ConnectorStatus[] {
    const primary = this.options.primary;
    const rows: ConnectorStatus[] = [{ name: primary.name, address: this.options.primaryAddress(), bindType: 'transceiver', binds: primary.pool.size, bindsUp: primary.pool.boundCount, configured: true }];
    for (const e of this.extras.values()) {
      rows.push({ name: e.name, address: `${e.spec.host}:${e.spec.port}`, bindType: e.spec.bindType, binds: e.spec.binds, bindsUp: e.spec.bindType === 'receiver' ? e.pool.boundSessions : e.pool.boundCount, configured: false });
    }
    return rows;
  }

  /** The `connectors` supervisor of the gateway's tree: at each (re)start it runs the connectors in force. */
  childSpec(): ChildSpec {
    return {
      id: 'connectors',
      type: 'supervisor',
      shutdown: 'infinity',
      start: async ({ runtime, supervisor }) => {
        const pid = await startSupervisor(runtime, { strategy: 'one_for_one', intensity: 10, period: 10_000, children: [...this.extras.values()].map((e) => this.connectorChild(e)) }, { link: supervisor });
        this.supervisor = pid;
        return pid;
      },
    };
  }

  /**
   * Brings the running connectors and routes to `loaded`. Connectors are started or stopped only
   * once the `connectors` supervisor runs (before that, its start runs those in force).
   */
  async apply(loaded: LoadedRouting): Promise<void> {
    for (const [name, extra] of [...this.extras]) {
      const spec = loaded.connectors.get(name);
      if (spec !== undefined && JSON.stringify(spec) === extra.specText) continue;
      log('connector %s %s', name, spec === undefined ? 'removed' : 'changed: restarting it');
      this.extras.delete(name);
      const grants = extra.bindIds.map((_, index) => extra.pool.grantOf(index));
      await this.stopChild(name);
      await Promise.all(extra.bindIds.map((_, index) => extra.pool.revoke(index, 'released')));
      // its leases end now rather than at their time, so the cluster view does not show them held
      for (const grant of grants) if (grant !== null) await this.options.releaseBind(grant.bind, grant.token).catch((error: unknown) => log('lease of %s not given back (it ends by itself): %O', grant.bind, error));
    }
    this.table = loaded.table;
    let added = false;
    for (const [name, spec] of loaded.connectors) {
      if (this.extras.has(name)) continue;
      const extra = this.makeExtra(name, spec);
      this.extras.set(name, extra);
      log('connector %s: %d %s bind(s) to %s:%d', name, spec.binds, spec.bindType, spec.host, spec.port);
      if (this.supervisor !== undefined) await startChild(this.supervisor, this.connectorChild(extra));
      added = true;
    }
    if (added) this.options.onChanged?.();
  }

  private makeExtra(name: string, spec: ConnectorSpec): Extra {
    const pool = new SmppPool(spec.binds, spec.window, this.options.runtime.clock, this.options.onDeliver(name), this.options.onBound, spec.bindType !== 'receiver');
    const bindIds = Array.from({ length: spec.binds }, (_, index) => `${name}/${spec.systemId}@${spec.host}:${spec.port}#${index}`);
    return { name, pool, spec, specText: JSON.stringify(spec), bindIds };
  }

  private connectorChild(extra: Extra): ChildSpec {
    const { runtime } = this.options;
    const spec = extra.spec;
    const target = (): BindTarget => ({ host: spec.host, port: spec.port, systemId: spec.systemId, password: spec.password, window: spec.window, throughput: spec.throughput, tls: spec.tls, bindType: spec.bindType, systemType: spec.systemType });
    const binds = extra.bindIds.map((_, index) => worker(`bind-${index}`, SmppBind, { runtime, pool: extra.pool, index, target }, { timeout: Infinity, shutdown: 5000 }));
    return {
      id: extra.name,
      type: 'supervisor',
      shutdown: 'infinity',
      start: ({ runtime: rt, supervisor }) => startSupervisor(rt, { strategy: 'one_for_one', intensity: 10, period: 10_000, children: binds }, { link: supervisor }),
    };
  }

  private async stopChild(name: string): Promise<void> {
    if (this.supervisor === undefined) return;
    try {
      await terminateChild(this.supervisor, name);
      await deleteChild(this.supervisor, name);
    } catch (error) {
      log('connector %s was not running: %O', name, error);
    }
  }
}
