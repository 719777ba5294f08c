// The admin API's routing table: connectors, MT routes and MO routes, each put, read and deleted by
// name. A change is checked (schema, then references), stored, and handed to the gateway to reload;
// when the gateway refuses it, the entry it replaced is put back, so the store never keeps a table
// the gateway would not run. Changes run one at a time on this node for that rollback to be exact.
import createDebug from 'debug';
import type { FastifyInstance } from 'fastify';
import type { RoutingEntry } from '../api-store.js';
import type { ConnectorSpec, MoRouteSpec, MtRouteSpec } from '../routing/specs.js';
import type { ApiContext } from './api-context.js';
import { ApiHttpError, ApiInputError } from './errors.js';
import { connectorSchema, connectorViewSchema, entryNameParams, moRouteSchema, mtRouteSchema, routeViewSchema } from './routing-schemas.js';
import { errorSchema } from './schemas.js';
import { isHttpUrl } from './submission.js';

const log = createDebug('switchboard:gateway:http-api');

const errors = { '4xx': errorSchema, '5xx': errorSchema };
const security = [{ bearer: [] }];

/** One kind of routing entry as the admin API serves it. */
interface EntryKind {
  readonly kind: RoutingEntry['kind'];
  /** The collection's path, e.g. `/v1/admin/connectors`. */
  readonly path: string;
  /** What one entry is called in summaries and messages. */
  readonly noun: string;
  readonly schema: Record<string, unknown>;
  readonly viewSchema: Record<string, unknown>;
  /** Checks a spec against the other entries (throws ApiInputError). */
  check(spec: unknown, entries: readonly RoutingEntry[], configured: readonly string[]): void;
  /** The spec as shown (secrets left out). */
  view(spec: Record<string, unknown>): Record<string, unknown>;
}

function specOf(entry: RoutingEntry): Record<string, unknown> {
  return JSON.parse(entry.spec) as Record<string, unknown>;
}

function without(spec: Record<string, unknown>, field: string): Record<string, unknown> {
  const { [field]: _left, ...rest } = spec;
  return rest;
}

const KINDS: readonly EntryKind[] = [
  {
    kind: 'connector',
    path: '/v1/admin/connectors',
    noun: 'connector',
    schema: connectorSchema,
    viewSchema: connectorViewSchema,
    check: (spec) => void (spec as ConnectorSpec),
    view: (spec) => without(spec, 'password'),
  },
  {
    kind: 'mt_route',
    path: '/v1/admin/routes/mt',
    noun: 'MT route',
    schema: mtRouteSchema,
    viewSchema: routeViewSchema,
    check: (spec, entries, configured) => {
      const connectors = new Set([...configured, ...entries.filter((entry) => entry.kind === 'connector').map((entry) => entry.name)]);
      (spec as MtRouteSpec).targets.forEach((target, index) => {
        if (!connectors.has(target.connector)) throw new ApiInputError('unknown_connector', `targets.${index}.connector`, `there is no connector ${target.connector}`);
      });
    },
    view: (spec) => spec,
  },
  {
    kind: 'mo_route',
    path: '/v1/admin/routes/mo',
    noun: 'MO route',
    schema: moRouteSchema,
    viewSchema: routeViewSchema,
    check: (spec) => {
      const route = spec as MoRouteSpec;
      if (route.sipUser === null && route.webhookUrl === null) throw new ApiInputError('invalid_field', 'sipUser', 'an MO route needs a sipUser, a webhookUrl or both');
      if (route.webhookUrl !== null && !isHttpUrl(route.webhookUrl)) throw new ApiInputError('invalid_field', 'webhookUrl', 'webhookUrl is not an http(s) URL');
      if (route.webhookUrl !== null && route.webhookSecret === null) throw new ApiInputError('invalid_field', 'webhookSecret', 'a webhookUrl needs a webhookSecret to sign with');
    },
    view: (spec) => ({ ...without(spec, 'webhookSecret'), webhookSecretSet: spec['webhookSecret'] !== null && spec['webhookSecret'] !== undefined }),
  },
];

/** Registers the connector and route routes on `app` (behind the admin hook). */
export function registerAdminRoutingRoutes(app: FastifyInstance, context: ApiContext): void {
  for (const kind of KINDS) registerKind(app, context, kind);
}

