// The Kamailio configuration shipped in deploy/kamailio, as an operator starts it: `kamailio -c`
// accepts it with its own defaults and the example dispatcher list, and with every setting given on
// the command line (-A). cluster.test.ts runs it for real in front of two gateway nodes.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { haveKamailio } from '@switchboard/test-support';

const config = fileURLToPath(new URL('../../../deploy/kamailio/kamailio.cfg', import.meta.url));
const list = fileURLToPath(new URL('../../../deploy/kamailio/dispatcher.list', import.meta.url));

const check = (defines: Record<string, string>) =>
  spawnSync('kamailio', ['-c', '-f', config, ...Object.entries(defines).flatMap(([name, value]) => ['-A', `${name}=${value}`])], { encoding: 'utf8' });

(haveKamailio ? test : test.skip)('kamailio -c accepts deploy/kamailio/kamailio.cfg with its defaults and with every setting overridden', (t) => {
  const defaults = check({ DISPATCHER_LIST: `"${list}"` });
  t.is(defaults.status, 0, defaults.stderr);
  t.regex(defaults.stdout + defaults.stderr, /udp: 0\.0\.0\.0 \[0\.0\.0\.0\]:5060/, 'listens on LISTEN’s default');
  const all = check({
    LISTEN: 'udp:127.0.0.1:5999',
    DISPATCHER_LIST: `"${list}"`,
    PING_INTERVAL: '2',
    PING_THRESHOLD: '2',
    ANSWER_TIMEOUT: '3000',
    RETRY_AFTER: '10',
    CTL_SOCKET: '"unix:/tmp/switchboard-kamailio-check.ctl"',
    WORKERS: '2',
    DEBUG_LEVEL: '2',
    LOG_STDERR: 'yes',
  });
  t.is(all.status, 0, all.stderr);
  t.regex(all.stdout + all.stderr, /udp: 127\.0\.0\.1 \[127\.0\.0\.1\]:5999/);
});
