// The gateway under benchmark in its own process: `gateway-process.ts gateway|bare PORT`.
// `gateway`: the whole gateway with its embedded simulator and a scratch store. `bare`: our SIP stack
// answering every MESSAGE 202 at once, the floor under the gateway. Prints {"port"} when ready.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime } from '@switchboard/actor';
import { createResponse, startStack } from '@switchboard/sip';
import { loadConfig, startGateway } from '@switchboard/gateway';

const [kind = 'gateway', portText = '5060'] = process.argv.slice(2);
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
  const gateway = await startGateway(runtime, loadConfig({ env: { SWITCHBOARD_SIP_PORT: String(port), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_SMPP_WINDOW: '100', SWITCHBOARD_AUTH_MODE: 'off' } }));
  while (gateway.pool.boundCount === 0) await new Promise((r) => setTimeout(r, 10));
}
process.stdout.write(`${JSON.stringify({ port })}\n`);
