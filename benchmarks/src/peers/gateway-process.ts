// The gateway under benchmark in its own process:
//   gateway-process.ts gateway|bare PORT [SMSC_PORT [STORE [SWITCHBOARD_X=value … ] [report-binds]]]
// `gateway`: the whole gateway with a scratch SQLite store, or STORE: an SQLite file, or a
// PostgreSQL URL (`postgres://…`, store.url), bound to the SMSC on 127.0.0.1:SMSC_PORT (an smpp-sim
// in another process, system_id gateway, password secret), or to its embedded simulator when no
// SMSC_PORT is given. `SWITCHBOARD_X=value` arguments are more settings (a node's name, its binds).
// `bare`: our SIP stack answering every MESSAGE 202 at once, the floor under the gateway. Prints
// {"port","boundAt"} when ready (boundAt: the wall time, ms, at which the first bind was seen up,
// polled every millisecond); with `report-binds`, then {"bound":n} each time its count of binds up
// changes (nodes sharing binds through leases settle on their share after the first is up).
// `gateway` also makes an HTTP API key in its store whose rate limit no step reaches, and adds
// "httpPort" and "token" to that line, for the HTTP path's load (docs/http-api.md).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { Runtime } from '@switchboard/actor';
import { createResponse, startStack } from '@switchboard/sip';
import { createApiKey, loadConfig, startGateway } from '@switchboard/gateway';

const [kind = 'gateway', portText = '5060', smscPort, storeArg, ...rest] = process.argv.slice(2);
const port = Number(portText);
const settings = Object.fromEntries(rest.filter((arg) => /^SWITCHBOARD_[A-Z_]+=/.test(arg)).map((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]));
const reportBinds = rest.includes('report-binds');
// SIGTERM ends the process through exit(), so that a --cpu-prof profile is written
process.on('SIGTERM', () => process.exit(0));
const runtime = new Runtime();
let bound: (() => number) | undefined;
let http: { httpPort: number; token: string } | undefined;
/** The bench key's rate limit: above any step's rate (the schema's maximum), so that no step is answered 429. */
const UNLIMITED = 100_000;
if (kind === 'bare') {
  await startStack(runtime, {
    listen: [{ transport: 'udp', port }],
    core: () => ({
      receiveRequest: (request, transaction) => transaction?.respond(createResponse(request, request.method === 'MESSAGE' ? 202 : 200)),
      receiveResponse: () => {},
      receiveError: () => {},
    }),
  });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const smsc = smscPort === undefined ? { SWITCHBOARD_SMPP_PORT: '0' } : { SWITCHBOARD_SMPP_HOST: '127.0.0.1', SWITCHBOARD_SMPP_PORT: smscPort, SWITCHBOARD_SMPP_SYSTEM_ID: 'gateway', SWITCHBOARD_SMPP_PASSWORD: 'secret' };
  const store = storeArg?.startsWith('postgres://') === true ? { SWITCHBOARD_STORE_URL: storeArg } : { SWITCHBOARD_STORE_PATH: storeArg ?? join(dir, 'gateway.sqlite') };
  // every listener on a port of its own (several nodes run at once; tests may hold the defaults)
  const env = { SWITCHBOARD_SIP_PORT: String(port), ...smsc, SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', ...store, SWITCHBOARD_SMPP_WINDOW: '100', SWITCHBOARD_AUTH_MODE: 'off', ...settings };
  // a gateway that cannot start must end this process: the suite waits for its line or its exit
  const gateway = await startGateway(runtime, loadConfig({ env })).catch((error: unknown) => {
    process.stderr.write(`gateway-process: the gateway did not start: ${String(error)}\n`);
    process.exit(1);
  });
  while (gateway.pool.boundCount === 0) await new Promise((r) => setTimeout(r, 1));
  bound = () => gateway.pool.boundCount;
  const key = await createApiKey(gateway.store.api, { name: 'bench', ratePerSecond: UNLIMITED, burst: UNLIMITED, now: Date.now() });
  http = { httpPort: gateway.httpPort, token: key.token };
}
process.stdout.write(`${JSON.stringify({ port, ...http, boundAt: performance.timeOrigin + performance.now() })}\n`);
if (reportBinds && bound !== undefined) {
  let last = -1;
  setInterval(() => {
    const now = bound!();
    if (now !== last) process.stdout.write(`${JSON.stringify({ bound: now })}\n`);
    last = now;
  }, 50);
}
