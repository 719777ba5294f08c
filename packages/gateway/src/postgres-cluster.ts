// The PostgreSQL store's cluster statements: bind leases with fencing tokens, node heartbeats, the
// reaping of dead nodes' claims, and the cluster view. Every time here is the server's clock
// (`switchboard_now_ms()`), so the nodes' own clocks never decide who owns a bind.
import type postgres from 'postgres';
import { parseHeld, toClusterLease, toClusterNode, type LeaseRow, type NodeRow } from './cluster-rows.js';
import type { BindLease, ClusterView, HeldBind, NodeBeat, ReapedNodes } from './store.js';

type Sql = postgres.Sql;

/**
 * Takes or renews a bind's lease in one statement: granted when the row is new, given back, ended,
 * or already this node's. The token grows by one when the owner changes (a renewal keeps it).
 */
export async function leaseBind(sql: Sql, node: string, bind: string, ttl: number): Promise<BindLease | undefined> {
  const [row] = await sql<{ token: string }[]>`
    INSERT INTO bind_leases AS l (bind, owner, token, lease_until) VALUES (${bind}, ${node}, 1, switchboard_now_ms() + ${ttl})
    ON CONFLICT (bind) DO UPDATE SET
      owner = EXCLUDED.owner,
      token = CASE WHEN l.owner = EXCLUDED.owner THEN l.token ELSE l.token + 1 END,
      lease_until = EXCLUDED.lease_until
    WHERE l.owner = EXCLUDED.owner OR l.owner IS NULL OR l.lease_until <= switchboard_now_ms()
    RETURNING token`;
  return row === undefined ? undefined : { bind, token: Number(row.token), ttl };
}

/** Ends the lease now, if this node still holds it with `token` (the row stays: its token only grows). */
export async function releaseBind(sql: Sql, node: string, bind: string, token: number): Promise<void> {
  await sql`UPDATE bind_leases SET owner = NULL, lease_until = switchboard_now_ms() WHERE bind = ${bind} AND owner = ${node} AND token = ${token}`;
}

/** The leases this node holds that have not ended. */
export async function heldBinds(sql: Sql, node: string): Promise<HeldBind[]> {
  const rows = await sql<{ bind: string; token: string }[]>`SELECT bind, token FROM bind_leases WHERE owner = ${node} AND lease_until > switchboard_now_ms()`;
  return rows.map((r) => ({ bind: r.bind, token: Number(r.token) }));
}

/**
 * The JSON text of this node's valid leases, as a subquery other statements return beside their
 * own result (the outbox's insert: its fence costs no extra round trip). Read with `parseHeld`.
 */
export const heldJson = (sql: Sql | postgres.TransactionSql, node: string): postgres.PendingQuery<postgres.Row[]> =>
  sql`(SELECT coalesce(json_agg(json_build_object('bind', bind, 'token', token)), '[]')::text FROM bind_leases WHERE owner = ${node} AND lease_until > switchboard_now_ms())`;

export { parseHeld };

export async function heartbeat(sql: Sql, node: string, beat: NodeBeat): Promise<void> {
  await sql`INSERT INTO cluster_nodes (node, name, started_at, heartbeat_at, lease_until, detail)
    VALUES (${node}, ${beat.name}, ${Math.floor(beat.startedAt)}, switchboard_now_ms(), switchboard_now_ms() + ${beat.ttl}, ${JSON.stringify(beat.detail)})
    ON CONFLICT (node) DO UPDATE SET name = EXCLUDED.name, heartbeat_at = EXCLUDED.heartbeat_at, lease_until = EXCLUDED.lease_until, detail = EXCLUDED.detail`;
}

/**
 * Gives back the queue rows (outbound, inbound, webhooks) claimed by nodes whose heartbeat ended and who hold no bind lease that
 * has not (so they can submit nothing more), in one statement; forgets nodes dead for longer than
 * `forgetAfter`.
 */
export async function reapNodes(sql: Sql, node: string, forgetAfter: number): Promise<ReapedNodes> {
  const rows = await sql<{ node: string; aor: string | null }[]>`
    WITH dead AS (
      SELECT n.node FROM cluster_nodes n WHERE n.lease_until <= switchboard_now_ms() AND n.node <> ${node}
        AND NOT EXISTS (SELECT 1 FROM bind_leases l WHERE l.owner = n.node AND l.lease_until > switchboard_now_ms())
    ),
    outbox AS (UPDATE outbound o SET claimed_by = NULL, lease_until = 0 FROM dead WHERE o.claimed_by = dead.node RETURNING dead.node AS node),
    hooks AS (UPDATE webhooks w SET claimed_by = NULL, lease_until = 0 FROM dead WHERE w.claimed_by = dead.node RETURNING dead.node AS node),
    inbox AS (UPDATE inbound i SET claimed_by = NULL, lease_until = 0 FROM dead WHERE i.claimed_by = dead.node RETURNING dead.node AS node, i.aor AS aor)
    SELECT node, NULL::text AS aor FROM outbox UNION ALL SELECT node, NULL::text AS aor FROM hooks UNION ALL SELECT node, aor FROM inbox`;
  await sql`DELETE FROM cluster_nodes WHERE lease_until <= switchboard_now_ms() - ${forgetAfter}`;
  return { nodes: [...new Set(rows.map((r) => r.node))], aors: [...new Set(rows.flatMap((r) => (r.aor === null ? [] : [r.aor])))] };
}

export async function clusterView(sql: Sql): Promise<ClusterView> {
  const [clock] = await sql<{ now: string }[]>`SELECT switchboard_now_ms() AS now`;
  const now = Number(clock!.now);
  const [nodes, leases] = await Promise.all([
    sql<NodeRow[]>`SELECT node, name, started_at, ${now}::bigint - heartbeat_at AS age, lease_until - ${now}::bigint AS left_ms, detail FROM cluster_nodes ORDER BY name COLLATE "C", node COLLATE "C"`,
    sql<LeaseRow[]>`SELECT bind, owner, token, lease_until - ${now}::bigint AS left_ms FROM bind_leases ORDER BY bind COLLATE "C"`,
  ]);
  return { now, nodes: nodes.map(toClusterNode), leases: leases.map(toClusterLease) };
}

/** This node's leases end now and its heartbeat row goes. */
export async function leaveCluster(sql: Sql, node: string): Promise<void> {
  await sql`UPDATE bind_leases SET owner = NULL, lease_until = switchboard_now_ms() WHERE owner = ${node}`;
  await sql`DELETE FROM cluster_nodes WHERE node = ${node}`;
}
