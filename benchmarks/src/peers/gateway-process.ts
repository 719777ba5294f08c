// The gateway under benchmark in its own process: `gateway-process.ts gateway|bare PORT [SMSC_PORT [STORE]]`.
// `gateway`: the whole gateway with a scratch store (or the SQLite file STORE), bound to the SMSC
// on 127.0.0.1:SMSC_PORT (an smpp-sim in another process, system_id gateway, password secret), or
// to its embedded simulator when no SMSC_PORT is given. `bare`: our SIP stack answering every
// MESSAGE 202 at once, the floor under the gateway. Prints {"port","boundAt"} when ready (boundAt:
// the wall time, ms, at which the first bind was seen up, polled every millisecond).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { Runtime } from '@switchboard/actor';
import { createResponse, startStack } from '@switchboard/sip';
import { loadConfig, startGateway } from '@switchboard/gateway';

const [kind = 'gateway', portText = '5060', smscPort, storePath] = process.argv.slice(2);
const port = Number(portText);
const runtime = new Runtime();
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
  const gateway = await startGateway(runtime, loadConfig({ env: { SWITCHBOARD_SIP_PORT: String(port), ...smsc, SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_STORE_PATH: storePath ?? join(dir, 'gateway.sqlite'), SWITCHBOARD_SMPP_WINDOW: '100', SWITCHBOARD_AUTH_MODE: 'off' } }));
  while (gateway.pool.boundCount === 0) await new Promise((r) => setTimeout(r, 1));
}
process.stdout.write(`${JSON.stringify({ port, boundAt: performance.timeOrigin + performance.now() })}\n`);
