// Trainings: start a short training file from the page and watch its chart gain points while it runs, as the
// run's metric history on the server grows; then its report when it ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HOME, launch, newPage, assertClean, openConsole, byTestId, screenshot, api, until } from '../lib/console.mjs';

// a run of its own each time (a training file that has run before resumes from its checkpoint and ends at once):
// etc/train/console-chart.yaml under a new name and output
const NAME = `console-chart-${Date.now()}`;
const FILE = path.join(HOME, 'etc', 'train', `${NAME}.yaml`);

let browser;
before(async () => {
  const template = fs.readFileSync(path.join(HOME, 'etc', 'train', 'console-chart.yaml'), 'utf8');
  fs.writeFileSync(FILE, template.replace(/^name: .*$/m, `name: ${NAME}`).replace(/^output: .*$/m, `output: ${NAME}`));
  browser = await launch();
});
after(async () => {
  fs.rmSync(FILE, { force: true });
  await browser?.close();
});

test('start a training and see the chart gain points while it runs', async () => {
  const page = await newPage(browser);
  await openConsole(page, 'trainings');
  await byTestId(page, 'training-file-input').fill(`etc/train/${NAME}.yaml`);
  await byTestId(page, 'training-start').click();
  await byTestId(page, 'notice', '[data-kind="success"]').first().waitFor();

  const run = await until(`GET /v1/trainings lists the ${NAME} run`, async () =>
    (await api('GET', '/v1/trainings')).json.trainings.find((r) => r.name === NAME));
  const row = byTestId(page, 'training-row', `[data-id="${run.id}"]`);
  await row.waitFor();
  await row.locator('[data-testid="training-open"]').click();
  const chart = byTestId(page, 'training-chart');
  const points = async () => Number((await chart.getAttribute('data-points')) || 0);
  const first = await until('the chart has a point', async () => (await points()) >= 1 && (await points()), 120_000);
  // more points arrive without a reload while the run goes on
  const later = await until('the chart gains points', async () => {
    const n = await points();
    return n >= first + 3 && n;
  }, 180_000);
  assert.ok(later > first);
  assert.equal(await byTestId(page, 'training-points').innerText().then((t) => Number(t.match(/\d+/)?.[0])) >= first, true);
  await screenshot(page, 'trainings');

  // the run ends (40 steps) and its report is shown
  await row.and(page.locator('[data-state="succeeded"]')).waitFor({ timeout: 240_000 });
  await byTestId(page, 'training-report').waitFor({ timeout: 30_000 });
  const history = (await api('GET', `/v1/trainings/${run.id}/metrics`)).json;
  assert.equal(history.state, 'succeeded');
  // one point per logged step (log_every: 1, 40 steps): the chart has each once (none lost, none twice) at the end
  await until('the chart has every logged point once', async () => (await points()) === history.points.length, 30_000)
    .catch(async (e) => {
      throw new Error(`${e.message}: the chart shows ${await points()} points, the server logged ${history.points.length}`);
    });
  assert.ok(history.points.length >= 40, `40 logged steps, got ${history.points.length}`);
  assertClean(page);
  await page.closeClean();
});
