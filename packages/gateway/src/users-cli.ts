#!/usr/bin/env node
// `pnpm users`: adds, removes and lists the users who may REGISTER and send MESSAGEs, in the store
// the gateway's configuration names (the same --config / SWITCHBOARD_* settings as `pnpm start`).
// Passwords are read from standard input, never from the command line, and stored as HA1s only.
import { text } from 'node:stream/consumers';
import { cliConfig, cliStore, fail } from './cli-setup.js';
import { UserError, addUser } from './users.js';

const USAGE = `usage: pnpm users add <username>     the password is read from standard input (first line)
       pnpm users remove <username>
       pnpm users list
(installed from npm, the command is switchboard-users: switchboard-users add <username> …)
The store (store.path, or store.url for PostgreSQL) and the realm (sip.domain) come from --config FILE or SWITCHBOARD_CONFIG, and SWITCHBOARD_* variables, as for pnpm start.
Example: printf '%s\\n' 'a long passphrase' | pnpm users add 447700900555
`;

const { config, args } = cliConfig();
const [command, username] = args;
const store = await cliStore(config);
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
