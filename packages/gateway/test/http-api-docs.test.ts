// docs/http-api.md as a newcomer runs it: every ```sh block with a curl in it is run by bash, in
// the page's order, against a started API (with $API, $ADMIN_TOKEN, $TOKEN and $MESSAGE_ID set as
// the page says), and must exit 0 with a 2xx answer, or the status its `# answers NNN` comment
// says. The page's token recipe must make a token the API takes.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import type { ApiStore, CreatedMessage, NewApiMessage } from '../src/api-store.js';
import { SqliteStore } from '../src/sqlite-store.js';
import { createApiKey, ensureAdminKey, parseToken, startHttpApi, type ApiBackend } from '@switchboard/gateway';

const run = promisify(execFile);
const DOC = fileURLToPath(new URL('../../../docs/http-api.md', import.meta.url));

/** The page's ```sh blocks, in order. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

function backendOver(store: ApiStore): ApiBackend {
  return {
    store,
    configuredConnectors: ['smsc'],
    now: () => Date.now(),
    partsOf: (text) => Math.max(1, Math.ceil(text.length / 153)),
    accept: (message: NewApiMessage): Promise<CreatedMessage> =>
      store.createMessage(
        message,
        { senderAor: null, source: message.from, sourceTon: 0, sourceNpi: 1, destination: message.to, destinationTon: 0, text: message.text, sipMessageId: message.id, createdAt: message.createdAt, apiMessageId: message.id },
        { now: Date.now(), until: Date.now() + 30_000 },
      ),
    routingChanged: () => Promise.resolve(),
    connectorStatus: () => Promise.resolve([]),
  };
}

test('every curl example of docs/http-api.md runs against the API and gets the status the page says', async (t) => {
  const blocks = shellBlocks(readFileSync(DOC, 'utf8'));
  const curlBlocks = blocks.filter((block) => /\bcurl\b/.test(block));
  t.true(curlBlocks.length >= 10, `found ${curlBlocks.length} curl blocks`);

  const sqlite = new SqliteStore(':memory:');
  const backend = backendOver(sqlite.api);
  // the page's recipe for the admin token, run as written
  const recipe = blocks.find((block) => block.includes('/dev/urandom'));
  t.truthy(recipe);
  const adminToken = (await run('bash', ['-c', recipe!])).stdout.trim();
  t.truthy(parseToken(adminToken), `the recipe made ${adminToken}`);
  await ensureAdminKey(sqlite.api, adminToken, Date.now());
  const { token } = await createApiKey(sqlite.api, { name: 'docs', now: Date.now() });
  const api = await startHttpApi({ host: '127.0.0.1', port: 0, backend });
  t.teardown(async () => {
    await api.close();
    await sqlite.close();
  });
  const base = `http://127.0.0.1:${api.port}`;
  const submitted = await fetch(`${base}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ to: '+447700900123', from: 'Shop', text: 'hi' }) });
  const { id } = (await submitted.json()) as { id: string };

  const env = { ...process.env, API: base, ADMIN_TOKEN: adminToken, TOKEN: token, MESSAGE_ID: id };
  // each curl also prints its status on a line of its own, after the body
  const wrapper = `curl() { command curl "$@" -w '\\n__status__ %{http_code}\\n'; }\n`;
  for (const block of curlBlocks) {
    const expected = /# answers (\d{3})/.exec(block)?.[1];
    const { stdout } = await run('bash', ['-e', '-c', wrapper + block], { env });
    const statuses = [...stdout.matchAll(/^__status__ (\d{3})$/gm)].map((match) => match[1]!);
    t.true(statuses.length > 0, `no answer to:\n${block}`);
    for (const status of statuses) {
      if (expected !== undefined) t.is(status, expected, block);
      else t.regex(status, /^2\d\d$/, `${block}\n${stdout}`);
    }
    // what curl printed is JSON (or nothing, for a 204)
    const printed = stdout.replace(/\n?__status__ \d{3}\n/g, '').trim();
    if (printed !== '') t.notThrows(() => JSON.parse(printed), block);
  }
});
