// The SQLite store's cluster statements: the same bind leases, heartbeats and view as PostgreSQL's,
// for the one node a SQLite file serves (its leases are always granted unless a previous run's are
// still held; the gateway frees those at start). Times are this process's wall clock.
import type Database from 'better-sqlite3';
import { toClusterLease, toClusterNode, type LeaseRow, type NodeRow } from './cluster-rows.js';
import type { SqliteTransaction } from './sqlite-transaction.js';
import type { BindLease, ClusterView, HeldBind, NodeBeat, ReapedNodes } from './store.js';

export class SqliteCluster {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly node: string,
    /** The store's transactions on `db` (sqlite-transaction.ts). */
    private readonly tx: SqliteTransaction,
  ) {
    this.statements = {
      lease: db.prepare<[{ bind: string; owner: string; now: number; ttl: number }], { token: number }>(
        `INSERT INTO bind_leases AS l (bind, owner, token, lease_until) VALUES (@bind, @owner, 1, @now + @ttl)
         ON CONFLICT (bind) DO UPDATE SET owner = excluded.owner,
           token = CASE WHEN l.owner = excluded.owner THEN l.token ELSE l.token + 1 END,
           lease_until = excluded.lease_until
         WHERE l.owner = excluded.owner OR l.owner IS NULL OR l.lease_until <= @now
         RETURNING token`,
      ),
      release: db.prepare<[number, string, string, number]>('UPDATE bind_leases SET owner = NULL, lease_until = ? WHERE bind = ? AND owner = ? AND token = ?'),
      held: db.prepare<[string, number], { bind: string; token: number }>('SELECT bind, token FROM bind_leases WHERE owner = ? AND lease_until > ?'),
      beat: db.prepare<[{ node: string; name: string; startedAt: number; now: number; ttl: number; detail: string }]>(
        `INSERT INTO cluster_nodes (node, name, started_at, heartbeat_at, lease_until, detail) VALUES (@node, @name, @startedAt, @now, @now + @ttl, @detail)
         ON CONFLICT (node) DO UPDATE SET name = excluded.name, heartbeat_at = excluded.heartbeat_at, lease_until = excluded.lease_until, detail = excluded.detail`,
      ),
      // heartbeat ended, and no bind lease left to submit with
      dead: db.prepare<[{ now: number; node: string }], { node: string }>(
        'SELECT n.node FROM cluster_nodes n WHERE n.lease_until <= @now AND n.node <> @node AND NOT EXISTS (SELECT 1 FROM bind_leases l WHERE l.owner = n.node AND l.lease_until > @now)',
      ),
      reapOutbound: db.prepare<[string]>('UPDATE outbound SET claimed_by = NULL, lease_until = 0 WHERE claimed_by = ?'),
      reapWebhooks: db.prepare<[string]>('UPDATE webhooks SET claimed_by = NULL, lease_until = 0 WHERE claimed_by = ?'),
      reapInbound: db.prepare<[string], { aor: string }>('UPDATE inbound SET claimed_by = NULL, lease_until = 0 WHERE claimed_by = ? RETURNING aor'),
      forget: db.prepare<[number]>('DELETE FROM cluster_nodes WHERE lease_until <= ?'),
      nodes: db.prepare<[number, number], NodeRow>('SELECT node, name, started_at, ? - heartbeat_at AS age, lease_until - ? AS left_ms, detail FROM cluster_nodes ORDER BY name, node'),
      leases: db.prepare<[number], LeaseRow>('SELECT bind, owner, token, lease_until - ? AS left_ms FROM bind_leases ORDER BY bind'),
      leaveLeases: db.prepare<[number, string]>('UPDATE bind_leases SET owner = NULL, lease_until = ? WHERE owner = ?'),
      leaveNode: db.prepare<[string]>('DELETE FROM cluster_nodes WHERE node = ?'),
    };
  }

  leaseBind(bind: string, ttl: number): BindLease | undefined {
    const row = this.statements.lease.get({ bind, owner: this.node, now: Date.now(), ttl: Math.floor(ttl) });
    return row === undefined ? undefined : { bind, token: Number(row.token), ttl: Math.floor(ttl) };
  }

  releaseBind(bind: string, token: number): void {
    this.statements.release.run(Date.now(), bind, this.node, token);
  }

  heldBinds(): HeldBind[] {
    return this.statements.held.all(this.node, Date.now()).map((r) => ({ bind: r.bind, token: Number(r.token) }));
  }

  heartbeat(beat: NodeBeat): void {
    this.statements.beat.run({ node: this.node, name: beat.name, startedAt: Math.floor(beat.startedAt), now: Date.now(), ttl: Math.floor(beat.ttl), detail: JSON.stringify(beat.detail) });
  }

  reapNodes(forgetAfter: number): ReapedNodes {
    return this.tx.immediate((): ReapedNodes => {
      const now = Date.now();
      const nodes: string[] = [];
      const aors = new Set<string>();
      for (const { node } of this.statements.dead.all({ now, node: this.node })) {
        const outbound = this.statements.reapOutbound.run(node).changes;
        const webhooks = this.statements.reapWebhooks.run(node).changes;
        const inbound = this.statements.reapInbound.all(node);
        for (const { aor } of inbound) aors.add(aor);
        if (outbound + webhooks + inbound.length > 0) nodes.push(node);
      }
      this.statements.forget.run(now - forgetAfter);
      return { nodes, aors: [...aors] };
    });
  }

  clusterView(): ClusterView {
    const now = Date.now();
    return { now, nodes: this.statements.nodes.all(now, now).map(toClusterNode), leases: this.statements.leases.all(now).map(toClusterLease) };
  }

  leaveCluster(): void {
    this.statements.leaveLeases.run(Date.now(), this.node);
    this.statements.leaveNode.run(this.node);
  }

  /** Frees every lease and forgets every node a previous run left in the file (its one gateway starts). */
  reclaim(): void {
    this.db.exec('UPDATE bind_leases SET owner = NULL, lease_until = 0; DELETE FROM cluster_nodes');
  }
}
