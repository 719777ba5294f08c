// Connectors changed at run time through the admin API: a new one binds under its own supervisor
// and takes its route's traffic; a change of its settings rebinds it elsewhere; a receiver-only
// connector takes MO texts but is never submitted on; a removed one unbinds and gives its leases
// back; the status page shows connectors and routes; a system error fails over to the next target.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Runtime, whichChildren, type SupervisorPid } from '@switchboard/actor';
import { CommandStatus, McSimulator } from '@switchboard/smpp';
import { loadConfig, startGateway, type GatewayStatus } from '@switchboard/gateway';
import { freePort } from '@switchboard/test-support';
import { bound } from './support/gateway.js';
import { apiCaller, type ApiAnswer } from './support/http.js';
import { until } from './support/wait.js';

const ADMIN = `k_qrstuvwxyzabcdef.${'connectors-admin-'.padEnd(43, 'y')}`;


test('connectors added, changed and removed at run time; a receiver takes MO only; a system error fails over', async (t) => {
  const runtime = new Runtime();
  const configured = await McSimulator.start(runtime, { credentials: { gateway: 'secret' }, receiptDelay: 3_600_000 });
  const first = await McSimulator.start(runtime, { credentials: { acct: 'pw' }, receiptDelay: 3_600_000 });
  const second = await McSimulator.start(runtime, { credentials: { acct: 'pw' }, receiptDelay: 3_600_000 });
  const inbound = await McSimulator.start(runtime, { credentials: { rx: 'pw' } });
  const dir = mkdtempSync(join(tmpdir(), 'gateway-connectors-'));
  const gateway = await startGateway(
    runtime,
    loadConfig({
      env: {
        SWITCHBOARD_SIP_PORT: String(await freePort()),
        SWITCHBOARD_SMPP_HOST: '127.0.0.1',
        SWITCHBOARD_SMPP_PORT: String(configured.port),
        SWITCHBOARD_STATUS_PORT: '0',
        SWITCHBOARD_HTTP_PORT: '0',
        SWITCHBOARD_HTTP_ADMIN_KEY: ADMIN,
        SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'),
        SWITCHBOARD_AUTH_MODE: 'off',
      },
    }),
  );
  const api = apiCaller(gateway.httpPort);
  const call = (method: string, path: string, body?: unknown): Promise<ApiAnswer> => api(method, path, ADMIN, body);
  const send = async (to: string): Promise<string> => {
    const answer = await call('POST', '/v1/messages', { to, from: 'Shop', text: `to ${to}` });
    t.is(answer.status, 202, JSON.stringify(answer.json));
    return answer.json.id as string;
  };
  const connectorChildren = async (): Promise<string[]> => {
    const root = (await whichChildren(gateway.supervisor)).find((c) => c.id === 'connectors');
    return (await whichChildren(root!.pid as SupervisorPid)).map((c) => c.id).sort();
  };
  try {
    await bound(gateway);
    // a connector with two binds, and a route for +33 to it
    t.is((await call('PUT', '/v1/admin/connectors/fr', { host: '127.0.0.1', port: first.port, systemId: 'acct', password: 'pw', binds: 2 })).status, 201);
    t.is((await call('PUT', '/v1/admin/routes/mt/fr', { prefix: '33', targets: [{ connector: 'fr' }] })).status, 201);
    t.deepEqual(await connectorChildren(), ['fr']);
    await until('both binds of fr up', () => first.bound.length === 2);
    await send('+33612345678');
    await until('the French message at fr', () => first.submitted.length === 1);
    await send('+447700900123');
    await until('the other message at the configured SMSC', () => configured.submitted.length === 1);

    // its settings change: it unbinds from the first SMSC and binds to the second
    t.is((await call('PUT', '/v1/admin/connectors/fr', { host: '127.0.0.1', port: second.port, systemId: 'acct', password: 'pw', binds: 1 })).status, 200);
    await until('fr moved to the second SMSC', () => first.bound.length === 0 && second.bound.length === 1);
    await send('+33699999999');
    await until('the next French message at the second SMSC', () => second.submitted.length === 1);

    // a receiver-only connector: MO texts come in on it; routes cannot send through it
    t.is((await call('PUT', '/v1/admin/connectors/rx', { host: '127.0.0.1', port: inbound.port, systemId: 'rx', password: 'pw', bindType: 'receiver' })).status, 201);
    await until('rx bound as a receiver', () => inbound.bound.some((b) => b.mode === 'receiver'));
    const refused = await call('PUT', '/v1/admin/routes/mt/rx', { prefix: '49', targets: [{ connector: 'rx' }] });
    t.is(refused.status, 409, JSON.stringify(refused.json));
    t.deepEqual((await call('GET', '/v1/admin/routes/mt/rx')).status, 404, 'the refused route was rolled back');
    t.is((await call('PUT', '/v1/admin/routes/mo/inbox', { prefix: '', sipUser: 'inbox' })).status, 201);
    t.true(inbound.deliver('rx', { source_addr: '447700900777', destination_addr: '4000', short_message: Buffer.from('in via rx') }));
    await until('the MO text stored for sip:inbox', async () => (await gateway.store.pendingFor('sip:inbox@switchboard.local')).length === 1);
    t.is((await gateway.store.pendingFor('sip:inbox@switchboard.local'))[0]!.text, 'in via rx');

    // the status page shows them
    const status = (await (await fetch(`http://127.0.0.1:${gateway.statusPort}/status.json`)).json()) as GatewayStatus;
    t.deepEqual(
      status.routing.connectors.map((c) => [c.name, c.bindType, c.bindsUp]),
      [
        ['smsc', 'transceiver', 1],
        ['fr', 'transceiver', 1],
        ['rx', 'receiver', 1],
      ],
    );
    t.deepEqual(status.routing.mt.map((r) => r.name), ['fr']);
    t.regex(await (await fetch(`http://127.0.0.1:${gateway.statusPort}/`)).text(), /<td>fr<\/td><td>127\.0\.0\.1:\d+<\/td><td>transceiver<\/td>/);

    // a system error at fr moves the message on to the route's next target
    t.is((await call('PUT', '/v1/admin/routes/mt/fr', { prefix: '33', targets: [{ connector: 'fr' }, { connector: 'smsc', priority: 2 }] })).status, 200);
    second.inject({ status: CommandStatus.ESME_RSYSERR, count: 1 });
    const failedOver = await send('+33600000001');
    await until('the message at the configured SMSC after fr refused it', () => configured.submitted.length === 2);
    const message = await call('GET', `/v1/messages/${failedOver}`);
    t.like((message.json.parts as unknown[])[0], { connector: 'smsc', submitStatus: 0 });

    // a connector a route uses cannot go; once the route is gone it can: its binds stop, its leases are given back
    t.is((await call('DELETE', '/v1/admin/connectors/fr')).status, 409);
    t.is((await call('DELETE', '/v1/admin/routes/mt/fr')).status, 204);
    t.is((await call('DELETE', '/v1/admin/connectors/fr')).status, 204);
    await until('fr unbound', () => second.bound.length === 0);
    t.deepEqual(await connectorChildren(), ['rx']);
    const leases = (await gateway.store.clusterView()).leases.filter((l) => l.bind.startsWith('fr/'));
    t.true(leases.every((l) => l.owner === null), JSON.stringify(leases));
    // the configured connector cannot be replaced through the API
    t.is((await call('PUT', '/v1/admin/connectors/smsc', { host: '127.0.0.1', port: second.port, systemId: 'acct', password: 'pw' })).status, 409);
  } finally {
    await gateway.stop();
    for (const smsc of [configured, first, second, inbound]) await smsc.close({ timeout: 200 });
  }
});
