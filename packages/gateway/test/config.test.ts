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
    [() => loadConfig({ env: { SWITCHBOARD_STORE_URL: 'mysql://db.example/switchboard' } }), 'store.url'],
    [() => loadConfig({ file: file({ store: { url: 5432 } }) }), 'store.url'],
    [() => loadConfig({ env: { SWITCHBOARD_STORE_POOL_SIZE: '0' } }), 'store.poolSize'],
  ];
  for (const [load, key] of cases) {
    const error = t.throws(load, { instanceOf: ConfigError });
    t.is(error?.key, key);
    t.is(error?.code, 'ERR_GATEWAY_CONFIG');
  }
});

test('store.url names a PostgreSQL database (empty or null: the SQLite file); a password in a bad one is not echoed', (t) => {
  t.is(loadConfig({ env: { SWITCHBOARD_STORE_URL: 'postgres://gw:secret@db.example:5432/switchboard' } }).store.url, 'postgres://gw:secret@db.example:5432/switchboard');
  t.is(loadConfig({ env: { SWITCHBOARD_STORE_URL: '' } }).store.url, null);
  t.is(loadConfig({ file: file({ store: { url: null, poolSize: 4 } }) }).store.poolSize, 4);
  const error = t.throws(() => loadConfig({ env: { SWITCHBOARD_STORE_URL: 'http://gw:hunter2@db.example/x' } }), { instanceOf: ConfigError });
  t.false(error?.message.includes('hunter2'), error?.message);
});

test('the demo user is turned off with empty variables (or null in the file)', (t) => {
  const config = loadConfig({ env: { SWITCHBOARD_AUTH_DEMO_USER: '', SWITCHBOARD_AUTH_DEMO_PASSWORD: '' } });
  t.is(config.auth.demoUser, null);
  t.is(config.auth.demoPassword, null);
  t.is(loadConfig({ file: file({ auth: { demoUser: null, demoPassword: null } }) }).auth.demoUser, null);
});
