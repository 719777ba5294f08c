// The HTTP API's OpenAPI document: valid OpenAPI 3.1 by an independent validator
// (@seriousme/openapi-schema-validator), served without authentication, with every route in it.
import test from 'ava';
import { Validator } from '@seriousme/openapi-schema-validator';
import { SqliteStore } from '../src/sqlite-store.js';
import { buildHttpApi, OPENAPI_PATH, type ApiBackend } from '@switchboard/gateway';

/** Every route the API serves (besides the document itself), as fastify spells it. */
const ROUTES: readonly (readonly [string, string])[] = [
  ['POST', '/v1/messages'],
  ['POST', '/v1/messages/batch'],
  ['GET', '/v1/messages'],
  ['GET', '/v1/messages/:id'],
  ['POST', '/v1/admin/keys'],
  ['GET', '/v1/admin/keys'],
  ['DELETE', '/v1/admin/keys/:id'],
  ...['connectors', 'routes/mt', 'routes/mo'].flatMap((kind) => [
    ['GET', `/v1/admin/${kind}`] as const,
    ['GET', `/v1/admin/${kind}/:name`] as const,
    ['PUT', `/v1/admin/${kind}/:name`] as const,
    ['DELETE', `/v1/admin/${kind}/:name`] as const,
  ]),
];

test('GET /openapi.json is a valid OpenAPI 3.1 document listing every route with its schemas and security', async (t) => {
  const sqlite = new SqliteStore(':memory:');
  const backend: ApiBackend = {
    store: sqlite.api,
    configuredConnectors: ['smsc'],
    now: () => 0,
    partsOf: () => 1,
    accept: () => Promise.reject(new Error('not used')),
    routingChanged: () => Promise.resolve(),
    connectorStatus: () => Promise.resolve([]),
  };
  const app = await buildHttpApi({ backend });
  t.teardown(async () => {
    await app.close();
    await sqlite.close();
  });
  const response = await app.inject({ method: 'GET', url: OPENAPI_PATH });
  t.is(response.statusCode, 200);
  const document = response.json<{ openapi: string; paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown; responses: Record<string, unknown> }>> }>();
  t.is(document.openapi, '3.1.0');

  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  t.true(result.valid, JSON.stringify(result.errors, null, 2));

  const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  const expected = ROUTES.map(([method, url]) => `${method} ${url.replace(/:(\w+)/g, '{$1}')}`);
  t.deepEqual([...documented].sort(), [...expected].sort());
  for (const [method, url] of ROUTES) {
    t.true(app.hasRoute({ method, url }), `${method} ${url} is served`);
    const operation = document.paths[url.replace(/:(\w+)/g, '{$1}')]![method.toLowerCase()]!;
    t.deepEqual(operation.security, [{ bearer: [] }], `${method} ${url} needs a key`);
    if (method === 'POST' || method === 'PUT') t.truthy(operation.requestBody, `${method} ${url} documents its body`);
  }
  t.truthy(document.paths['/v1/messages']!['post']!.responses['202']);
  t.truthy(document.paths['/v1/messages']!['post']!.responses['409'] ?? document.paths['/v1/messages']!['post']!.responses['4XX']);
});
