// The gateway over SIP over WebSocket (RFC 7118), proved with a client nobody here wrote: SIP.js
// 0.21 in headless Chromium (Debian's chromium, driven by playwright-core) and in Node (with the
// `ws` package as its WebSocket). Each registers as the demo user with digest credentials over
// ws://, sends a MESSAGE that reaches the SMSC simulator, and receives a mobile-originated message
// over its own WebSocket. The SIP.js client code is shared: fixtures/websocket/sip-client.js.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import test from 'ava';
import { WebSocket } from 'ws';
import { chromium } from 'playwright-core';
import { Runtime } from '@switchboard/actor';
import { loadConfig, startGateway, type Gateway } from '@switchboard/gateway';
import { freePort } from '@switchboard/test-support';
import { bound, gatewayEnvironment } from './support/gateway.js';

const CHROMIUM = '/usr/bin/chromium';
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'websocket');
/** The installed sip.js package (its lib/ holds ES modules with relative imports only). */
const SIPJS = dirname(createRequire(import.meta.url).resolve('sip.js/package.json'));
/** The `ws` package's WebSocket, for SIP.js in Node (Node 20 has no global WebSocket). */
const NodeWebSocket: unknown = WebSocket;
const USER = '447700900123';
const PASSWORD = 'switchboard';
const DOMAIN = 'switchboard.local';

/** What fixtures/websocket/sip-client.js exports, typed for the Node test. */
interface SipClient {
  readonly received: { from: string; body: string; contentType: string | undefined }[];
  readonly contact: string;
  send(to: string, text: string): Promise<number>;
  stop(): Promise<void>;
}
type StartSipClient = (sipjs: unknown, options: { server: string; user: string; password: string; domain: string }) => Promise<SipClient>;

async function wsGateway(): Promise<{ gateway: Gateway; server: string }> {
  const wsPort = await freePort();
  // SIP.js 0.21 keeps only the last WWW-Authenticate row of a 401 and answers only MD5: the
  // default challenge (MD5, then SHA-256) leaves it with SHA-256, which it gives up on.
  const env = await gatewayEnvironment({ SWITCHBOARD_SIP_WS_PORT: String(wsPort), SWITCHBOARD_AUTH_ALGORITHMS: 'MD5' });
  const gateway = await startGateway(new Runtime(), loadConfig({ env }));
  await bound(gateway);
  return { gateway, server: `ws://127.0.0.1:${wsPort}` };
}

/** Polls (wall time, at most 10 s) until `done`. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`never: ${what}`);
}

/** Serves the page, the shared client and the sip.js package's files. */
async function pageServer(): Promise<{ server: Server; port: number }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = path === '/' ? join(FIXTURES, 'page.html') : path === '/sip-client.js' ? join(FIXTURES, 'sip-client.js') : path.startsWith('/sip.js/lib/') ? join(SIPJS, path.slice('/sip.js/'.length)) : undefined;
    if (file === undefined || !existsSync(file)) {
      response.writeHead(404).end(); // favicon.ico
      return;
    }
    response.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new TypeError('no address');
  return { server, port: address.port };
}

function submittedTo(gateway: Gateway, destination: string): string[] {
  return gateway.simulator!.submitted.filter((m) => (m.pdu as { destination_addr: string }).destination_addr === destination).map((m) => (m.pdu as { short_message: Buffer }).short_message.toString('latin1'));
}

