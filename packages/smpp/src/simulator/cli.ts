// smpp-sim: run McSimulator as an SMSC stand-in until SIGINT / SIGTERM.
//   smpp-sim --port 2775 --user esme01:secret --receipt-delay 1000 --throttle 100
import { parseArgs } from 'node:util';
import { Runtime } from '@switchboard/actor';
import { McSimulator } from './simulator.js';

const USAGE = `usage: smpp-sim [--host 0.0.0.0] [--port 2775] [--user system_id:password]... [--receipt-delay ms]
                [--receipt-state DELIVERED|UNDELIVERABLE|...] [--throttle submits-per-second] [--system-id SMPPSIM]
Without --user, every bind is accepted. Set DEBUG=switchboard:smpp:* to see each PDU.`;

function fail(message: string): never {
  process.stderr.write(`smpp-sim: ${message}\n${USAGE}\n`);
  process.exit(64);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      host: { type: 'string', default: '0.0.0.0' },
      port: { type: 'string', default: '2775' },
      user: { type: 'string', multiple: true },
      'receipt-delay': { type: 'string', default: '1000' },
      'receipt-state': { type: 'string', default: 'DELIVERED' },
      throttle: { type: 'string' },
      'system-id': { type: 'string', default: 'SMPPSIM' },
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
const credentials = values.user?.length
  ? Object.fromEntries(
      values.user.map((pair) => {
        const at = pair.indexOf(':');
        if (at <= 0) fail(`--user takes system_id:password, got '${pair}'`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    )
  : undefined;
const states = ['DELIVERED', 'EXPIRED', 'DELETED', 'UNDELIVERABLE', 'ACCEPTED', 'UNKNOWN', 'REJECTED'] as const;
const receiptState = states.find((s) => s === values['receipt-state']) ?? fail(`--receipt-state must be one of ${states.join(', ')}`);
const throttle = number('throttle', values.throttle);

const runtime = new Runtime();
const simulator = await McSimulator.start(runtime, {
  host: values.host,
  port: number('port', values.port)!,
  receiptDelay: number('receipt-delay', values['receipt-delay'])!,
  receiptState,
  systemId: values['system-id'],
  ...(credentials === undefined ? {} : { credentials }),
  ...(throttle === undefined ? {} : { throttle }),
});
process.stdout.write(`smpp-sim listening on ${values.host}:${simulator.port}\n`);
let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  void simulator.close().then(() => {
    process.stdout.write(`smpp-sim closed; ${simulator.submitted.length} message(s) accepted\n`);
    process.exit(0);
  });
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
