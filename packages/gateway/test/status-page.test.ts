// The status page as a person sees it: headless Chromium (Debian's chromium, driven by
// playwright-core) loads it and reads the bind state, the counters and the supervision tree.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { chromium } from 'playwright-core';
import { Runtime } from '@switchboard/actor';
import { loadConfig, startGateway } from '@switchboard/gateway';
import { freePort } from '@switchboard/test-support';

const CHROMIUM = '/usr/bin/chromium';

(existsSync(CHROMIUM) ? test : test.skip)('headless Chromium shows the bind BOUND_TRX, the counters and the supervision tree', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-status-'));
  const gateway = await startGateway(
    new Runtime(),
    loadConfig({ env: { SWITCHBOARD_SIP_PORT: String(await freePort()), SWITCHBOARD_SMPP_PORT: '0', SWITCHBOARD_STATUS_PORT: '0', SWITCHBOARD_HTTP_PORT: '0', SWITCHBOARD_STORE_PATH: join(dir, 'gateway.sqlite'), SWITCHBOARD_AUTH_MODE: 'off' } }),
  );
  for (let i = 0; i < 500 && gateway.pool.boundCount === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${gateway.statusPort}/`);
    t.is(await page.title(), 'Switchboard gateway');
    t.is((await page.locator('#binds td.up').first().textContent())?.trim(), 'BOUND_TRX');
    t.is((await page.locator('#registrations').textContent())?.trim(), '0');
    t.is((await page.locator('#queued').textContent())?.trim(), '0');
    const tree = (await page.locator('#tree').textContent()) ?? '';
    for (const id of ['gateway', 'store', 'smsc', 'bind-0', 'sip', 'transactions', 'connections', 'core', 'udp-0', 'tcp-1', 'status']) t.true(tree.includes(id), id);
    await page.screenshot({ path: join(dir, 'status.png') });
    t.true(existsSync(join(dir, 'status.png')));
    t.log(`screenshot: ${join(dir, 'status.png')}`);
  } finally {
    await browser.close();
    await gateway.stop();
  }
});