(existsSync(CHROMIUM) ? test : test.skip)('SIP.js in headless Chromium registers over ws://, sends a MESSAGE to the SMSC and receives an MO message', async (t) => {
  const { gateway, server } = await wsGateway();
  const page = await pageServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  t.teardown(async () => {
    await browser.close();
    page.server.close();
    await gateway.stop();
  });
  const tab = await browser.newPage();
  tab.on('console', (message) => t.log(`page: ${message.text()}`));
  const query = new URLSearchParams({ server, user: USER, password: PASSWORD, domain: DOMAIN });
  await tab.goto(`http://127.0.0.1:${page.port}/?${query.toString()}`);
  await tab.waitForFunction(() => (globalThis as unknown as { sipTest?: { state: string } }).sipTest?.state !== 'starting', undefined, { timeout: 15_000 });
  t.is(await tab.evaluate(() => (globalThis as unknown as { sipTest: { state: string } }).sipTest.state), 'registered');
  t.is(gateway.stack.stats().connections, 1, 'one WebSocket');
  const contact = await tab.evaluate(() => (globalThis as unknown as { sipTest: { client: { contact: string } } }).sipTest.client.contact);
  t.regex(contact, /\.invalid;transport=ws/);
  t.is((await gateway.store.bindings(`sip:${USER}@${DOMAIN}`, Date.now())).length, 1);

  // browser → gateway → SMSC (the 401 answered by SIP.js with the demo user's credentials)
  const status = await tab.evaluate(async () => (globalThis as unknown as { sipTest: { client: { send(to: string, text: string): Promise<number> } } }).sipTest.client.send('sip:447700900999@switchboard.local', 'Hello from Chromium'));
  t.is(status, 202, 'accepted for the SMSC');
  await until(() => submittedTo(gateway, '447700900999').length === 1, 'the submit_sm');
  t.deepEqual(submittedTo(gateway, '447700900999'), ['Hello from Chromium']);

  // SMSC → gateway → the browser, over its own WebSocket
  gateway.simulator!.deliver('gateway', { source_addr: '447700900888', destination_addr: USER, short_message: Buffer.from('Hi browser') });
  await tab.waitForFunction(() => (globalThis as unknown as { sipTest: { received: unknown[] } }).sipTest.received.length > 0, undefined, { timeout: 10_000 });
  const received = await tab.evaluate(() => (globalThis as unknown as { sipTest: { received: { from: string; body: string }[] } }).sipTest.received);
  t.deepEqual(
    received.map((m) => ({ from: m.from, body: m.body })),
    [{ from: '447700900888', body: 'Hi browser' }],
  );
  await until(() => gateway.pool.counters.moDelivered === 1, 'the MO counted as delivered');
});

test('SIP.js in Node (ws as its WebSocket) registers, sends a MESSAGE and receives an MO message', async (t) => {
  // Node 20 has no global WebSocket; SIP.js's transport calls `new WebSocket(server, "sip")`.
  const global = globalThis as { WebSocket?: unknown };
  const before = global.WebSocket;
  global.WebSocket = NodeWebSocket;
  const { gateway, server } = await wsGateway();
  let client: SipClient | undefined;
  t.teardown(async () => {
    await client?.stop().catch(() => {});
    await gateway.stop();
    global.WebSocket = before;
  });
  const sipjs: unknown = await import('sip.js');
  const { startSipClient } = (await import(pathToFileURL(join(FIXTURES, 'sip-client.js')).href)) as { startSipClient: StartSipClient };
  client = await startSipClient(sipjs, { server, user: USER, password: PASSWORD, domain: DOMAIN });
  t.regex(client.contact, /\.invalid;transport=ws/);

  t.is(await client.send('sip:447700900777@switchboard.local', 'Hello from Node'), 202);
  await until(() => submittedTo(gateway, '447700900777').length === 1, 'the submit_sm');
  t.deepEqual(submittedTo(gateway, '447700900777'), ['Hello from Node']);

  gateway.simulator!.deliver('gateway', { source_addr: '447700900666', destination_addr: USER, short_message: Buffer.from('Hi Node') });
  await until(() => client!.received.length === 1, 'the MO MESSAGE over the WebSocket');
  t.is(client.received[0]!.from, '447700900666');
  t.is(client.received[0]!.body, 'Hi Node');
});

test('sip.wsPort 0 (the default) opens no WebSocket listener', async (t) => {
  const gateway = await startGateway(new Runtime(), loadConfig({ env: await gatewayEnvironment() }));
  t.teardown(() => gateway.stop());
  t.is(gateway.config.sip.wsPort, 0);
  t.is(gateway.stack.listener('WS'), undefined);
});
