// The API key: entered once, kept for the browser session only (sessionStorage), sent with every request. A wrong key
// is refused by the server and the console says so; the real key (the local operator's admin key) works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, KEY, launch, newPage, assertClean, openConsole, enterKey, byTestId, api } from '../lib/console.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a wrong key is refused with the server message, the real key is kept for the session only', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/console/#/overview`);
  await byTestId(page, 'api-key-state').filter({ hasText: /no key/i }).waitFor();

  // an unknown key is refused even from loopback: the console shows the server's 401
  const real = await api('GET', '/v1/bundles');
  assert.equal(real.status, 200, 'the real key reads the bundles');
  page.expectProblem(/HTTP 401|status of 401/);
  await enterKey(page, 'not-a-key-' + Date.now());
  await page.goto(`${BASE}/console/#/bundles`);
  // the page's load fails and says so in an alert with the server's answer
  const refused = page.getByRole('alert').filter({ hasText: /\/v1\/bundles/ }).first();
  await refused.waitFor();
  assert.match(await refused.innerText(), /401|UNAUTHORI[SZ]ED/);

  // the real key: the bundles page fills with the server's list
  await enterKey(page, KEY);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('stoa.console.key')), KEY);
  await page.reload();
  await byTestId(page, 'api-key-state').filter({ hasText: /key set/i }).waitFor();
  await byTestId(page, 'page-bundles', '[data-loaded="true"]').waitFor();
  const rows = await byTestId(page, 'bundle-row').count();
  assert.equal(rows, (await api('GET', '/v1/bundles')).json.length, 'one row per bundle of GET /v1/bundles');
  assert.equal(await page.evaluate(() => localStorage.getItem('stoa.console.key')), null, 'never in localStorage');
  await page.closeClean();

  // a new browser session starts without it
  const fresh = await newPage(browser);
  await fresh.goto(`${BASE}/console/#/overview`);
  await byTestId(fresh, 'api-key-state').filter({ hasText: /no key/i }).waitFor();
  assertClean(fresh);
  await fresh.closeClean();
});

test('the nav is reachable with the keyboard', async () => {
  const page = await newPage(browser);
  await openConsole(page, 'overview');
  // Tab until the Bundles link has the focus, then Enter opens it
  let focused = '';
  for (let i = 0; i < 40 && focused !== 'nav-bundles'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') || '');
  }
  assert.equal(focused, 'nav-bundles', 'Tab reaches the Bundles link');
  await page.keyboard.press('Enter');
  await byTestId(page, 'page-bundles', '[data-loaded="true"]').waitFor();
  assertClean(page);
  await page.closeClean();
});
