// `pnpm start`: the gateway with its embedded defaults (config file from --config or
// SWITCHBOARD_CONFIG, environment variables over it), until SIGINT / SIGTERM.
import { startApplication } from '@switchboard/actor';
import { ConfigError, loadConfig } from './config.js';
import { gatewayChild, type Gateway } from './gateway.js';

const at = process.argv.indexOf('--config');
const file = at > 0 ? process.argv[at + 1] : process.env.SWITCHBOARD_CONFIG;
let config;
try {
  config = loadConfig({ ...(file === undefined ? {} : { file }), env: process.env });
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}
const { host, port, domain } = config.sip;
const { demoUser, demoPassword } = config.auth;
const digest = config.auth.mode === 'digest';
const user = demoUser ?? '447700900123';
const credentials = digest ? ` -u ${user} -a ${demoPassword ?? 'PASSWORD'}` : '';
const sippCredentials = digest ? ` -au ${user} -ap ${demoPassword ?? 'PASSWORD'}` : '';
const announce = (gateway: Gateway): void => {
  process.stdout.write(
    [
      `Switchboard gateway: SIP on udp/tcp ${host}:${port} (domain ${domain}), SMPP ${config.smpp.host === null ? `embedded simulator on 127.0.0.1:${gateway.smppPort}` : `${config.smpp.host}:${gateway.smppPort}`}, store ${config.store.path}`,
      digest ? `Users need digest credentials (pnpm users add NAME);${demoUser === null ? '' : ` the demo user is ${demoUser} / ${demoPassword ?? ''}.`}` : 'Authentication is off (auth.mode): anyone may register and send.',
      'Try:',
      `  sipsak -U -C sip:${user}@127.0.0.1:9998 -s sip:${user}@${host}:${port} -x 300 -i${credentials}   # register a user`,
      `  sipp -sf packages/gateway/scenarios/message.xml -set user ${user}${sippCredentials} -auth_uri 447700900124@${host}:${port} -s 447700900124 ${host}:${port} -m 3   # MESSAGEs -> submit_sm -> 202`,
      `Status: http://${config.status.host}:${gateway.statusPort}/ (JSON at /status.json)`,
      'DEBUG=switchboard:* shows every PDU and SIP message.',
      '',
    ].join('\n'),
  );
};
// startApplication handles SIGINT and SIGTERM: the tree stops in reverse order (status page, SIP,
// binds with their unbinds, the SMSC, the store) and the process exits 0.
await startApplication({ children: [gatewayChild(config, announce)] });
