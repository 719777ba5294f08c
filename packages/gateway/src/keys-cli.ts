#!/usr/bin/env node
// `pnpm keys`: makes, lists and removes the HTTP API's keys in the store the gateway's configuration
// names (the same --config / SWITCHBOARD_* settings as `pnpm start`), so a gateway started with its
// embedded defaults can be used over HTTP at once. A key's token is printed once, when it is made:
// the store keeps only its hash.
import { cliConfig, cliStore, fail } from './cli-setup.js';
import { createApiKey } from './http-api/keys.js';

const USAGE = `usage: pnpm keys add <name> [--admin] [--rate N] [--burst N] [--callback URL]
       pnpm keys remove <key id>
       pnpm keys list
(installed from npm, the command is switchboard-keys: switchboard-keys add <name> …)
add prints the key's token (shown only this once) and the secret its webhooks are signed with.
The store (store.path, or store.url for PostgreSQL) comes from --config FILE or SWITCHBOARD_CONFIG,
and SWITCHBOARD_* variables, as for pnpm start. A running gateway sees a new key at once.
Example: pnpm keys add shop --rate 50 --callback https://shop.example/sms-receipts
`;

/** The value after `--name`, taken out of `args`; undefined when absent. */
function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) fail(`${name} needs a value\n\n${USAGE}`, 64);
  args.splice(at, 2);
  return value;
}

function count(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 100_000) fail(`${name}: expected a whole number from 1 to 100000, got ${JSON.stringify(text)}`, 64);
  return value;
}

const { config, args } = cliConfig();
const admin = args.includes('--admin');
if (admin) args.splice(args.indexOf('--admin'), 1);
const ratePerSecond = count(option(args, '--rate'), '--rate');
const burst = count(option(args, '--burst'), '--burst');
const callbackUrl = option(args, '--callback');
if (callbackUrl !== undefined) {
  let url: URL | undefined;
  try {
    url = new URL(callbackUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || callbackUrl.length > 2048) fail(`--callback: expected an http(s) URL, got ${JSON.stringify(callbackUrl)}`, 64);
}
const [command, name, ...rest] = args;
if (rest.length > 0 || command === undefined) fail(USAGE, 64);
if (command === 'add' && (name === undefined || !/^[\x20-\x7e]{1,100}$/.test(name))) fail(`a key's name is 1 to 100 printable characters\n\n${USAGE}`, 64);

const store = await cliStore(config);
try {
  if (command === 'list' && name === undefined) {
    for (const key of await store.api.keys()) process.stdout.write(`${key.id}\t${key.name}\t${key.admin ? 'admin' : 'client'}\t${key.ratePerSecond}/s burst ${key.burst}\t${key.callbackUrl ?? '-'}\n`);
  } else if (command === 'remove' && name !== undefined) {
    if (!(await store.api.removeKey(name))) fail(`no key ${name}`, 1);
    process.stdout.write(`removed ${name}\n`);
  } else if (command === 'add' && name !== undefined) {
    const { token, key } = await createApiKey(store.api, { name, admin, now: Date.now(), ...(ratePerSecond === undefined ? {} : { ratePerSecond }), ...(burst === undefined ? {} : { burst }), ...(callbackUrl === undefined ? {} : { callbackUrl }) });
    process.stdout.write(`token ${token}\nwebhook secret ${key.webhookSecret}\n`);
  } else fail(USAGE, 64);
} finally {
  await store.close();
}
