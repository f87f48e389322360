// Every page of the console loads against the real server, shows the server's data, and logs no console error and
// no failed request; each is screenshotted at 1280x800 (overview and services here; the others where their test
// has put something on them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, assertClean, openConsole, byTestId, screenshot, api } from '../lib/console.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const route of ['overview', 'bundles', 'services', 'pipelines', 'trainings', 'playground']) {
  test(`the ${route} page loads with no console error or failed request`, async () => {
    const page = await newPage(browser);
    await openConsole(page, route);
    // the nav marks the current page
    assert.equal(await byTestId(page, `nav-${route}`).getAttribute('aria-current'), 'page');
    // a second of live updates: a stream or poll that errors shows up here
    await page.waitForTimeout(1000);
    assertClean(page);
    await page.closeClean();
  });
}

test('overview: health as /health/ready says, and the counts of bundles and services', async () => {
  const page = await newPage(browser);
  await openConsole(page, 'overview');
  const ready = await api('GET', '/health/ready');
  assert.equal(ready.status, 200);
  await byTestId(page, 'health-status', '[data-status="UP"]').waitFor();
  const bundles = (await api('GET', '/v1/bundles')).json;
  const total = Number(await byTestId(page, 'count-bundles').getAttribute('data-total'));
  assert.equal(total, bundles.length, 'bundles counted on the overview vs GET /v1/bundles');
  const active = bundles.filter((b) => b.state === 'ACTIVE').length;
  assert.match(await byTestId(page, 'count-bundles').innerText(), new RegExp(`ACTIVE\\D*${active}`));
  const services = (await api('GET', '/v1/services')).json;
  assert.equal(Number(await byTestId(page, 'count-services').getAttribute('data-total')), services.length);
  await screenshot(page, 'overview');
  assertClean(page);
  await page.closeClean();
});

test('services and models: clip-tiny READY with its services, as /v1/models and /v1/services say', async () => {
  const page = await newPage(browser);
  // one call, so the zero-shot service has a latency and a count to show
  const call = await api('POST', '/v1/services/clip-tiny-text', { text: 'a red circle' });
  assert.equal(call.status, 200, call.text);
  await openConsole(page, 'services');
  await byTestId(page, 'model-row', '[data-id="clip-tiny"][data-status="READY"]').waitFor();
  const services = (await api('GET', '/v1/services')).json;
  const text = services.find((s) => s.id === 'clip-tiny-text');
  assert.ok(text, 'clip-tiny-text is listed by GET /v1/services');
  const row = byTestId(page, 'service-row', '[data-id="clip-tiny-text"]');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-kind'), text.kind);
  await byTestId(row, 'service-calls').filter({ hasText: /[1-9]/ }).waitFor();
  assert.equal(await byTestId(page, 'service-row').count(), services.length, 'one row per service');
  await screenshot(page, 'services');
  assertClean(page);
  await page.closeClean();
});
