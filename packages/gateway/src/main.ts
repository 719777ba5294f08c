#!/usr/bin/env node
// `pnpm start`: the gateway with its embedded defaults (config file from --config or
// SWITCHBOARD_CONFIG, environment variables over it), until SIGINT / SIGTERM.
// A start that fails prints one line naming the cause and the setting to change, and exits with a
// sysexits(3) status (start-failure.ts): 78 a bad configuration, 69 a port in use or a database
// out of reach, 73 a store that cannot be written, 77 a port that needs privileges, 70 anything
// else (with its stack).
// Relative paths (--config, store.path) are read from the directory `pnpm start` was run in.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import createDebug from 'debug';
import { Runtime, startApplication, stderrReports, ExitStatus, formatReport, type Report } from '@switchboard/actor';
import { ConfigError, callerDirectory, commandLineConfig, type GatewayConfig } from './config.js';
import { gatewayChild, type Gateway } from './gateway.js';
import { describeStore } from './open-store.js';
import { StartExit, startFailure } from './start-failure.js';

/** Writes the last words, waits for stdout and stderr to drain (a pipe may be asynchronous), exits. */
function exitWith(status: number, line: string, stream: NodeJS.WriteStream = process.stderr): void {
  process.exitCode = status;
  const flushed = (s: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => s.write('', () => resolve()));
  stream.write(`${line}\n`);
  void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(status));
}
/** Holds the program here while exitWith ends it. */
const exiting = (): Promise<never> => new Promise<never>(() => {});

let config!: GatewayConfig;
try {
  ({ config } = commandLineConfig(process.argv.slice(2), process.env));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  exitWith(StartExit.CONFIG, error.message);
  await exiting();
}
const { host, port, domain } = config.sip;
const { demoUser, demoPassword } = config.auth;
const digest = config.auth.mode === 'digest';
const user = demoUser ?? '447700900123';
const credentials = digest ? ` -u ${user} -a ${demoPassword ?? 'PASSWORD'}` : '';
const sippCredentials = digest ? ` -au ${user} -ap ${demoPassword ?? 'PASSWORD'}` : '';
// The sipp scenario ships with the package: in a clone and in node_modules alike it is beside src/ and dist/.
const SCENARIO = relative(callerDirectory(), fileURLToPath(new URL('../scenarios/message.xml', import.meta.url))) || 'message.xml';
const announce = (gateway: Gateway): void => {
  process.stdout.write(
    [
      `Switchboard gateway: SIP on udp/tcp ${host}:${port} (domain ${domain}), SMPP ${config.smpp.host === null ? `embedded simulator on 127.0.0.1:${gateway.smppPort}` : `${config.smpp.host}:${gateway.smppPort}`}, store ${describeStore(config.store)}`,
      digest ? `Users need digest credentials (pnpm users add NAME in a clone, switchboard-users add NAME from npm);${demoUser === null ? '' : ` the demo user is ${demoUser} / ${demoPassword ?? ''}.`}` : 'Authentication is off (auth.mode): anyone may register and send.',
      'Try:',
      `  sipsak -U -C sip:${user}@127.0.0.1:9998 -s sip:${user}@${host}:${port} -x 300 -i${credentials}   # register a user`,
      `  sipp -sf ${SCENARIO} -set user ${user}${sippCredentials} -auth_uri 447700900124@${host}:${port} -s 447700900124 ${host}:${port} -m 3   # MESSAGEs -> submit_sm -> 202`,
      `HTTP API: http://${config.http.host}:${gateway.httpPort}/v1/messages (a key: pnpm keys add NAME in a clone, switchboard-keys add NAME from npm; the API: /openapi.json)`,
      `Status: http://${config.status.host}:${gateway.statusPort}/ (JSON at /status.json)`,
      'DEBUG=switchboard:* shows every PDU and SIP message.',
      '',
    ].join('\n'),
  );
};
const STOPPED: Record<number, string> = {
  [ExitStatus.OK]: 'Switchboard gateway stopped.',
  [ExitStatus.CRASHED]: 'Switchboard gateway stopped: a part kept crashing (the crash reports above say why).',
  [ExitStatus.SHUTDOWN_TIMEOUT]: 'Switchboard gateway stopped: the shutdown took too long, what was left was killed.',
};

// Ctrl-C reaches every process of the terminal's foreground group, and pnpm forwards it to its
// child again: one keypress may arrive twice. The first stops the gateway (startApplication's own
// handler, or ours when it comes while the tree is still starting); a repeat within a second is the
// same keypress; a later one means "now". Listening from the start keeps Node's default action
// (death by the signal, status 130) from ending the process halfway.
let firstSignalAt: number | null = null;
const onSignal = (signal: NodeJS.Signals): void => {
  const now = Date.now();
  if (firstSignalAt === null) firstSignalAt = now;
  else if (now - firstSignalAt > 1000) exitWith(128 + (signal === 'SIGINT' ? 2 : 15), `Switchboard gateway: ${signal} again, exiting before the shutdown finished.`);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// startApplication handles SIGINT and SIGTERM: the tree stops in reverse order (status page, SIP,
// binds with their unbinds, the SMSC, the store), then "Switchboard gateway stopped." and status 0.
// Crash and supervisor reports: while the tree starts, a failure is told by the one line of
// start-failure.ts (the reports go to debug); once it runs, each is a line on stderr.
const startLog = createDebug('switchboard:gateway:start');
let started = false;
const reports = (report: Report): void => {
  if (started) stderrReports(report);
  else if (startLog.enabled) startLog(formatReport(report));
};
try {
  const application = await startApplication(
    { children: [gatewayChild(config, announce)] },
    {
      runtime: new Runtime({ reports }),
      exit: (status) => exitWith(status, STOPPED[status] ?? `Switchboard gateway stopped (status ${status}).`, status === ExitStatus.OK ? process.stdout : process.stderr),
    },
  );
  started = true;
  if (firstSignalAt !== null) void application.shutdown(); // signalled while starting
} catch (error) {
  const failure = startFailure(error, config);
  exitWith(failure.exitStatus, failure.message);
  await exiting();
}
