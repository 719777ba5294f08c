#!/usr/bin/env node
// `pnpm users`: adds, removes and lists the users who may REGISTER and send MESSAGEs, in the store
// the gateway's configuration names (the same --config / SWITCHBOARD_* settings as `pnpm start`).
// Passwords are read from standard input, never from the command line, and stored as HA1s only.
import { text } from 'node:stream/consumers';
import { ConfigError, commandLineConfig, type GatewayConfig } from './config.js';
import { openStore } from './open-store.js';
import { StartExit, startFailure } from './start-failure.js';
import type { Store } from './store.js';
import { UserError, addUser } from './users.js';

const USAGE = `usage: pnpm users add <username>     the password is read from standard input (first line)
       pnpm users remove <username>
       pnpm users list
(installed from npm, the command is switchboard-users: switchboard-users add <username> …)
The store (store.path, or store.url for PostgreSQL) and the realm (sip.domain) come from --config FILE or SWITCHBOARD_CONFIG, and SWITCHBOARD_* variables, as for pnpm start.
Example: printf '%s\\n' 'a long passphrase' | pnpm users add 447700900555
`;

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

// Relative paths (--config, store.path) are read from where `pnpm users` was run, as for `pnpm start`.
let config: GatewayConfig;
let args: string[];
try {
  ({ config, args } = commandLineConfig(process.argv.slice(2), process.env));
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, StartExit.CONFIG);
  throw error;
}
const [command, username] = args;

let store: Store;
try {
  store = await openStore(config.store, { synchronous: 'full' });
} catch (error) {
  const failure = startFailure(error, config);
  fail(failure.message, failure.exitStatus);
}
try {
  if (command === 'list' && username === undefined) {
    for (const name of await store.usernames()) process.stdout.write(`${name}\n`);
  } else if (command === 'remove' && username !== undefined) {
    if (!(await store.removeUser(username))) fail(`no user ${username}`, 1);
    process.stdout.write(`removed ${username}\n`);
  } else if (command === 'add' && username !== undefined) {
    if (process.stdin.isTTY) process.stderr.write(`password for ${username} (then Enter and Ctrl-D): `);
    const password = (await text(process.stdin)).split(/\r?\n/)[0] ?? '';
    await addUser(store, username, password, config.sip.domain);
    process.stdout.write(`added ${username} for realm ${config.sip.domain}\n`);
  } else fail(USAGE, 64);
} catch (error) {
  if (error instanceof UserError) fail(error.message, 65);
  throw error;
} finally {
  await store.close();
}
