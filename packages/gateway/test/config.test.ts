// Configuration: defaults, a file, environment variables over it, and errors that name the key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '@switchboard/gateway';

function file(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gw-config-')), 'gateway.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

test('defaults need nothing: loopback SIP, the embedded simulator, a data directory', (t) => {
  const config = loadConfig();
  t.deepEqual(config, DEFAULT_CONFIG);
  t.is(config.smpp.host, null);
});

test('a file overrides the defaults and the environment overrides the file', (t) => {
  const path = file({ sip: { port: 5070, domain: 'example.net' }, smpp: { host: 'smsc.example.net' } });
  const config = loadConfig({ file: path, env: { SWITCHBOARD_SIP_PORT: '5080', SWITCHBOARD_SMPP_SYSTEM_ID: 'esme7' } });
  t.is(config.sip.port, 5080);
  t.is(config.sip.domain, 'example.net');
  t.is(config.smpp.host, 'smsc.example.net');
  t.is(config.smpp.systemId, 'esme7');
});

test('bad values are ConfigErrors naming the key', (t) => {
  const cases: [() => unknown, string][] = [
    [() => loadConfig({ env: { SWITCHBOARD_SIP_PORT: 'fifty' } }), 'sip.port'],
    [() => loadConfig({ file: file({ sip: { port: 70_000 } }) }), 'sip.port'],
    [() => loadConfig({ file: file({ sip: { prot: 5060 } }) }), 'sip.prot'],
    [() => loadConfig({ file: file({ smtp: {} }) }), 'smtp'],
    [() => loadConfig({ file: file({ smpp: { binds: 0 } }) }), 'smpp.binds'],
    [() => loadConfig({ file: file('{ not json') }), '(file)'],
    [() => loadConfig({ file: file({ sip: { minExpires: 7200 } }) }), 'sip.defaultExpires'],
    [() => loadConfig({ env: { SWITCHBOARD_AUTH_MODE: 'basic' } }), 'auth.mode'],
    [() => loadConfig({ env: { SWITCHBOARD_AUTH_ALGORITHMS: 'MD5,SHA-1' } }), 'auth.algorithms'],
    [() => loadConfig({ env: { SWITCHBOARD_AUTH_DEMO_PASSWORD: '' } }), 'auth.demoPassword'],
    [() => loadConfig({ file: file({ smpp: { maxParts: 256 } }) }), 'smpp.maxParts'],
    [() => loadConfig({ file: file({ sip: { maxTransactions: 0 } }) }), 'sip.maxTransactions'],
  ];
  for (const [load, key] of cases) {
    const error = t.throws(load, { instanceOf: ConfigError });
    t.is(error?.key, key);
    t.is(error?.code, 'ERR_GATEWAY_CONFIG');
  }
});

test('the demo user is turned off with empty variables (or null in the file)', (t) => {
  const config = loadConfig({ env: { SWITCHBOARD_AUTH_DEMO_USER: '', SWITCHBOARD_AUTH_DEMO_PASSWORD: '' } });
  t.is(config.auth.demoUser, null);
  t.is(config.auth.demoPassword, null);
  t.is(loadConfig({ file: file({ auth: { demoUser: null, demoPassword: null } }) }).auth.demoUser, null);
});