function registerKind(app: FastifyInstance, context: ApiContext, kind: EntryKind): void {
  const { store } = context.backend;
  const tags = ['admin'];
  const itemPath = `${kind.path}/:name`;

  const viewsOf = async (entries: readonly RoutingEntry[]): Promise<Record<string, unknown>[]> => {
    const status = kind.kind === 'connector' ? await context.backend.connectorStatus() : [];
    return entries.map((entry) => {
      const view: Record<string, unknown> = { name: entry.name, spec: kind.view(specOf(entry)) };
      if (kind.kind !== 'connector') return view;
      const binds = status.find((connector) => connector.name === entry.name);
      return { ...view, bindsUp: binds?.bindsUp ?? 0, binds: binds?.binds ?? 0 };
    });
  };

  app.get(kind.path, { schema: { summary: `Every ${kind.noun}`, tags, security, response: { 200: { type: 'object', properties: { entries: { type: 'array', items: kind.viewSchema } } }, ...errors } } }, async () => {
    const entries = (await store.routingEntries()).filter((entry) => entry.kind === kind.kind);
    return { entries: await viewsOf(entries) };
  });

  app.get(itemPath, { schema: { summary: `One ${kind.noun}`, tags, security, params: entryNameParams, response: { 200: kind.viewSchema, ...errors } } }, async (request) => {
    const { name } = request.params as { name: string };
    const entry = (await store.routingEntries()).find((candidate) => candidate.kind === kind.kind && candidate.name === name);
    if (entry === undefined) throw new ApiHttpError(404, 'not_found', `no such ${kind.noun}`);
    return (await viewsOf([entry]))[0];
  });

  app.put(
    itemPath,
    {
      schema: {
        summary: `Add or replace a ${kind.noun}`,
        description: 'Validated, stored, then reloaded by the gateway with no restart: 201 when new, 200 when replaced. When the gateway refuses the new table, the change is undone and answered 409.',
        tags,
        security,
        params: entryNameParams,
        body: kind.schema,
        response: { 200: kind.viewSchema, 201: kind.viewSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const spec = request.body as Record<string, unknown>;
      const previous = await context.routingChanges.run('routing', async () => {
        const entries = await store.routingEntries();
        kind.check(spec, entries, context.backend.configuredConnectors);
        const before = entries.find((entry) => entry.kind === kind.kind && entry.name === name);
        await changeAndReload(context, before, { kind: kind.kind, name, spec: JSON.stringify(spec) }, () => store.putRoutingEntry({ kind: kind.kind, name, spec: JSON.stringify(spec) }));
        return before;
      });
      log('%s %s %s', kind.noun, name, previous === undefined ? 'added' : 'replaced');
      return reply.code(previous === undefined ? 201 : 200).send((await viewsOf([{ kind: kind.kind, name, spec: JSON.stringify(spec) }]))[0]);
    },
  );

  app.delete(
    itemPath,
    {
      schema: {
        summary: `Delete a ${kind.noun}`,
        description: kind.kind === 'connector' ? 'Refused (409 connector_in_use) while an MT route names it.' : 'The gateway reloads its routes with no restart.',
        tags,
        security,
        params: entryNameParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errors },
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      await context.routingChanges.run('routing', async () => {
        const entries = await store.routingEntries();
        const before = entries.find((entry) => entry.kind === kind.kind && entry.name === name);
        if (before === undefined) throw new ApiHttpError(404, 'not_found', `no such ${kind.noun}`);
        if (kind.kind === 'connector') {
          const users = entries.filter((entry) => entry.kind === 'mt_route' && (specOf(entry) as unknown as MtRouteSpec).targets.some((target) => target.connector === name)).map((entry) => entry.name);
          if (users.length > 0) throw new ApiHttpError(409, 'connector_in_use', `MT routes use connector ${name}: ${users.join(', ')}`, 'name');
        }
        await changeAndReload(context, before, undefined, () => store.removeRoutingEntry(kind.kind, name).then(() => undefined));
      });
      log('%s %s deleted', kind.noun, name);
      return reply.code(204).send();
    },
  );
}

/**
 * Applies a change (`apply`) and has the gateway reload; when the reload fails, puts `before` back
 * (or removes the new entry when there was none) and answers the refusal as 409.
 */
async function changeAndReload(context: ApiContext, before: RoutingEntry | undefined, after: RoutingEntry | undefined, apply: () => Promise<void>): Promise<void> {
  const { store } = context.backend;
  await apply();
  try {
    await context.backend.routingChanged();
  } catch (error) {
    try {
      if (before !== undefined) await store.putRoutingEntry(before);
      else if (after !== undefined) await store.removeRoutingEntry(after.kind, after.name);
    } catch (rollbackError) {
      log('could not undo the routing change: %O', rollbackError);
    }
    if (error instanceof ApiInputError) throw new ApiHttpError(409, error.code, error.message, error.field);
    throw error;
  }
}
