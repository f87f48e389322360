// Deploy the example bundle (bundles/examples/shout) by uploading its jar on the Bundles page, see it become ACTIVE
// (and the deploy folder's verdict), call it, then remove it and see it go: each step checked against the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOUT_JAR, launch, newPage, assertClean, openConsole, byTestId, screenshot, api, until } from '../lib/console.mjs';

const NAME = 'dev.stoa.examples.shout';
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('deploy and remove the example bundle', async () => {
  assert.ok(SHOUT_JAR, 'STOA_SHOUT_JAR names the example bundle');
  const file = path.basename(SHOUT_JAR);
  const page = await newPage(browser);
  page.on('dialog', (d) => d.accept());
  await openConsole(page, 'bundles');
  assert.equal(await byTestId(page, 'bundle-row', `[data-name="${NAME}"]`).count(), 0, 'not deployed before');

  await byTestId(page, 'bundle-upload-input').setInputFiles(SHOUT_JAR);
  await byTestId(page, 'bundle-upload-submit').click();
  await byTestId(page, 'notice', '[data-kind="success"]').first().waitFor();
  const row = byTestId(page, 'bundle-row', `[data-name="${NAME}"]`);
  await row.and(page.locator('[data-state="ACTIVE"]')).waitFor({ timeout: 30_000 });
  const listed = (await api('GET', '/v1/bundles')).json.find((b) => b.symbolicName === NAME);
  assert.equal(listed?.state, 'ACTIVE', 'GET /v1/bundles agrees');
  // the deploy folder's verdict on the file, as it happened
  await byTestId(page, 'deploy-verdict', `[data-status="ACTIVE"]`).first().waitFor({ timeout: 30_000 });
  const shout = await until('shout answers', async () => {
    const r = await api('POST', '/v1/services/shout', { text: 'hello' });
    return r.status === 200 && r.json;
  });
  assert.equal(shout.text, 'HELLO');
  await screenshot(page, 'bundles');

  await row.locator('[data-testid="bundle-remove"]').click();
  await row.waitFor({ state: 'detached', timeout: 30_000 });
  await until('GET /v1/bundles no longer lists it', async () =>
    !(await api('GET', '/v1/bundles')).json.some((b) => b.symbolicName === NAME));
  const gone = await api('POST', '/v1/services/shout', { text: 'hello' });
  assert.notEqual(gone.status, 200, 'shout is gone');
  assert.ok(!(await byTestId(page, 'bundle-row', `[data-file="${file}"]`).count()), 'no row for the removed file');
  assertClean(page);
  await page.closeClean();
});
