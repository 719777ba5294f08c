#!/usr/bin/env node
// smpp-sim: run McSimulator as an SMSC stand-in until SIGINT / SIGTERM.
//   smpp-sim --port 2775 --user esme01:secret --receipt-delay 1000 --throttle 100
// Binds need credentials unless --open is given: without --user, one account is made up at start
// (system_id smppclient1, a random password) and printed.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Runtime } from '@switchboard/actor';
import { McSimulator } from './simulator.js';

const DEFAULT_SYSTEM_ID = 'smppclient1';

const USAGE = `usage: smpp-sim [--host 127.0.0.1] [--port 2775] [--user system_id:password]... [--open]
                [--receipt-delay ms] [--receipt-state DELIVERED|UNDELIVERABLE|...] [--throttle submits-per-second]
                [--system-id SMPPSIM] [--keep-submitted 1000] [--max-binds N]
                [--max-bind-failures 5] [--bind-failure-window ms] [--lockout ms]

--host: the address to listen on; 127.0.0.1 (this machine only) unless told otherwise, e.g.
--host 0.0.0.0 to take binds from other machines.
Binds are checked against --user accounts (repeat it for several). Without --user, the simulator
accepts one account, system_id ${DEFAULT_SYSTEM_ID} with a random password printed at start.
--open accepts every bind, whatever its system_id and password (only on a trusted network).
A failed bind is answered after 1 s, doubling up to 4 s; --max-bind-failures failures of one
system_id within --bind-failure-window ms (default 60000), or four times as many from one address,
lock it out for --lockout ms (default 300000): its binds get ESME_RBINDFAIL.
--keep-submitted: how many accepted messages are kept for inspection (counters cover all).
--max-binds: most sessions bound at once per system_id (an operator's bind limit); one more is
answered ESME_RBINDFAIL until another unbinds. Default unlimited.
Set DEBUG=switchboard:smpp:* to see each PDU.`;

function fail(message: string): never {
  process.stderr.write(`smpp-sim: ${message}\n${USAGE}\n`);
  process.exit(64);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      // loopback unless told otherwise: a test SMSC should not be reachable from the network by default
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '2775' },
      user: { type: 'string', multiple: true },
      open: { type: 'boolean', default: false },
      'receipt-delay': { type: 'string', default: '1000' },
      'receipt-state': { type: 'string', default: 'DELIVERED' },
      throttle: { type: 'string' },
      'system-id': { type: 'string', default: 'SMPPSIM' },
      'keep-submitted': { type: 'string', default: '1000' },
      'max-bind-failures': { type: 'string', default: '5' },
      'bind-failure-window': { type: 'string', default: '60000' },
      lockout: { type: 'string', default: '300000' },
      'max-binds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const number = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a whole number, got '${text}'`);
  return n;
};
if (values.open && values.user?.length) fail('--open and --user exclude each other');
let credentials: Record<string, string> | undefined;
if (values.user?.length) {
  credentials = Object.fromEntries(
    values.user.map((pair) => {
      const at = pair.indexOf(':');
      if (at <= 0) fail(`--user takes system_id:password, got '${pair}'`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
} else if (!values.open) {
  // Safe by default: a made-up password (8 characters, the most a v3.4 password holds, §4.1.1).
  const password = randomBytes(6).toString('base64url');
  credentials = { [DEFAULT_SYSTEM_ID]: password };
  process.stdout.write(`smpp-sim: no --user given; bind as system_id ${DEFAULT_SYSTEM_ID}, password ${password}\n`);
}
const states = ['DELIVERED', 'EXPIRED', 'DELETED', 'UNDELIVERABLE', 'ACCEPTED', 'UNKNOWN', 'REJECTED'] as const;
const receiptState = states.find((s) => s === values['receipt-state']) ?? fail(`--receipt-state must be one of ${states.join(', ')}`);
const throttle = number('throttle', values.throttle);
const maxFailures = number('max-bind-failures', values['max-bind-failures'])!;
if (maxFailures < 1) fail('--max-bind-failures must be at least 1');
const maxBinds = number('max-binds', values['max-binds']);
if (maxBinds === 0) fail('--max-binds must be at least 1');

const runtime = new Runtime();
const simulator = await McSimulator.start(runtime, {
  host: values.host,
  port: number('port', values.port)!,
  receiptDelay: number('receipt-delay', values['receipt-delay'])!,
  receiptState,
  systemId: values['system-id'],
  keepSubmitted: number('keep-submitted', values['keep-submitted'])!,
  bindFailures: {
    maxFailures,
    maxFailuresPerAddress: maxFailures * 4,
    window: number('bind-failure-window', values['bind-failure-window'])!,
    lockoutTime: number('lockout', values.lockout)!,
  },
  ...(credentials === undefined ? {} : { credentials }),
  ...(throttle === undefined ? {} : { throttle }),
  ...(maxBinds === undefined ? {} : { maxBinds }),
});
let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  simulator.close().then(
    () => {
      process.stdout.write(`smpp-sim closed; ${simulator.stats.submitted} message(s) accepted\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`smpp-sim: close failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
// Said once the handlers are in place: a signal sent as soon as this line is read stops the
// simulator cleanly (status 0) instead of killing the process.
process.stdout.write(`smpp-sim listening on ${values.host}:${simulator.port}${values.open ? ' (open: every bind accepted)' : ''}\n`);
