// The cluster tables' rows as the databases return them (bind_leases, cluster_nodes), and their
// mapping to the Store's types, shared by the SQLite and PostgreSQL stores. A node's detail is JSON
// another node wrote: it is read defensively, and what does not fit is shown as empty.
import type { ClusterLease, ClusterNode, HeldBind, NodeDetail } from './store.js';

/** An integer column: a number from SQLite, a string (BIGINT) from PostgreSQL. */
type Int = number | string | bigint;

export interface LeaseRow {
  bind: string;
  owner: string | null;
  token: Int;
  /** lease_until minus the store's clock. */
  left_ms: Int;
}

export interface NodeRow {
  node: string;
  name: string;
  started_at: Int;
  /** The store's clock minus heartbeat_at. */
  age: Int;
  /** lease_until minus the store's clock. */
  left_ms: Int;
  detail: string;
}

export const EMPTY_DETAIL: NodeDetail = { sip: [], status: null, binds: [] };

const isString = (value: unknown): value is string => typeof value === 'string';

/** A node's detail from its JSON, keeping only what has the expected shape. */
export function parseDetail(text: string): NodeDetail {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return EMPTY_DETAIL;
  }
  if (typeof value !== 'object' || value === null) return EMPTY_DETAIL;
  const raw = value as { sip?: unknown; status?: unknown; binds?: unknown };
  const sip = Array.isArray(raw.sip) ? raw.sip.filter(isString) : [];
  const status = isString(raw.status) ? raw.status : null;
  const binds = Array.isArray(raw.binds)
    ? raw.binds.flatMap((b: unknown) => {
        if (typeof b !== 'object' || b === null) return [];
        const { bind, state } = b as { bind?: unknown; state?: unknown };
        return isString(bind) && isString(state) ? [{ bind, state }] : [];
      })
    : [];
  return { sip, status, binds };
}

/** Held leases from the JSON array a query built (`[{ "bind": …, "token": … }]`). */
export function parseHeld(text: string | null): HeldBind[] {
  if (text === null) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { bind, token } = entry as { bind?: unknown; token?: unknown };
    return isString(bind) && typeof token === 'number' && Number.isSafeInteger(token) ? [{ bind, token }] : [];
  });
}

export const toClusterLease = (r: LeaseRow): ClusterLease => ({ bind: r.bind, owner: r.owner, token: Number(r.token), left: Number(r.left_ms) });

export const toClusterNode = (r: NodeRow): ClusterNode => ({
  node: r.node,
  name: r.name,
  startedAt: Number(r.started_at),
  heartbeatAge: Number(r.age),
  alive: Number(r.left_ms) > 0,
  detail: parseDetail(r.detail),
});
